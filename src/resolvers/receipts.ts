// The read-receipt core: receivers mark messages read, senders pull the figures.
import { inTransaction, lockMessages, lockReader } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { groupHasReceipts, type ServiceDeps } from './deps.ts';
import { badInput, forbidden, receiptNotFound } from './errors.ts';
import { peerOf } from './ids.ts';
import type { MessageRow, MessageService } from './messages.ts';
import { c2cReceipt, groupReceipt, type ReceiptView, readerReceipt } from './receipt-view.ts';

export const MAX_RECEIPT_BATCH = 30;

type Counters = { id: number; senderId: string; readCount: number; audienceCount: number; lastReadRank: number };
/** Raw rows: integers may come back as bigint. */
type CounterRow = { [K in keyof Counters]: Counters[K] | bigint };

const toCounters = (r: CounterRow): Counters => ({
  id: Number(r.id),
  senderId: String(r.senderId),
  readCount: Number(r.readCount),
  audienceCount: Number(r.audienceCount),
  lastReadRank: Number(r.lastReadRank),
});

export class ReceiptService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly messages: MessageService,
  ) {}

  /**
   * Records that `readerID` has read `msgIDs` (1..30, one conversation). Idempotent, and it
   * leaves the unread count alone. Each sender's receiptUpdated stream gets the new figures.
   */
  async markRead(readerID: string, msgIDs: number[]): Promise<ReceiptView[]> {
    const rows = oneConversation(await this.messages.loadBatch(msgIDs));
    const { conversationId, conversation } = rows[0];
    const now = new Date();
    const { db, provider, pubsub } = this.deps;

    const outcome = await inTransaction(db, async (tx) => {
      // The membership row is held until commit, so a concurrent leave cannot strand a receipt.
      const reader = await lockReader(tx, provider, conversationId, readerID);
      if (!reader) throw forbidden(`you are not a member of the conversation of message ${rows[0].id}`);
      // Checked only now, so a non-member learns nothing about the messages' content or settings.
      for (const m of rows) {
        if (m.senderId === readerID) throw badInput('msgIDs', `message ${m.id} is your own`);
        if (!m.needReadReceipt) throw badInput('msgIDs', `message ${m.id} does not need a read receipt`);
        const group = m.conversation.group;
        if (group && !groupHasReceipts(this.deps.config, group.type)) {
          throw badInput('msgIDs', `message ${m.id} is in a ${group.type} group, which has read receipts off`);
        }
      }
      // Members who joined after a message was sent may read it, but are not its audience.
      const counted = rows.filter((m) => m.seq > reader.joinSeq).map((m) => m.id);
      if (!reader.readReceiptsEnabled || counted.length === 0) return { readAt: new Map<number, Date>(), updated: [] };
      await lockMessages(tx, provider, counted);
      // One statement for every message this reader has not read yet: the counters and the next rank.
      const updated = (
        await tx.$queryRaw<CounterRow[]>(Prisma.sql`
          UPDATE "Message" SET "readCount" = "readCount" + 1, "lastReadRank" = "lastReadRank" + 1
          WHERE "id" IN (${Prisma.join(counted)}) AND NOT EXISTS (
            SELECT 1 FROM "Receipt" r WHERE r."messageId" = "Message"."id" AND r."userId" = ${readerID})
          RETURNING "id", "senderId", "readCount", "audienceCount", "lastReadRank"`)
      ).map(toCounters);
      const readAt = new Map<number, Date>();
      if (updated.length < counted.length) {
        // Read before: those keep the time of the first read.
        const earlier = await tx.receipt.findMany({
          where: { userId: readerID, messageId: { in: counted } },
          select: { messageId: true, readAt: true },
        });
        for (const r of earlier) readAt.set(r.messageId, r.readAt);
      }
      if (updated.length === 0) return { readAt, updated: [] };
      await tx.$executeRaw(
        Prisma.sql`INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt") VALUES ${Prisma.join(
          updated.map((m) => Prisma.sql`(${m.id}, ${readerID}, ${m.lastReadRank}, ${now})`),
        )}`,
      );
      for (const m of updated) readAt.set(m.id, now);
      return { readAt, updated };
    });

    for (const m of outcome.updated) {
      const view = conversation.groupId ? groupReceipt(m, conversation.groupId) : c2cReceipt(m.id, readerID, now);
      pubsub.publish('receipts:sender', m.senderId, view);
    }
    return rows.map((m) =>
      readerReceipt(m.id, readerID, conversationId, conversation.groupId, outcome.readAt.get(m.id) ?? now),
    );
  }

  /** The sender's figures for up to 30 messages of one conversation, in input order. */
  async messageReceipts(senderID: string, msgIDs: number[]): Promise<ReceiptView[]> {
    const rows = oneConversation(await this.messages.loadBatch(msgIDs));
    for (const m of rows) {
      if (m.senderId !== senderID) throw forbidden(`only the sender of message ${m.id} may see its receipts`);
      if (!this.hasReceipt(m)) throw receiptNotFound(String(m.id));
    }
    const views = await this.views(senderID, rows);
    return rows.map((m) => views.get(m.id) as ReceiptView);
  }

  /** Receipt views keyed by message id; messages the caller did not send, or without receipts, are left out. */
  async views(viewerID: string, rows: MessageRow[]): Promise<Map<number, ReceiptView>> {
    const mine = rows.filter((m) => m.senderId === viewerID && this.hasReceipt(m));
    const result = new Map<number, ReceiptView>();
    const c2c = mine.filter((m) => !m.conversation.groupId);
    for (const m of mine) if (m.conversation.groupId) result.set(m.id, groupReceipt(m, m.conversation.groupId));
    if (c2c.length === 0) return result;

    // One-to-one: the receiver's receipt row (from markRead, or from markConversationRead).
    const receipts = await this.deps.db.receipt.findMany({
      where: { messageId: { in: c2c.map((m) => m.id) } },
      select: { messageId: true, readAt: true },
    });
    const readAt = new Map(receipts.map((r) => [r.messageId, r.readAt]));
    for (const m of c2c) {
      result.set(m.id, c2cReceipt(m.id, peerOf(viewerID, m.conversationId), readAt.get(m.id) ?? null));
    }
    return result;
  }

  hasReceipt(m: MessageRow): boolean {
    if (!m.needReadReceipt) return false;
    const group = m.conversation.group;
    return !group || groupHasReceipts(this.deps.config, group.type);
  }
}

function oneConversation(rows: MessageRow[]): MessageRow[] {
  if (new Set(rows.map((m) => m.conversationId)).size > 1) {
    throw badInput('msgIDs', 'all messages must come from one conversation');
  }
  return rows;
}
