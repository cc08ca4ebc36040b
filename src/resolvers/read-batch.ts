// One transaction for a batch of markRead calls (receipt-writer.ts gathers them). A fixed
// number of round trips serves the whole batch, whatever its size. Each call is checked on its
// own: one that fails writes nothing and gets its own error, while the others go ahead.
import { GraphQLError } from 'graphql';
import type { AppConfig } from '../config.ts';
import { type Counters, type NewReceipt, pairKey, type ReadStore, readerKey } from '../db/read-store/types.ts';
import { groupHasReceipts } from './deps.ts';
import { badInput, forbidden } from './errors.ts';
import { type MessageRow, oneConversation, rowsInOrder } from './messages.ts';

/** skipIneligible: the caller's own messages and ones without a receipt are left out, not refused. */
export type ReadCall = { readerID: string; msgIDs: number[]; skipIneligible?: boolean };

/** A call that passed its checks: its messages in input order, and when each was first read, if before now. */
export type AcceptedCall = { ok: true; rows: MessageRow[]; readBefore: Map<number, Date | null> };
export type CallOutcome = AcceptedCall | { ok: false; error: GraphQLError };

/** A message this batch newly counted readers of, with its counters after the batch. */
export type CountedMessage = { row: MessageRow; readers: string[]; counters: Counters };

export type BatchOutcome = { calls: CallOutcome[]; counted: CountedMessage[] };

type Pair = { row: MessageRow; readerID: string };

const unique = <T>(values: T[]) => [...new Set(values)];

export async function writeReadBatch(
  store: ReadStore,
  config: AppConfig,
  calls: ReadCall[],
  now: Date,
): Promise<BatchOutcome> {
  const messages = await store.messages(unique(calls.flatMap((c) => c.msgIDs)));
  const outcomes = calls.map((call) => findMessages(call, messages));
  const accepted = outcomes.flatMap((o, i) => (o.ok ? [{ call: calls[i], rows: o.rows, index: i }] : []));
  if (accepted.length === 0) return { calls: outcomes, counted: [] };

  // Membership first, so a non-member learns nothing about the messages' content or settings.
  const readers = await store.readers(
    unique(accepted.map((a) => a.rows[0].conversationId)),
    unique(accepted.map((a) => a.call.readerID)),
  );
  // The (message, reader) pairs to count, once each even if two calls in the batch repeat one.
  const pairs = new Map<string, Pair>();
  for (const { call, rows, index } of accepted) {
    const reader = readers.get(readerKey(rows[0].conversationId, call.readerID));
    let eligible = rows;
    if (reader && call.skipIneligible) {
      eligible = rows.filter((row) => !receiptError(config, call.readerID, [row]));
      outcomes[index] = { ok: true, rows: eligible, readBefore: new Map() };
    }
    const error = reader ? receiptError(config, call.readerID, eligible) : notMember(rows[0]);
    if (error) {
      outcomes[index] = { ok: false, error };
      continue;
    }
    if (!reader?.readReceiptsEnabled) continue;
    // Members who joined after a message was sent may read it, but are not its audience.
    for (const row of eligible) {
      if (row.seq > reader.joinSeq) pairs.set(pairKey(row.id, call.readerID), { row, readerID: call.readerID });
    }
  }
  if (pairs.size === 0) return { calls: outcomes, counted: [] };

  const messageIds = unique([...pairs.values()].map((p) => p.row.id));
  await store.lockMessages(messageIds);
  const readAt = await store.readTimes(messageIds, unique([...pairs.values()].map((p) => p.readerID)));
  outcomes.forEach((o, i) => {
    if (!o.ok) return;
    for (const row of o.rows) {
      const key = pairKey(row.id, calls[i].readerID);
      if (readAt.has(key)) o.readBefore.set(row.id, readAt.get(key) ?? null);
    }
  });

  const fresh = new Map<number, { row: MessageRow; readers: string[] }>();
  for (const [key, { row, readerID }] of pairs) {
    if (readAt.has(key)) continue;
    const entry = fresh.get(row.id) ?? { row, readers: [] };
    entry.readers.push(readerID);
    fresh.set(row.id, entry);
  }
  if (fresh.size === 0) return { calls: outcomes, counted: [] };
  const after = await store.addReaders(new Map([...fresh].map(([id, m]) => [id, m.readers.length])));
  const counted = [...fresh.values()].map(({ row, readers }) => ({
    row,
    readers,
    counters: after.get(row.id) as Counters,
  }));
  await store.insertReceipts(receiptsOf(counted), now);
  return { calls: outcomes, counted };
}

/** Every id must exist, and all must come from one conversation: the same checks as loadBatch's callers. */
function findMessages(call: ReadCall, messages: Map<number, MessageRow>): CallOutcome {
  try {
    return { ok: true, rows: oneConversation(rowsInOrder(messages, call.msgIDs)), readBefore: new Map() };
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, error };
    throw error;
  }
}

const notMember = (first: MessageRow) => forbidden(`you are not a member of the conversation of message ${first.id}`);

/** Checked only for members, so a non-member learns nothing about the messages. */
function receiptError(config: AppConfig, readerID: string, rows: MessageRow[]): GraphQLError | null {
  for (const m of rows) {
    if (m.senderId === readerID) return badInput('msgIDs', `message ${m.id} is your own`);
    if (!m.needReadReceipt) return badInput('msgIDs', `message ${m.id} does not need a read receipt`);
    const group = m.conversation.group;
    if (group && !groupHasReceipts(config, group.type)) {
      return badInput('msgIDs', `message ${m.id} is in a ${group.type} group, which has read receipts off`);
    }
  }
  return null;
}

/** The new readers of a message hold the ranks just below its lastReadRank, in arrival order. */
function receiptsOf(counted: CountedMessage[]): NewReceipt[] {
  return counted.flatMap(({ row, readers, counters }) =>
    readers.map((userId, i) => ({
      messageId: row.id,
      userId,
      rank: counters.lastReadRank - readers.length + 1 + i,
      expired: row.receiptsExpiredAt !== null,
    })),
  );
}
