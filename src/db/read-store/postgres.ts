// ReadStore on PostgreSQL: straight on a pooled `pg` connection, as SQLite's store is straight on
// better-sqlite3. Through Prisma each of a batch's eight round trips paid the client's fixed cost
// on top of the database's, and a batch took about twice the same statements written by hand
// (bench W1). Lists travel as arrays (ANY, unnest), so each statement's text is the same for any
// batch size and is prepared once per connection (named statements). Deadlocks and
// serialization failures are retried as inTransaction's are (withRetries); every statement is
// reported to onQuery and traced, as Prisma's are.
import pg from 'pg';
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
import { withRetries } from '../transaction.ts';
import { traceStatement } from './trace.ts';
import {
  type Counters,
  firstReadsByPair,
  type ReaderState,
  type ReadStore,
  type ReadTransaction,
  readerKey,
} from './types.ts';

const SQL = {
  messages: `SELECT ${MESSAGE_COLUMNS} FROM "Message" m ${MESSAGE_JOINS} WHERE m."id" = ANY($1::int[])`,
  // Locked in key order, as leaves take them: no lock cycle.
  readers: `SELECT p."conversationId", p."userId", p."joinSeq", u."readReceiptsEnabled"
    FROM "Participant" p JOIN "User" u ON u."id" = p."userId"
    WHERE p."conversationId" = ANY($1::text[]) AND p."userId" = ANY($2::text[])
    ORDER BY p."conversationId", p."userId" FOR SHARE OF p`,
  lockMessages: `SELECT "id", "receiptsExpiredAt" FROM "Message" WHERE "id" = ANY($1::int[]) ORDER BY "id" FOR UPDATE`,
  // Reads whose rows retention removed are still reads: their pairs come back with no time.
  // One-to-one messages may be read by a conversation read instead (peer-reads.ts); a group
  // message never is, so only one-to-one conversations are looked up for it.
  readTimes: `SELECT "messageId", "userId", "readAt" FROM "Receipt" WHERE "messageId" = ANY($1::int[]) AND "userId" = ANY($2::text[])
    UNION ALL SELECT "messageId", "userId", NULL FROM "ExpiredReceipt" WHERE "messageId" = ANY($1::int[]) AND "userId" = ANY($2::text[])
    UNION ALL SELECT x."messageId", x."userId", x."readAt" FROM (
      SELECT m."id" AS "messageId", p."userId", ${coveringReadAt('m', 'p."userId"')} AS "readAt"
      FROM "Message" m JOIN "Conversation" cv ON cv."id" = m."conversationId" AND cv."groupId" IS NULL
      JOIN "Participant" p ON p."conversationId" = m."conversationId"
      WHERE m."id" = ANY($1::int[]) AND p."userId" = ANY($2::text[])) x
    WHERE x."readAt" IS NOT NULL`,
  addReaders: `UPDATE "Message" m SET "readCount" = m."readCount" + a.n, "lastReadRank" = m."lastReadRank" + a.n
    FROM unnest($1::int[], $2::int[]) AS a(id, n) WHERE m."id" = a.id
    RETURNING m."id", ${currentReadCount('m')} AS "readCount", ${currentAudience('m')} AS "audienceCount", m."lastReadRank"`,
  insertReceipts: `INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
    SELECT a.id, a.u, a.r, CAST($4 AS TIMESTAMP(3)) FROM unnest($1::int[], $2::text[], $3::int[]) AS a(id, u, r)`,
  insertExpired: `INSERT INTO "ExpiredReceipt" ("messageId", "userId") SELECT * FROM unnest($1::int[], $2::text[])`,
} as const;

type Name = keyof typeof SQL;

/** TIMESTAMP(3) columns hold UTC without a zone (Prisma's DateTime): read them as UTC, whatever TZ is. */
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID
      ? (value: string) => `${value.replace(' ', 'T')}Z`
      : (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(
          oid,
          format,
        )) as pg.CustomTypesConfig['getTypeParser'],
};

type Query = <R extends pg.QueryResultRow>(name: Name, values: unknown[]) => Promise<R[]>;

export function postgresReadTransaction(pool: pg.Pool, onQuery?: QueryListener): ReadTransaction {
  return (work) =>
    withRetries(async () => {
      const client = await pool.connect();
      const query: Query = async (name, values) => {
        onQuery?.(SQL[name]);
        const span = traceStatement('postgresql', name, SQL[name]);
        try {
          return (await client.query({ name: `read-store-${name}`, text: SQL[name], values, types })).rows;
        } finally {
          span.end();
        }
      };
      const control = (sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK') => {
        onQuery?.(sql);
        return client.query(sql);
      };
      // A connection lost while checked out (PostgreSQL restarting) emits 'error' here, not in
      // the pool; without a listener that would crash the process. The query in flight fails
      // too, and the connection is closed on release instead of going back to the pool.
      let broken: Error | undefined;
      const lost = (error: Error) => {
        broken = error;
      };
      client.on('error', lost);
      try {
        await control('BEGIN');
        const result = await work(postgresReadStore(query));
        await control('COMMIT');
        return result;
      } catch (error) {
        await control('ROLLBACK').catch((rollbackFailed: Error) => {
          broken ??= rollbackFailed;
        });
        throw error;
      } finally {
        // A connection that was lost or could not even roll back is closed, not handed on.
        client.removeListener('error', lost);
        client.release(broken);
      }
    });
}

function postgresReadStore(query: Query): ReadStore {
  let loaded = new Map<number, ReturnType<typeof toMessageRow>>();
  return {
    async messages(ids) {
      const rows = await query<RawMessageRow>('messages', [ids]);
      loaded = new Map(rows.map((r) => [Number(r.id), toMessageRow(r)]));
      return loaded;
    },
    async readers(conversationIds, userIds) {
      const rows = await query<{
        conversationId: string;
        userId: string;
        joinSeq: number;
        readReceiptsEnabled: boolean;
      }>('readers', [conversationIds, userIds]);
      return new Map<string, ReaderState>(
        rows.map((r) => [
          readerKey(r.conversationId, r.userId),
          { joinSeq: r.joinSeq, readReceiptsEnabled: r.readReceiptsEnabled },
        ]),
      );
    },
    async lockMessages(ids) {
      if (ids.length === 0) return;
      // The retention sweep may have marked a message between the load and this lock: where
      // its late reads go (Receipt or ExpiredReceipt) follows the locked row.
      const rows = await query<{ id: number; receiptsExpiredAt: string | null }>('lockMessages', [ids]);
      for (const r of rows) {
        const row = loaded.get(r.id);
        if (row) row.receiptsExpiredAt = r.receiptsExpiredAt === null ? null : new Date(r.receiptsExpiredAt);
      }
    },
    async readTimes(messageIds, userIds) {
      const rows = await query<{ messageId: number; userId: string; readAt: string | null }>('readTimes', [
        messageIds,
        userIds,
      ]);
      return firstReadsByPair(rows);
    },
    async addReaders(added) {
      const rows = await query<{ id: number; readCount: string; audienceCount: string; lastReadRank: number }>(
        'addReaders',
        [[...added.keys()], [...added.values()]],
      );
      return new Map<number, Counters>(
        rows.map((r) => [
          r.id,
          { readCount: Number(r.readCount), audienceCount: Number(r.audienceCount), lastReadRank: r.lastReadRank },
        ]),
      );
    },
    async insertReceipts(receipts, readAt) {
      const rows = receipts.filter((r) => !r.expired);
      const pairs = receipts.filter((r) => r.expired);
      // An ISO string, not a Date: pg would write a Date in the process's time zone.
      if (rows.length) {
        await query('insertReceipts', [
          rows.map((r) => r.messageId),
          rows.map((r) => r.userId),
          rows.map((r) => r.rank),
          readAt.toISOString(),
        ]);
      }
      if (pairs.length) await query('insertExpired', [pairs.map((r) => r.messageId), pairs.map((r) => r.userId)]);
    },
  };
}
