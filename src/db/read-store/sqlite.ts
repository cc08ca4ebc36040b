// ReadStore on SQLite: statements prepared once per connection, straight on better-sqlite3,
// inside the connection's gate (SqliteConnection.exclusive), so no Prisma query interleaves.
// Lists travel as one JSON parameter (json_each), so each statement's text, and its prepared
// plan, is the same whatever the batch's size. Every statement is reported to onQuery, like
// Prisma's query log, so statement counts and logs cover this path too.
import type Database from 'better-sqlite3';
import type { QueryListener } from '../client.ts';
import {
  currentAudience,
  currentReadCount,
  MESSAGE_COLUMNS,
  MESSAGE_JOINS,
  type RawMessageRow,
  toMessageRow,
} from '../message-rows.ts';
import { coveringReadAt } from '../peer-reads.ts';
import type { SqliteConnection } from '../sqlite-adapter.ts';
import { traceStatement } from './trace.ts';
import {
  type Counters,
  firstReadsByPair,
  type ReaderState,
  type ReadStore,
  type ReadTransaction,
  readerKey,
} from './types.ts';

// CROSS JOIN fixes SQLite's join order: the JSON lists first, then one lookup on the unique
// key per pair. Left to itself the planner may walk every receipt of a message by its rank index.
const SQL = {
  begin: 'BEGIN IMMEDIATE',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  messages: `SELECT ${MESSAGE_COLUMNS} FROM json_each(?) j JOIN "Message" m ON m."id" = j."value" ${MESSAGE_JOINS}`,
  readers: `SELECT p."conversationId", p."userId", p."joinSeq", u."readReceiptsEnabled"
    FROM json_each(?) c CROSS JOIN json_each(?) r
    CROSS JOIN "Participant" p ON p."conversationId" = c."value" AND p."userId" = r."value"
    JOIN "User" u ON u."id" = p."userId"`,
  // Reads whose rows retention removed are still reads: their pairs come back with no time.
  // One-to-one messages may be read by a conversation read instead (peer-reads.ts); a group
  // message never is, so only one-to-one conversations are looked up for it.
  readTimes: `SELECT x."messageId", x."userId", x."readAt" FROM json_each(?) m CROSS JOIN json_each(?) r
    CROSS JOIN "Receipt" x ON x."messageId" = m."value" AND x."userId" = r."value"
    UNION ALL SELECT e."messageId", e."userId", NULL FROM json_each(?) m CROSS JOIN json_each(?) r
    CROSS JOIN "ExpiredReceipt" e ON e."messageId" = m."value" AND e."userId" = r."value"
    UNION ALL SELECT c."messageId", c."userId", c."readAt" FROM (
      SELECT m."id" AS "messageId", p."userId", ${coveringReadAt('m', 'p."userId"')} AS "readAt"
      FROM json_each(?) j CROSS JOIN "Message" m ON m."id" = j."value"
      CROSS JOIN "Conversation" cv ON cv."id" = m."conversationId" AND cv."groupId" IS NULL CROSS JOIN json_each(?) r
      CROSS JOIN "Participant" p ON p."conversationId" = m."conversationId" AND p."userId" = r."value") c
    WHERE c."readAt" IS NOT NULL`,
  // Each JSON element is [messageId, readers added].
  addReaders: `UPDATE "Message" SET "readCount" = "readCount" + (a."value" ->> 1), "lastReadRank" = "lastReadRank" + (a."value" ->> 1)
    FROM json_each(?) a WHERE "Message"."id" = (a."value" ->> 0)
    RETURNING "Message"."id", ${currentReadCount('"Message"')} AS "readCount", ${currentAudience('"Message"')} AS "audienceCount",
      "lastReadRank"`,
  // Each JSON element is [messageId, userId, rank].
  insertReceipts: `INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
    SELECT r."value" ->> 0, r."value" ->> 1, r."value" ->> 2, ? FROM json_each(?) r`,
  // Each JSON element is [messageId, userId]: late reads of messages whose reader list expired.
  insertExpired: `INSERT INTO "ExpiredReceipt" ("messageId", "userId") SELECT r."value" ->> 0, r."value" ->> 1 FROM json_each(?) r`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

const prepared = new WeakMap<Database.Database, Statements>();

function statementsOf(db: Database.Database): Statements {
  let statements = prepared.get(db);
  if (!statements) {
    // Plain numbers, not the BigInts Prisma's adapter turns on for the connection.
    const prepare = (sql: string) => {
      const statement = db.prepare(sql);
      return statement.reader ? statement.safeIntegers(false) : statement;
    };
    statements = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, prepare(sql)])) as Statements;
    prepared.set(db, statements);
  }
  return statements;
}

/** The same text Prisma's adapter stores for a DateTime: ISO 8601 with +00:00. */
const timestamp = (date: Date) => date.toISOString().replace('Z', '+00:00');

export function sqliteReadTransaction(connection: SqliteConnection, onQuery?: QueryListener): ReadTransaction {
  return (work) =>
    connection.exclusive(async (db) => {
      const statements = statementsOf(db);
      const run = <K extends keyof Statements>(name: K) => {
        onQuery?.(SQL[name]);
        traceSqlite(name, SQL[name]);
        return statements[name];
      };
      run('begin').run();
      try {
        const result = await work(sqliteReadStore(run));
        run('commit').run();
        return result;
      } catch (error) {
        if (db.inTransaction) run('rollback').run();
        throw error;
      }
    });
}

/**
 * better-sqlite3 runs a statement synchronously right after `run` hands it out: its span ends at
 * the next microtask, just after it.
 */
function traceSqlite(name: string, sql: string) {
  const span = traceStatement('sqlite', name, sql);
  if (span.isRecording()) queueMicrotask(() => span.end());
}

type Run = <K extends keyof Statements>(name: K) => Database.Statement;

function sqliteReadStore(run: Run): ReadStore {
  // The batch passes lists without repeats.
  const json = (values: unknown[]) => JSON.stringify(values);
  return {
    async messages(ids) {
      const rows = run('messages').all(json(ids)) as RawMessageRow[];
      return new Map(rows.map((r) => [Number(r.id), toMessageRow(r)]));
    },
    async readers(conversationIds, userIds) {
      const rows = run('readers').all(json(conversationIds), json(userIds)) as {
        conversationId: string;
        userId: string;
        joinSeq: number;
        readReceiptsEnabled: number;
      }[];
      return new Map<string, ReaderState>(
        rows.map((r) => [
          readerKey(r.conversationId, r.userId),
          { joinSeq: r.joinSeq, readReceiptsEnabled: Boolean(r.readReceiptsEnabled) },
        ]),
      );
    },
    lockMessages: async () => {},
    async readTimes(messageIds, userIds) {
      const [m, u] = [json(messageIds), json(userIds)];
      const rows = run('readTimes').all(m, u, m, u, m, u) as {
        messageId: number;
        userId: string;
        readAt: string | null;
      }[];
      return firstReadsByPair(rows);
    },
    async addReaders(added) {
      const rows = run('addReaders').all(JSON.stringify([...added])) as (Counters & { id: number })[];
      return new Map(rows.map(({ id, ...counters }) => [id, counters]));
    },
    async insertReceipts(receipts, readAt) {
      const rows = receipts.filter((r) => !r.expired).map((r) => [r.messageId, r.userId, r.rank]);
      const pairs = receipts.filter((r) => r.expired).map((r) => [r.messageId, r.userId]);
      if (rows.length) run('insertReceipts').run(timestamp(readAt), JSON.stringify(rows));
      if (pairs.length) run('insertExpired').run(JSON.stringify(pairs));
    },
  };
}
