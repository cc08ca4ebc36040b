// The read floors: the same rows read by hand-written SQL through the same driver, with nothing
// else (no GraphQL, no auth, no Prisma). markRead's floor is same-work-floor.ts.
import type { RawDb } from './raw-db.ts';

/** messageReceipts' reads: the messages with their conversation and group type. */
export function floorReceipts(raw: RawDb, msgIDs: number[]) {
  return raw.all(
    `SELECT m."id", m."senderId", m."needReadReceipt", m."readCount", m."audienceCount", c."groupId", g."type"
     FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" LEFT JOIN "Group" g ON g."id" = c."groupId"
     WHERE m."id" IN (${msgIDs.map(() => '?').join(', ')})`,
    msgIDs,
  );
}

type PageQuery = { sql: string; params: unknown[] };

/** A READ page: receipts after a rank, in rank order, with their users. */
export const readPageQuery = (msgID: number, afterRank: number, take: number): PageQuery => ({
  sql: `SELECT r."rank", r."readAt", u."id", u."readReceiptsEnabled", u."createdAt"
     FROM "Receipt" r JOIN "User" u ON u."id" = r."userId"
     WHERE r."messageId" = ? AND r."rank" > ? ORDER BY r."rank" LIMIT ?`,
  params: [msgID, afterRank, take],
});

/** An UNREAD page: audience members after a userID with no receipt, in userID order. */
export const unreadPageQuery = (
  m: { id: number; key: string; seq: number; sender: string },
  afterUserID: string,
  take: number,
): PageQuery => ({
  sql: `SELECT u."id", u."readReceiptsEnabled", u."createdAt"
     FROM "Participant" p JOIN "User" u ON u."id" = p."userId"
     WHERE p."conversationId" = ? AND p."joinSeq" < ? AND p."userId" <> ? AND p."userId" > ? AND u."id" > ?
       AND NOT EXISTS (SELECT 1 FROM "Receipt" r WHERE r."messageId" = ? AND r."userId" = p."userId")
     ORDER BY p."userId" LIMIT ?`,
  params: [m.key, m.seq, m.sender, afterUserID, afterUserID, m.id, take],
});

export const runQuery = (raw: RawDb, q: PageQuery) => raw.all(q.sql, q.params);

/** The plan the database picks for a query, one line per step. */
export async function explain(raw: RawDb, q: PageQuery): Promise<string> {
  if (raw.provider === 'sqlite') {
    const rows = await raw.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.sql}`, q.params);
    return rows.map((r) => r.detail).join('; ');
  }
  const rows = await raw.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params);
  return rows.map((r) => r['QUERY PLAN'].trim()).join('; ');
}
