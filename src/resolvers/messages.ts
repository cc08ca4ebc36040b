import { inTransaction, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ConversationService } from './conversations.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput, forbidden, notFound } from './errors.ts';
import { parseConversationID } from './ids.ts';
import { announceMessage } from './live-chats.ts';

export const messageSelect = {
  id: true,
  conversationId: true,
  seq: true,
  senderId: true,
  text: true,
  needReadReceipt: true,
  audienceCount: true,
  readCount: true,
  createdAt: true,
  conversation: { select: { groupId: true, group: { select: { type: true } } } },
} as const;

export type MessageRow = {
  id: number;
  conversationId: string;
  seq: number;
  senderId: string;
  text: string;
  needReadReceipt: boolean;
  audienceCount: number;
  readCount: number;
  createdAt: Date;
  conversation: { groupId: string | null; group: { type: string } | null };
};

/** A loadBatch row as the drivers give it: SQLite has no boolean, and its DateTime may come back as text. */
export type RawMessageRow = Omit<MessageRow, 'needReadReceipt' | 'createdAt' | 'conversation'> & {
  needReadReceipt: boolean | number;
  createdAt: Date | string;
  groupId: string | null;
  groupType: string | null;
};

export function toMessageRow(r: RawMessageRow): MessageRow {
  return {
    id: Number(r.id),
    conversationId: r.conversationId,
    seq: Number(r.seq),
    senderId: r.senderId,
    text: r.text,
    needReadReceipt: Boolean(r.needReadReceipt),
    audienceCount: Number(r.audienceCount),
    readCount: Number(r.readCount),
    createdAt: new Date(r.createdAt),
    conversation: { groupId: r.groupId, group: r.groupType === null ? null : { type: r.groupType } },
  };
}

export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  async send(senderID: string, conversationID: string, text: string, needReadReceipt: boolean): Promise<MessageRow> {
    const ref = parseConversationID(senderID, conversationID);
    const now = new Date();
    const message = await inTransaction(this.deps.db, async (tx) => {
      if (ref.kind === 'C2C') await this.conversations.ensureC2C(tx, senderID, ref.peerID);
      else if (!(await tx.conversation.count({ where: { id: ref.key } }))) {
        throw notFound(`group ${ref.groupID} does not exist`);
      }
      // Taking the next seq locks the conversation row: sends and membership changes in one
      // chat are serialized, so memberCount is exactly the audience at send time.
      const conversation = await tx.conversation.update({
        where: { id: ref.key },
        data: { lastSeq: { increment: 1 }, lastMessageAt: now },
        select: { lastSeq: true, memberCount: true },
      });
      const sender = await tx.participant.updateMany({
        where: { conversationId: ref.key, userId: senderID },
        data: { ownSinceRead: { increment: 1 } },
      });
      if (sender.count === 0) throw forbidden(`you are not a member of ${conversationID}`);
      return tx.message.create({
        data: {
          conversationId: ref.key,
          seq: conversation.lastSeq,
          senderId: senderID,
          text,
          needReadReceipt,
          audienceCount: ref.kind === 'GROUP' ? conversation.memberCount - 1 : 1,
          createdAt: now,
        },
        select: messageSelect,
      });
    });
    announceMessage(this.deps.pubsub, ref.key, message.id, ref.kind === 'C2C' ? [senderID, ref.peerID] : []);
    return message;
  }

  /** History, newest first; `after` is the seq of the last message of the page before. */
  async history(viewerID: string, conversationID: string, first: number, after?: number) {
    const view = await this.conversations.byConversationID(viewerID, conversationID);
    const rows = await this.deps.db.message.findMany({
      where: { conversationId: view.key, ...(after !== undefined && { seq: { lt: after } }) },
      orderBy: { seq: 'desc' },
      take: first + 1,
      select: messageSelect,
    });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Messages by id, null where the caller is not in the conversation (or it does not exist). */
  async loadVisible(viewerID: string, ids: readonly number[]): Promise<(MessageRow | null)[]> {
    const rows = await this.deps.db.message.findMany({
      where: { id: { in: [...ids] }, conversation: { participants: { some: { userId: viewerID } } } },
      select: messageSelect,
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Messages by id for receipt work: every id must exist. One statement (a join), whatever the
   * count: messageReceipts and readMembers start here, and markRead's batches use loadRows.
   */
  async loadBatch(ids: number[]): Promise<MessageRow[]> {
    return rowsInOrder(await loadRows(this.deps.db, ids), ids);
  }
}

/** The rows for `ids`, in their order; NOT_FOUND names the first id that has none. */
export function rowsInOrder(byId: Map<number, MessageRow>, ids: number[]): MessageRow[] {
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw notFound(`message ${id} does not exist`);
    return row;
  });
}

/** Receipt calls take messages of one conversation only. */
export function oneConversation(rows: MessageRow[]): MessageRow[] {
  if (new Set(rows.map((m) => m.conversationId)).size > 1) {
    throw badInput('msgIDs', 'all messages must come from one conversation');
  }
  return rows;
}

/** A MessageRow's columns, from "Message" m joined with MESSAGE_JOINS. */
export const MESSAGE_COLUMNS = `m."id", m."conversationId", m."seq", m."senderId", m."text", m."needReadReceipt",
  m."audienceCount", m."readCount", m."createdAt", c."groupId", g."type" AS "groupType"`;
export const MESSAGE_JOINS = `JOIN "Conversation" c ON c."id" = m."conversationId" LEFT JOIN "Group" g ON g."id" = c."groupId"`;

/** The messages among `ids` that exist, with their conversation and group type, in one statement. */
export async function loadRows(client: Pick<Tx, '$queryRaw'>, ids: number[]): Promise<Map<number, MessageRow>> {
  const raw = await client.$queryRaw<RawMessageRow[]>(Prisma.sql`
    SELECT ${Prisma.raw(MESSAGE_COLUMNS)} FROM "Message" m ${Prisma.raw(MESSAGE_JOINS)}
    WHERE m."id" IN (${Prisma.join(ids)})`);
  return new Map(raw.map((r) => [Number(r.id), toMessageRow(r)]));
}
