// Group commit for markRead. Calls that arrive while a batch is being written wait, and go
// together in the next transaction (read-batch.ts): under load, one transaction and a fixed
// number of statements serve many calls, instead of one transaction each. A batch starts one
// event-loop turn after its first call arrives: a lone call waits microseconds, and calls whose
// requests are being parsed at that moment join it.
//
// No caller's input may fail another caller's call: ids are checked before a call joins a
// batch, each call's own checks fail only that call (read-batch.ts), and if a batch's
// transaction fails anyway, each of its calls is retried alone, so only the culprit fails.
import { markReadBatchCalls, markReadBatchIds } from '../metrics.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput } from './errors.ts';
import { fitsIntColumn } from './ids.ts';
import { type BatchOutcome, type CountedMessage, type ReadCall, writeReadBatch } from './read-batch.ts';
import { c2cReceipt, groupReceipt, type ReceiptView, readerReceipt } from './receipt-view.ts';

/** Message ids per transaction (about 33 full calls): keeps each batch's statements and lock time short. */
export const MAX_IDS_PER_BATCH = 1_000;

type Waiting = { call: ReadCall; resolve(views: ReceiptView[]): void; reject(error: unknown): void };

export class ReceiptWriter {
  private readonly queue: Waiting[] = [];
  private writing = false;

  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /** The reader's own receipts, in input order, once the batch holding this call has committed. */
  markRead(readerID: string, msgIDs: number[], skipIneligible = false): Promise<ReceiptView[]> {
    const invalid = msgIDs.find((id) => !fitsIntColumn(id, 1));
    if (msgIDs.length === 0 || invalid !== undefined) {
      return Promise.reject(badInput('msgIDs', `not a message ID: ${invalid ?? 'none given'}`));
    }
    const done = new Promise<ReceiptView[]>((resolve, reject) => {
      this.queue.push({ call: { readerID, msgIDs, skipIneligible }, resolve, reject });
    });
    if (!this.writing) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        // One turn of the event loop first: calls whose requests are being parsed right now join.
        await new Promise((resolve) => setImmediate(resolve));
        await this.write(this.nextBatch());
      }
    } finally {
      this.writing = false;
    }
  }

  private nextBatch(): Waiting[] {
    let ids = 0;
    let taken = 0;
    while (
      taken < this.queue.length &&
      (taken === 0 || ids + this.queue[taken].call.msgIDs.length <= MAX_IDS_PER_BATCH)
    ) {
      ids += this.queue[taken].call.msgIDs.length;
      taken++;
    }
    return this.queue.splice(0, taken);
  }

  /**
   * Settles every call of the batch. A failed transaction (after its retries) is tried again
   * one call at a time, so a call that breaks it fails alone.
   */
  private async write(batch: Waiting[]): Promise<void> {
    const now = new Date();
    const calls = batch.map((w) => w.call);
    markReadBatchCalls.observe(calls.length);
    markReadBatchIds.observe(calls.reduce((ids, call) => ids + call.msgIDs.length, 0));
    let outcome: BatchOutcome;
    try {
      outcome = await this.deps.readTransaction((store) => writeReadBatch(store, this.deps.config, calls, now));
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      else for (const w of batch) await this.write([w]);
      return;
    }
    outcome.calls.forEach((result, i) => {
      const { readerID } = calls[i];
      if (!result.ok) {
        batch[i].reject(result.error);
        return;
      }
      batch[i].resolve(
        result.rows.map((m) =>
          readerReceipt(
            m.id,
            readerID,
            m.conversationId,
            m.conversation.groupId,
            result.readBefore.has(m.id) ? (result.readBefore.get(m.id) ?? null) : now,
          ),
        ),
      );
    });
    for (const message of outcome.counted) this.publish(message, now);
  }

  /** One event per group message per batch, with its latest figures; one per reader in a one-to-one chat. */
  private publish({ row, readers, counters }: CountedMessage, now: Date) {
    const { pubsub } = this.deps;
    const groupID = row.conversation.groupId;
    if (groupID) {
      pubsub.publish('receipts:sender', row.senderId, groupReceipt({ id: row.id, ...counters }, groupID));
      return;
    }
    for (const readerID of readers)
      pubsub.publish('receipts:sender', row.senderId, c2cReceipt(row.senderId, row.id, readerID, now));
  }
}
