// When the reader of a one-to-one message first read it, as its sender may see: the earlier of
// its receipt (markRead) and the conversation read that covers it (a ConversationRead range,
// written by markConversationRead with receipts on). Every path that shows or checks a
// one-to-one read goes through here, so they all agree.
import { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from './transaction.ts';

/**
 * SQL for the time of the conversation read by `reader` that covers the message row `message`,
 * or NULL. One reader's ranges in a chat are disjoint and ascending, so only the first with
 * toSeq >= seq can cover it: ORDER BY ... LIMIT 1 reads one index entry, and fromSeq is checked
 * on that entry alone (in the WHERE clause it would walk every later range). The reader's own
 * messages are never covered: a read of one's own message is no receipt.
 */
export function coveringReadAt(message: string, reader: string): string {
  return `(SELECT CASE WHEN cr."fromSeq" < ${message}."seq" AND ${message}."senderId" <> ${reader} THEN cr."readAt" END
    FROM "ConversationRead" cr
    WHERE cr."conversationId" = ${message}."conversationId" AND cr."readerId" = ${reader} AND cr."toSeq" >= ${message}."seq"
    ORDER BY cr."toSeq" LIMIT 1)`;
}

/** The earlier of two first-read times; a known time wins over null (a read whose time retention removed). */
export function earlierRead(a: Date | null | undefined, b: Date | null): Date | null {
  if (a === undefined || a === null) return b ?? a ?? null;
  return b !== null && b < a ? b : a;
}

type RawClient = Pick<Tx, '$queryRaw'>;
type Raw = { id: number | bigint; receiptAt: Date | string | null; rangeAt: Date | string | null };

const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

/**
 * For the one-to-one messages among `ids`: when the peer (the chat's other participant) first
 * read each one, keyed by message id; unread ones are left out. One statement for any list.
 */
export async function firstPeerReads(client: RawClient, ids: number[]): Promise<Map<number, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await client.$queryRaw<Raw[]>`
    SELECT m."id",
      (SELECT r."readAt" FROM "Receipt" r WHERE r."messageId" = m."id" AND r."userId" = p."userId") AS "receiptAt",
      ${Prisma.raw(coveringReadAt('m', 'p."userId"'))} AS "rangeAt"
    FROM "Message" m
    JOIN "Conversation" c ON c."id" = m."conversationId" AND c."groupId" IS NULL
    JOIN "Participant" p ON p."conversationId" = m."conversationId" AND p."userId" <> m."senderId"
    WHERE m."id" IN (${Prisma.join(ids)})`;
  const result = new Map<number, Date>();
  for (const row of rows) {
    const first = earlierRead(asDate(row.receiptAt), asDate(row.rangeAt));
    if (first) result.set(Number(row.id), first);
  }
  return result;
}
