// The leave sweeper: takes a leaver's reads back after the leave has returned. A leave writes a
// ReceiptTakeback row (src/db/membership.ts) and from then on its reader's reads of the stay are
// left out whenever counts or lists are read (src/db/message-rows.ts). This deletes those reads
// (Receipt rows, and the ExpiredReceipt pairs retention kept), a bounded chunk per transaction,
// taking each one's count off Message.readCount in the same transaction: at every commit, the
// stored count less the reads still waiting is the current count, so a sweep killed or failed
// at any point resumes without counting anything twice. The last chunk deletes the row.
import { inTransaction, lockMessages, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';
import { SweepLoop, stepUntilDone } from './sweep-loop.ts';

type Int = number | bigint;
type Takeback = { conversationId: string; userId: string; joinSeq: Int; leaveSeq: Int };

/** What one step did: the reads it took back, and whether to go on at once (after the pause). */
export type TakebackStep = { takenBack: number; more: boolean };

export class LeaveSweep {
  private readonly deps: ServiceDeps;
  private readonly loop: SweepLoop;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    // Its chunk and pauses are retention's (RECEIPT_SWEEP_*): the same bound on a transaction.
    this.loop = new SweepLoop(
      'leave-sweep',
      async () => (await this.step()).more,
      () => deps.config.retention,
    );
  }

  /** Runs in the background until stop(): at once (leaves a restart left unswept), then when woken or polled. */
  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A leave just committed: sweep now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Steps until no leave is left to sweep (that this instance can lock); returns the reads taken back. */
  sweepAll(): Promise<number> {
    return stepUntilDone(
      () => this.step(),
      (s) => s.takenBack,
    );
  }

  /**
   * One transaction: takes back at most batchRows reads of one unswept leave, oldest message
   * first, and deletes the leave's row once none is left. A fixed handful of statements.
   */
  async step(): Promise<TakebackStep> {
    const { db, provider } = this.deps;
    const limit = this.deps.config.retention.batchRows;
    return inTransaction(db, async (tx) => {
      // SKIP LOCKED: another instance's sweeper takes another leave meanwhile.
      const lock = provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
      const [leave] = await tx.$queryRaw<Takeback[]>`
        SELECT "conversationId", "userId", "joinSeq", "leaveSeq" FROM "ReceiptTakeback"
        ORDER BY "conversationId", "leaveSeq", "userId" LIMIT 1 ${lock}`;
      if (!leave) return { takenBack: 0, more: false };
      const ids = await this.readsOf(tx, leave, limit);
      if (ids.length) {
        // In id order, as markRead's batches and retention lock them: no lock cycle. Once held,
        // no one else can move or add these reads (retention takes the same locks, and the
        // leaver is no member of this stay's messages), so what is counted is what is deleted.
        await lockMessages(tx, provider, ids);
        const readBy = (table: string) => Prisma.sql`(SELECT COUNT(*) FROM ${Prisma.raw(table)} x
          WHERE x."messageId" = "Message"."id" AND x."userId" = ${leave.userId})`;
        await tx.$executeRaw`UPDATE "Message"
          SET "readCount" = "readCount" - ${readBy('"Receipt"')} - ${readBy('"ExpiredReceipt"')}
          WHERE "id" IN (${Prisma.join(ids)})`;
        for (const table of [Prisma.raw('"Receipt"'), Prisma.raw('"ExpiredReceipt"')]) {
          await tx.$executeRaw`DELETE FROM ${table}
            WHERE "userId" = ${leave.userId} AND "messageId" IN (${Prisma.join(ids)})`;
        }
      }
      if (ids.length < limit) {
        await tx.$executeRaw`DELETE FROM "ReceiptTakeback" WHERE "conversationId" = ${leave.conversationId}
          AND "leaveSeq" = ${leave.leaveSeq} AND "userId" = ${leave.userId}`;
      }
      return { takenBack: ids.length, more: true };
    });
  }

  /**
   * The messages of the stay that the leaver read (a Receipt row or an ExpiredReceipt pair), at
   * most `limit`, in id order. Found through the reader's (userId, messageId) indexes, within
   * the ids of the stay's first and last messages: message ids grow with seq in a conversation
   * (a send holds the conversation row while it numbers and inserts the message), so the walk
   * is bounded by the stay, not by the reader's reads elsewhere before or after it.
   */
  private async readsOf(tx: Tx, leave: Takeback, limit: number): Promise<number[]> {
    // The message row `m` is one of the stay's.
    const inStay = (m: string) => Prisma.sql`${Prisma.raw(m)}."conversationId" = ${leave.conversationId}
      AND ${Prisma.raw(m)}."seq" > ${Number(leave.joinSeq)} AND ${Prisma.raw(m)}."seq" <= ${Number(leave.leaveSeq)}`;
    const [bounds] = await tx.$queryRaw<{ first: Int | null; last: Int | null }[]>`SELECT
      (SELECT m."id" FROM "Message" m WHERE ${inStay('m')} ORDER BY m."seq" LIMIT 1) AS "first",
      (SELECT m."id" FROM "Message" m WHERE ${inStay('m')} ORDER BY m."seq" DESC LIMIT 1) AS "last"`;
    if (bounds.first === null || bounds.last === null) return [];
    const [first, last] = [Number(bounds.first), Number(bounds.last)];
    const reads = (table: string) => Prisma.sql`SELECT "messageId" FROM ${Prisma.raw(table)}
      WHERE "userId" = ${leave.userId} AND "messageId" >= ${first} AND "messageId" <= ${last}`;
    // CROSS JOIN keeps SQLite's join order: the reads first, then a key lookup each. Left to
    // itself it may walk the stay's messages and scan the reads for each, O(stay x reads).
    const rows = await tx.$queryRaw<{ id: Int }[]>`
      SELECT DISTINCT m."id" FROM (${reads('"Receipt"')} UNION ALL ${reads('"ExpiredReceipt"')}) r
      CROSS JOIN "Message" m
      WHERE m."id" = r."messageId" AND ${inStay('m')}
      ORDER BY m."id" LIMIT ${limit}`;
    return rows.map((r) => Number(r.id));
  }
}
