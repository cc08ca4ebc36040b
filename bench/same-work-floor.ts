// W1's floor: markRead's work written by hand. The same checks (every message exists, one
// conversation, the reader is a member, not the sender, the message asks for receipts in a group
// type that has them, the reader shares receipts, the reader was in the audience, no receipt yet,
// not even one retention kept as a pair), the figures the sender's live event carries (readCount
// and the current audience), the same writes (counters bumped once per message, receipts inserted
// at their ranks), and the same group commit (calls that arrive while a batch is written go
// together in the next transaction, one event-loop turn after the first). What it leaves out is
// GraphQL, HTTP handling, auth and Prisma. With `checks: false` it is the writes-only bound: no
// reads at all.
import { currentAudience, currentReadCount } from '../src/db/message-rows.ts';
import { coveringReadAt } from '../src/db/peer-reads.ts';
import type { Queryable, RawDb } from './raw-db.ts';
import { stamp } from './seed.ts';

/** The group types with receipts on (config's READ_RECEIPT_GROUP_TYPES default). */
const RECEIPT_GROUP_TYPES = new Set(['WORK', 'PUBLIC', 'MEETING']);
/** The service's MAX_IDS_PER_BATCH. */
const MAX_IDS_PER_BATCH = 1_000;

type Call = { readerID: string; msgIDs: number[]; resolve(): void; reject(error: Error): void };
type Msg = {
  id: number;
  conversationId: string;
  seq: number;
  senderId: string;
  need: boolean;
  groupType: string | null;
};

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * The figures the sender's live event carries: readCount less the reads of leavers not swept yet,
 * and the audience at send time less those who left since. The service's own SQL fragments: the
 * floor writes by hand how it calls them, not what they compute.
 */
const FIGURES = (m: string) => `${currentReadCount(m)} AS "readCount", ${currentAudience(m)} AS "audienceCount"`;

/** Lists as one parameter: JSON for SQLite's json_each, an array for PostgreSQL's ANY. */
function listSql(raw: RawDb) {
  const sqlite = raw.provider === 'sqlite';
  const ints = sqlite ? '(SELECT "value" FROM json_each(?))' : 'ANY(?::int[])';
  const texts = sqlite ? '(SELECT "value" FROM json_each(?))' : 'ANY(?::text[])';
  const param = (values: unknown[]) => (sqlite ? JSON.stringify(values) : values);
  const inList = (column: string, type: 'int' | 'text') =>
    sqlite ? `${column} IN ${type === 'int' ? ints : texts}` : `${column} = ${type === 'int' ? ints : texts}`;
  return { sqlite, param, inList };
}

/** The service's checks, in its order: why a call is refused, or null. */
function refusal(readerID: string, ms: (Msg | undefined)[], member: unknown): string | null {
  if (ms.some((m) => !m)) return 'no such message';
  if (ms.some((m) => m!.conversationId !== ms[0]!.conversationId)) return 'more than one conversation';
  if (!member) return 'not a member';
  for (const m of ms) {
    if (m!.senderId === readerID) return 'own message';
    if (!m!.need) return 'no receipt needed';
    if (m!.groupType && !RECEIPT_GROUP_TYPES.has(m!.groupType)) return 'receipts off';
  }
  return null;
}

/** The calls' (message, reader) pairs to count, after the checks; refused calls are rejected here. */
async function checkedPairs(
  raw: RawDb,
  q: Queryable,
  calls: Call[],
): Promise<Map<string, { id: number; readerID: string }>> {
  const { sqlite, param, inList } = listSql(raw);
  const ids = unique(calls.flatMap((c) => c.msgIDs));
  const rows = await q.all<Msg>(
    `SELECT m."id", m."conversationId", m."seq", m."senderId", m."needReadReceipt" AS "need", g."type" AS "groupType"
     FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" LEFT JOIN "Group" g ON g."id" = c."groupId"
     WHERE ${inList('m."id"', 'int')}`,
    [param(ids)],
  );
  const messages = new Map(rows.map((m) => [Number(m.id), m]));
  const found = calls.map((c) => c.msgIDs.map((id) => messages.get(id)));
  const conversations = unique(found.flatMap((ms) => (ms[0] ? [ms[0].conversationId] : [])));
  const readers = unique(calls.map((c) => c.readerID));
  const members = await q.all<{ conversationId: string; userId: string; joinSeq: number; enabled: boolean | number }>(
    `SELECT p."conversationId", p."userId", p."joinSeq", u."readReceiptsEnabled" AS "enabled"
     FROM "Participant" p JOIN "User" u ON u."id" = p."userId"
     WHERE ${inList('p."conversationId"', 'text')} AND ${inList('p."userId"', 'text')}
     ${sqlite ? '' : 'ORDER BY p."conversationId", p."userId" FOR SHARE OF p'}`,
    [param(conversations), param(readers)],
  );
  const member = new Map(members.map((p) => [`${p.conversationId} ${p.userId}`, p]));
  const pairs = new Map<string, { id: number; readerID: string }>();
  for (const [i, call] of calls.entries()) {
    const ms = found[i];
    const p = ms.every(Boolean) ? member.get(`${ms[0]!.conversationId} ${call.readerID}`) : undefined;
    const refused = refusal(call.readerID, ms, p);
    if (refused) {
      call.reject(new Error(refused));
      call.resolve = () => {};
      continue;
    }
    if (!p!.enabled) continue;
    for (const m of ms)
      if (m!.seq > Number(p!.joinSeq)) pairs.set(`${m!.id} ${call.readerID}`, { id: m!.id, readerID: call.readerID });
  }
  return pairs;
}

async function writeBatch(raw: RawDb, calls: Call[], checks: boolean) {
  const { sqlite, param, inList } = listSql(raw);
  await raw.tx(async (q) => {
    const pairs = checks
      ? await checkedPairs(raw, q, calls)
      : new Map(
          calls.flatMap((c) => c.msgIDs.map((id) => [`${id} ${c.readerID}`, { id, readerID: c.readerID }] as const)),
        );
    if (pairs.size === 0) return;
    const ids = unique([...pairs.values()].map((p) => p.id)).sort((a, b) => a - b);
    if (!sqlite) await q.all(`SELECT "id" FROM "Message" WHERE "id" = ANY(?::int[]) ORDER BY "id" FOR UPDATE`, [ids]);
    if (checks) {
      const readers = unique([...pairs.values()].map((p) => p.readerID));
      // Reads whose rows retention removed (ExpiredReceipt) are reads too, as the service counts
      // them, and so is a one-to-one message covered by a conversation read.
      const existing = await q.all<{ messageId: number; userId: string }>(
        `SELECT "messageId", "userId", "readAt" FROM "Receipt" WHERE ${inList('"messageId"', 'int')} AND ${inList('"userId"', 'text')}
         UNION ALL SELECT "messageId", "userId", NULL FROM "ExpiredReceipt" WHERE ${inList('"messageId"', 'int')} AND ${inList('"userId"', 'text')}
         UNION ALL SELECT x."messageId", x."userId", x."readAt" FROM (
           SELECT m."id" AS "messageId", p."userId", ${coveringReadAt('m', 'p."userId"')} AS "readAt"
           FROM "Message" m JOIN "Conversation" cv ON cv."id" = m."conversationId" AND cv."groupId" IS NULL
           JOIN "Participant" p ON p."conversationId" = m."conversationId"
           WHERE ${inList('m."id"', 'int')} AND ${inList('p."userId"', 'text')}) x
         WHERE x."readAt" IS NOT NULL`,
        [param(ids), param(readers), param(ids), param(readers), param(ids), param(readers)],
      );
      for (const r of existing) pairs.delete(`${r.messageId} ${r.userId}`);
      if (pairs.size === 0) return;
    }
    const added = new Map<number, string[]>();
    for (const { id, readerID } of pairs.values()) added.set(id, [...(added.get(id) ?? []), readerID]);
    const increments = [...added].map(([id, readers]) => [id, readers.length]);
    const after = sqlite
      ? await q.all<{ id: number; lastReadRank: number }>(
          `UPDATE "Message" SET "readCount" = "readCount" + (a."value" ->> 1), "lastReadRank" = "lastReadRank" + (a."value" ->> 1)
           FROM json_each(?) a WHERE "Message"."id" = (a."value" ->> 0)
           RETURNING "Message"."id", "lastReadRank", ${FIGURES('"Message"')}`,
          [JSON.stringify(increments)],
        )
      : await q.all<{ id: number; lastReadRank: number }>(
          `UPDATE "Message" m SET "readCount" = m."readCount" + a.n, "lastReadRank" = m."lastReadRank" + a.n
           FROM unnest(?::int[], ?::int[]) AS a(id, n) WHERE m."id" = a.id
           RETURNING m."id", m."lastReadRank", ${FIGURES('m')}`,
          [increments.map((i) => i[0]), increments.map((i) => i[1])],
        );
    const receipts = after.flatMap(({ id, lastReadRank }) => {
      const readers = added.get(Number(id)) ?? [];
      return readers.map((userId, i) => [Number(id), userId, Number(lastReadRank) - readers.length + 1 + i]);
    });
    if (sqlite) {
      await q.run(
        `INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
         SELECT r."value" ->> 0, r."value" ->> 1, r."value" ->> 2, ? FROM json_each(?) r`,
        [stamp(), JSON.stringify(receipts)],
      );
    } else {
      await q.run(
        `INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
         SELECT * , ?::timestamp(3) FROM unnest(?::int[], ?::text[], ?::int[])`,
        [stamp(), receipts.map((r) => r[0]), receipts.map((r) => r[1]), receipts.map((r) => r[2])],
      );
    }
  });
}

/** markRead by hand with group commit; `checks: false` is the writes-only bound. */
export class FloorWriter {
  private readonly queue: Call[] = [];
  private writing = false;

  private readonly raw: RawDb;
  private readonly checks: boolean;

  constructor(raw: RawDb, checks: boolean) {
    this.raw = raw;
    this.checks = checks;
  }

  markRead(readerID: string, msgIDs: number[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.queue.push({ readerID, msgIDs, resolve, reject }));
    if (!this.writing) void this.drain();
    return done;
  }

  private async drain() {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        let ids = 0;
        let taken = 0;
        while (
          taken < this.queue.length &&
          (taken === 0 || ids + this.queue[taken].msgIDs.length <= MAX_IDS_PER_BATCH)
        ) {
          ids += this.queue[taken++].msgIDs.length;
        }
        const batch = this.queue.splice(0, taken);
        try {
          await writeBatch(this.raw, batch, this.checks);
          for (const call of batch) call.resolve();
        } catch (error) {
          for (const call of batch) call.reject(error as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
