// One transaction for a batch of markRead calls (receipt-writer.ts gathers them). A fixed
// number of statements serves the whole batch, whatever its size. Each call is checked on its
// own: one that fails writes nothing and gets its own error, while the others go ahead.
import type { GraphQLError } from 'graphql';
import { lockMessages, lockReaders, readerKey, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { groupHasReceipts, type ServiceDeps } from './deps.ts';
import { badInput, forbidden, notFound } from './errors.ts';
import { loadRows, type MessageRow } from './messages.ts';

export type ReadCall = { readerID: string; msgIDs: number[] };

/** A call that passed its checks: its messages in input order, and when each was first read, if before now. */
export type AcceptedCall = { ok: true; rows: MessageRow[]; readBefore: Map<number, Date> };
export type CallOutcome = AcceptedCall | { ok: false; error: GraphQLError };

/** A message this batch newly counted readers of, with its counters after the batch. */
export type CountedMessage = {
  row: MessageRow;
  readers: string[];
  counters: { readCount: number; audienceCount: number; lastReadRank: number };
};

export type BatchOutcome = { calls: CallOutcome[]; counted: CountedMessage[] };

const pairKey = (messageId: number, readerID: string) => `${messageId}\n${readerID}`;

type CounterRow = {
  id: number | bigint;
  readCount: number | bigint;
  audienceCount: number | bigint;
  lastReadRank: number | bigint;
};

export async function writeReadBatch(tx: Tx, deps: ServiceDeps, calls: ReadCall[], now: Date): Promise<BatchOutcome> {
  const messages = await loadRows(tx, [...new Set(calls.flatMap((c) => c.msgIDs))]);
  const outcomes = calls.map((call) => findMessages(call, messages));
  const accepted = outcomes.flatMap((o, i) => (o.ok ? [{ call: calls[i], rows: o.rows, index: i }] : []));
  if (accepted.length === 0) return { calls: outcomes, counted: [] };

  // Membership first, so a non-member learns nothing about the messages' content or settings.
  const readers = await lockReaders(
    tx,
    deps.provider,
    accepted.map((a) => a.rows[0].conversationId),
    accepted.map((a) => a.call.readerID),
  );
  // The (message, reader) pairs to count, once each even if two calls in the batch repeat one.
  const pairs = new Map<string, { row: MessageRow; readerID: string }>();
  for (const { call, rows, index } of accepted) {
    const reader = readers.get(readerKey(rows[0].conversationId, call.readerID));
    const error = reader ? receiptError(deps, call.readerID, rows) : notMember(rows[0]);
    if (error) {
      outcomes[index] = { ok: false, error };
      continue;
    }
    if (!reader?.readReceiptsEnabled) continue;
    // Members who joined after a message was sent may read it, but are not its audience.
    for (const row of rows) {
      if (row.seq > reader.joinSeq) pairs.set(pairKey(row.id, call.readerID), { row, readerID: call.readerID });
    }
  }
  if (pairs.size === 0) return { calls: outcomes, counted: [] };

  const messageIds = [...new Set([...pairs.values()].map((p) => p.row.id))];
  await lockMessages(tx, deps.provider, messageIds);
  const earlier = await tx.receipt.findMany({
    where: { messageId: { in: messageIds }, userId: { in: [...new Set([...pairs.values()].map((p) => p.readerID))] } },
    select: { messageId: true, userId: true, readAt: true },
  });
  const readAt = new Map(earlier.map((r) => [pairKey(r.messageId, r.userId), r.readAt]));
  outcomes.forEach((o, i) => {
    if (!o.ok) return;
    for (const row of o.rows) {
      const before = readAt.get(pairKey(row.id, calls[i].readerID));
      if (before) o.readBefore.set(row.id, before);
    }
  });

  const newReaders = new Map<number, { row: MessageRow; readers: string[] }>();
  for (const [key, { row, readerID }] of pairs) {
    if (readAt.has(key)) continue;
    const entry = newReaders.get(row.id) ?? { row, readers: [] };
    entry.readers.push(readerID);
    newReaders.set(row.id, entry);
  }
  if (newReaders.size === 0) return { calls: outcomes, counted: [] };
  const counted = await countReaders(tx, [...newReaders.values()]);
  await insertReceipts(tx, counted, now);
  return { calls: outcomes, counted };
}

/** Every id must exist, and all must come from one conversation. */
function findMessages(call: ReadCall, messages: Map<number, MessageRow>): CallOutcome {
  const rows: MessageRow[] = [];
  for (const id of call.msgIDs) {
    const row = messages.get(id);
    if (!row) return { ok: false, error: notFound(`message ${id} does not exist`) };
    rows.push(row);
  }
  if (new Set(rows.map((m) => m.conversationId)).size > 1) {
    return { ok: false, error: badInput('msgIDs', 'all messages must come from one conversation') };
  }
  return { ok: true, rows, readBefore: new Map() };
}

const notMember = (first: MessageRow) => forbidden(`you are not a member of the conversation of message ${first.id}`);

/** Checked only for members, so a non-member learns nothing about the messages. */
function receiptError(deps: ServiceDeps, readerID: string, rows: MessageRow[]): GraphQLError | null {
  for (const m of rows) {
    if (m.senderId === readerID) return badInput('msgIDs', `message ${m.id} is your own`);
    if (!m.needReadReceipt) return badInput('msgIDs', `message ${m.id} does not need a read receipt`);
    const group = m.conversation.group;
    if (group && !groupHasReceipts(deps.config, group.type)) {
      return badInput('msgIDs', `message ${m.id} is in a ${group.type} group, which has read receipts off`);
    }
  }
  return null;
}

/** One UPDATE for every message: each count grows by its new readers, who get the next ranks. */
async function countReaders(tx: Tx, messages: { row: MessageRow; readers: string[] }[]): Promise<CountedMessage[]> {
  const added = Prisma.sql`CASE "id" ${Prisma.join(
    messages.map((m) => Prisma.sql`WHEN ${m.row.id} THEN CAST(${m.readers.length} AS INTEGER)`),
    ' ',
  )} END`;
  const rows = await tx.$queryRaw<CounterRow[]>(Prisma.sql`
    UPDATE "Message" SET "readCount" = "readCount" + ${added}, "lastReadRank" = "lastReadRank" + ${added}
    WHERE "id" IN (${Prisma.join(messages.map((m) => m.row.id))})
    RETURNING "id", "readCount", "audienceCount", "lastReadRank"`);
  const after = new Map(rows.map((r) => [Number(r.id), r]));
  return messages.map(({ row, readers }) => {
    const r = after.get(row.id) as CounterRow;
    const counters = {
      readCount: Number(r.readCount),
      audienceCount: Number(r.audienceCount),
      lastReadRank: Number(r.lastReadRank),
    };
    return { row, readers, counters };
  });
}

/** The new readers of a message hold the ranks just below its lastReadRank, in arrival order. */
async function insertReceipts(tx: Tx, counted: CountedMessage[], now: Date) {
  const values = counted.flatMap(({ row, readers, counters }) =>
    readers.map((readerID, i) => {
      const rank = counters.lastReadRank - readers.length + 1 + i;
      return Prisma.sql`(${row.id}, ${readerID}, ${rank}, ${now})`;
    }),
  );
  await tx.$executeRaw(
    Prisma.sql`INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt") VALUES ${Prisma.join(values)}`,
  );
}
