// Receipt retention (RECEIPT_RETENTION_DAYS). Past that age, a group message's reader list (its
// Receipt rows: who, in what order, when) is removed in the background, a bounded batch per
// transaction with a pause between, so the sweep never holds the writer long. What stays:
// - the counters on the message row (readCount, audienceCount): the figures never change;
// - who read it, as bare (messageId, userId) pairs (ExpiredReceipt): a late markRead must be
//   counted exactly once, and a leave must take its reader's read out of readCount (the leave
//   sweeper deletes a leaver's pairs as it does their rows, see leave-sweep.ts). Anything
//   smaller (a bloom filter, a bitmap over members) would either miscount or need a member
//   numbering this schema does not have;
// - Message.receiptsExpiredAt, set in the first batch's transaction: from then on readMembers
//   answers READ_RECEIPT_EXPIRED, and late reads go straight to ExpiredReceipt.
// Progress is durable: the ReceiptSweep row says which messages are done, and a message killed
// mid-sweep is picked up again where its remaining rows are. One-to-one messages keep their one
// row: it is their figure (isPeerRead, timestamp), not a list. So do conversation reads
// (ConversationRead): one row per markConversationRead, not per message, and the only record of
// when each message it covers was read.
import { inTransaction, lockMessages, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';
import { SweepLoop, stepUntilDone } from './sweep-loop.ts';

/**
 * Messages one step looks at past the cursor. Bounds a step's statements (about four per group
 * message with a receipt, most of them without readers) to a few hundred, a few milliseconds.
 */
export const SWEEP_SCAN_MESSAGES = 100;
const CURSOR_ID = 1;
const DAY_MS = 86_400_000;

type Int = number | bigint;
type ScannedMessage = { id: Int; createdAt: Date | string; needReadReceipt: boolean | number; conversationId: string };

/** What one step did: the receipt rows it moved, and whether to go on at once (after the pause). */
export type SweepStep = { moved: number; more: boolean };

export class ReceiptRetention {
  private readonly deps: ServiceDeps;
  private readonly now: () => Date;
  private readonly loop: SweepLoop;

  constructor(deps: ServiceDeps, now: () => Date = () => new Date()) {
    this.deps = deps;
    this.now = now;
    this.loop = new SweepLoop(
      'retention',
      async () => (await this.step()).more,
      () => deps.config.retention,
    );
  }

  /** The same sweep on another clock (tests move time forward with it), optionally with another retention (the bench). */
  withClock(now: () => Date, days = this.deps.config.retention.days): ReceiptRetention {
    const config = { ...this.deps.config, retention: { ...this.deps.config.retention, days } };
    return new ReceiptRetention({ ...this.deps, config }, now);
  }

  /** Runs the sweep in the background until stop(); does nothing without RECEIPT_RETENTION_DAYS. */
  start(): void {
    if (this.deps.config.retention.days !== undefined) this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Steps until nothing is left to remove; returns the receipt rows it moved. */
  sweepAll(): Promise<number> {
    return stepUntilDone(
      () => this.step(),
      (s) => s.moved,
    );
  }

  /**
   * One transaction: moves at most batchRows receipt rows, from the due group messages after
   * the cursor, oldest first, looking at SWEEP_SCAN_MESSAGES messages at most. A fixed handful
   * of statements, plus three for each message that still has rows.
   */
  async step(): Promise<SweepStep> {
    const { days, batchRows } = this.deps.config.retention;
    if (days === undefined) return { moved: 0, more: false };
    const now = this.now();
    const cutoff = now.getTime() - days * DAY_MS;
    return inTransaction(this.deps.db, async (tx) => {
      const after = await this.lockCursor(tx);
      const scanned = await tx.$queryRaw<ScannedMessage[]>`
        SELECT "id", "createdAt", "needReadReceipt", "conversationId" FROM "Message"
        WHERE "id" > ${after} ORDER BY "id" LIMIT ${SWEEP_SCAN_MESSAGES}`;
      // Ids grow with send time: the first message not yet due ends the sweep for now.
      const firstNotDue = scanned.findIndex((m) => new Date(m.createdAt).getTime() >= cutoff);
      const due = firstNotDue === -1 ? scanned : scanned.slice(0, firstNotDue);
      const lists = due
        .filter((m) => m.needReadReceipt && m.conversationId.startsWith('GROUP'))
        .map((m) => Number(m.id));
      let cursor = due.length ? Number(due[due.length - 1].id) : after;
      // Go on at once if the scan was full and all of it due: there may be more behind it.
      let more = firstNotDue === -1 && scanned.length === SWEEP_SCAN_MESSAGES;
      let moved = 0;
      if (lists.length) {
        // markRead and leaves lock messages too (in id order, as here): none sees half a batch.
        await lockMessages(tx, this.deps.provider, lists);
        await tx.message.updateMany({
          where: { id: { in: lists }, receiptsExpiredAt: null },
          data: { receiptsExpiredAt: now },
        });
        for (const messageId of await this.withReceipts(tx, lists)) {
          const batch = await this.moveRows(tx, messageId, batchRows - moved);
          moved += batch.moved;
          if (!batch.done || moved >= batchRows) {
            // This message (if unfinished) and the ones after it wait for the next step.
            cursor = batch.done ? messageId : messageId - 1;
            more = true;
            break;
          }
        }
      }
      if (cursor !== after)
        await tx.receiptSweep.update({ where: { id: CURSOR_ID }, data: { afterMessageId: cursor } });
      return { moved, more };
    });
  }

  /** Which of these messages still have receipt rows, in id order: an index probe each. */
  private async withReceipts(tx: Tx, ids: number[]): Promise<number[]> {
    const rows = await tx.$queryRaw<{ id: Int }[]>`
      SELECT m."id" FROM "Message" m WHERE m."id" IN (${Prisma.join(ids)})
        AND EXISTS (SELECT 1 FROM "Receipt" r WHERE r."messageId" = m."id") ORDER BY m."id"`;
    return rows.map((r) => Number(r.id));
  }

  /** Moves the message's lowest-ranked rows (at most `limit`) to pairs; `done` when none are left. */
  private async moveRows(tx: Tx, messageId: number, limit: number) {
    const [edge] = await tx.$queryRaw<{ rank: Int }[]>`
      SELECT "rank" FROM "Receipt" WHERE "messageId" = ${messageId} ORDER BY "rank" LIMIT 1 OFFSET ${limit}`;
    const upTo = edge ? Prisma.sql`AND "rank" < ${Number(edge.rank)}` : Prisma.empty;
    const moved = await tx.$executeRaw`
      INSERT INTO "ExpiredReceipt" ("messageId", "userId")
      SELECT "messageId", "userId" FROM "Receipt" WHERE "messageId" = ${messageId} ${upTo}`;
    await tx.$executeRaw`DELETE FROM "Receipt" WHERE "messageId" = ${messageId} ${upTo}`;
    return { moved, done: !edge };
  }

  /** The cursor row, created on first use; PostgreSQL holds it, so two instances never sweep at once. */
  private async lockCursor(tx: Tx): Promise<number> {
    await tx.$executeRaw`
      INSERT INTO "ReceiptSweep" ("id", "afterMessageId") VALUES (${CURSOR_ID}, 0) ON CONFLICT ("id") DO NOTHING`;
    const lock = this.deps.provider === 'postgresql' ? Prisma.sql`FOR UPDATE` : Prisma.empty;
    const [row] = await tx.$queryRaw<{ afterMessageId: Int }[]>`
      SELECT "afterMessageId" FROM "ReceiptSweep" WHERE "id" = ${CURSOR_ID} ${lock}`;
    return Number(row.afterMessageId);
  }
}
