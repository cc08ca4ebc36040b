import { timestampValue } from '../db/sql-values.ts';
import { inTransaction, lockConversationSeq, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';
import { forbidden, notFound } from './errors.ts';
import { type ConversationRef, c2cKey, conversationIDFor, parseConversationID } from './ids.ts';
import { announceRead } from './live-chats.ts';
import { c2cReceipt } from './receipt-view.ts';
import type { UserService } from './users.ts';

/** A conversation as one user sees it. */
export type ConversationView = {
  conversationID: string;
  key: string;
  viewerID: string;
  groupID: string | null;
  peerID: string | null;
  unreadCount: number;
  lastMessageAt: Date;
};

type ParticipantWithConversation = {
  userId: string;
  readSeq: number;
  ownSinceRead: number;
  conversation: { id: string; groupId: string | null; lastSeq: number; lastMessageAt: Date };
};

export function toConversationView(p: ParticipantWithConversation): ConversationView {
  const { conversation: c } = p;
  const conversationID = conversationIDFor(p.userId, c.id);
  return {
    conversationID,
    key: c.id,
    viewerID: p.userId,
    groupID: c.groupId,
    peerID: c.groupId ? null : conversationID.slice(3),
    // Sending to a group writes no per-member rows: unread is derived from sequence numbers.
    unreadCount: Math.max(0, c.lastSeq - p.readSeq - p.ownSinceRead),
    lastMessageAt: c.lastMessageAt,
  };
}

const participantSelect = {
  userId: true,
  readSeq: true,
  ownSinceRead: true,
  conversation: { select: { id: true, groupId: true, lastSeq: true, lastMessageAt: true } },
} as const;

export class ConversationService {
  private readonly deps: ServiceDeps;
  private readonly users: UserService;

  constructor(deps: ServiceDeps, users: UserService) {
    this.deps = deps;
    this.users = users;
  }

  /** Creates a one-to-one chat (and the peer's user record) the first time it is used. */
  async ensureC2C(tx: Tx, viewerID: string, peerID: string): Promise<void> {
    const id = c2cKey(viewerID, peerID);
    if (await tx.conversation.findUnique({ where: { id }, select: { id: true } })) return;
    await this.users.ensureUsers(tx, [peerID]);
    await tx.conversation.create({
      data: {
        id,
        memberCount: 2,
        participants: { create: [viewerID, peerID].map((userId) => ({ userId, joinSeq: 0, readSeq: 0 })) },
      },
    });
  }

  /** The caller's view of a conversation they belong to; NOT_FOUND or FORBIDDEN otherwise. */
  async forViewer(viewerID: string, ref: ConversationRef): Promise<ConversationView> {
    const participant = await this.deps.db.participant.findUnique({
      where: { conversationId_userId: { conversationId: ref.key, userId: viewerID } },
      select: participantSelect,
    });
    if (participant) return toConversationView(participant);
    if (ref.kind === 'C2C') return { ...emptyC2C(viewerID, ref.peerID), key: ref.key };
    const exists = await this.deps.db.conversation.count({ where: { id: ref.key } });
    throw exists ? forbidden(`you are not a member of ${ref.key}`) : notFound(`group ${ref.groupID} does not exist`);
  }

  async byConversationID(viewerID: string, conversationID: string): Promise<ConversationView> {
    return this.forViewer(viewerID, parseConversationID(viewerID, conversationID));
  }

  /** The caller's conversations, most recent first, keyset-paged on (lastMessageAt, id). */
  async list(viewerID: string, first: number, after?: { at: Date; key: string }) {
    const rows = await this.deps.db.participant.findMany({
      where: {
        userId: viewerID,
        ...(after && {
          conversation: {
            OR: [{ lastMessageAt: { lt: after.at } }, { lastMessageAt: after.at, id: { lt: after.key } }],
          },
        }),
      },
      orderBy: [{ conversation: { lastMessageAt: 'desc' } }, { conversationId: 'desc' }],
      take: first + 1,
      select: participantSelect,
    });
    return { views: rows.slice(0, first).map(toConversationView), hasNextPage: rows.length > first };
  }

  /**
   * Sets the caller's unread count to 0. In a one-to-one chat it also tells the peer, unless the
   * caller has turned read receipts off.
   */
  async markConversationRead(viewerID: string, conversationID: string): Promise<ConversationView> {
    const ref = parseConversationID(viewerID, conversationID);
    const now = new Date();
    const { db, provider } = this.deps;
    const shared = await inTransaction(db, async (tx) => {
      if (ref.kind === 'C2C') await this.ensureC2C(tx, viewerID, ref.peerID);
      const lastSeq = await lockConversationSeq(tx, provider, ref.key);
      if (lastSeq === null) throw notFound(`group ${ref.kind === 'GROUP' ? ref.groupID : ''} does not exist`);
      const viewer = await tx.participant.findUnique({
        where: { conversationId_userId: { conversationId: ref.key, userId: viewerID } },
        select: { receiptSeq: true, user: { select: { readReceiptsEnabled: true } } },
      });
      if (!viewer) throw forbidden(`you are not a member of ${conversationID}`);
      const share = ref.kind === 'C2C' && viewer.user.readReceiptsEnabled;
      if (share) await this.receiptsUpTo(tx, ref.key, viewerID, ref.peerID, viewer.receiptSeq, lastSeq, now);
      // receiptSeq moves on even with receipts off, so turning them back on never reveals these reads.
      await tx.participant.update({
        where: { conversationId_userId: { conversationId: ref.key, userId: viewerID } },
        data: {
          readSeq: lastSeq,
          ownSinceRead: 0,
          receiptSeq: lastSeq,
          // What the peer may see (Conversation.peerReadAt, Message.isPeerRead): shared reads only.
          ...(share && { sharedReadSeq: lastSeq, sharedReadAt: now }),
        },
      });
      return share;
    });
    if (shared && ref.kind === 'C2C') {
      // The peer sees the chat under "C2C<viewer>"; msgID null means "everything up to now".
      this.deps.pubsub.publish('receipts:sender', ref.peerID, c2cReceipt(ref.peerID, null, viewerID, now));
    }
    // The caller's other devices learn the chat is read; the peer, that its peerReadAt moved.
    announceRead(this.deps.pubsub, ref.key, shared && ref.kind === 'C2C' ? [viewerID, ref.peerID] : [viewerID]);
    return this.forViewer(viewerID, ref);
  }
  /**
   * One-to-one: when each view's peer last marked the chat read, in order; null for groups, for a
   * peer who never did with receipts on, and while the peer has receipts off. One statement.
   */
  async peerReadTimes(views: readonly ConversationView[]): Promise<(Date | null)[]> {
    const c2c = views.filter((v) => v.peerID);
    if (c2c.length === 0) return views.map(() => null);
    const rows = await this.deps.db.participant.findMany({
      where: { OR: c2c.map((v) => ({ conversationId: v.key, userId: v.peerID as string })) },
      select: { conversationId: true, sharedReadAt: true, user: { select: { readReceiptsEnabled: true } } },
    });
    const byKey = new Map(rows.map((r) => [r.conversationId, r.user.readReceiptsEnabled ? r.sharedReadAt : null]));
    return views.map((v) => (v.peerID ? (byKey.get(v.key) ?? null) : null));
  }

  /**
   * One-to-one: a receipt row for each message from the peer that needs one and that this read
   * newly covers, so every message keeps the time it was first read. A one-to-one message has
   * one reader, so its rank is 1. Two set-based statements, whatever the unread count: the
   * counters are set (not added to) and the insert skips a receipt a concurrent markRead wrote,
   * so the pair is exact in either order.
   */
  private async receiptsUpTo(
    tx: Tx,
    key: string,
    readerID: string,
    peerID: string,
    fromSeq: number,
    toSeq: number,
    readAt: Date,
  ) {
    const covered = (message: string) => Prisma.sql`${Prisma.raw(message)}."conversationId" = ${key}
      AND ${Prisma.raw(message)}."senderId" = ${peerID} AND ${Prisma.raw(message)}."needReadReceipt" = ${true}
      AND ${Prisma.raw(message)}."seq" > ${fromSeq} AND ${Prisma.raw(message)}."seq" <= ${toSeq}
      AND NOT EXISTS (SELECT 1 FROM "Receipt" r WHERE r."messageId" = ${Prisma.raw(message)}."id" AND r."userId" = ${readerID})`;
    await tx.$executeRaw`UPDATE "Message" SET "readCount" = 1, "lastReadRank" = 1 WHERE ${covered('"Message"')}`;
    await tx.$executeRaw`INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
      SELECT m."id", ${readerID}, 1, ${timestampValue(this.deps.provider, readAt)} FROM "Message" m WHERE ${covered('m')}
      ON CONFLICT DO NOTHING`;
  }
}

function emptyC2C(viewerID: string, peerID: string): ConversationView {
  return {
    conversationID: `C2C${peerID}`,
    key: c2cKey(viewerID, peerID),
    viewerID,
    groupID: null,
    peerID,
    unreadCount: 0,
    lastMessageAt: new Date(0),
  };
}
