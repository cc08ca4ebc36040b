import { inTransaction, lockConversationSeq, type Tx } from '../db/transaction.ts';
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
      // One row for the whole newly read range, however many messages it holds: the peer's
      // messages in it read as read at `now`, unless a markRead receipt says sooner (peer-reads.ts).
      // Two concurrent calls that found the same receiptSeq clash on the row's key: the loser's
      // transaction is retried (P2002) and finds nothing new, so ranges never overlap.
      if (share && lastSeq > viewer.receiptSeq) {
        await tx.conversationRead.create({
          data: {
            conversationId: ref.key,
            readerId: viewerID,
            fromSeq: viewer.receiptSeq,
            toSeq: lastSeq,
            readAt: now,
          },
        });
      }
      // receiptSeq moves on even with receipts off, so turning them back on never reveals these reads.
      await tx.participant.update({
        where: { conversationId_userId: { conversationId: ref.key, userId: viewerID } },
        data: {
          readSeq: lastSeq,
          ownSinceRead: 0,
          receiptSeq: lastSeq,
          // What the peer may see as Conversation.peerReadAt: shared reads only.
          ...(share && { sharedReadAt: now }),
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
