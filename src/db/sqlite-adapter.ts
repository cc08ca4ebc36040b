// Prisma's better-sqlite3 adapter locks only transactions against each other. A plain query
// sent while an interactive transaction is open runs on the same connection, inside it: it
// reads uncommitted rows, and its writes roll back with someone else's failure. This wrapper
// makes plain writes wait for the open transaction, as a second connection would, and sends
// plain reads to a second, read-only connection: in WAL mode it reads the last committed state
// without waiting for the writer, so a `me` query never queues behind a markRead batch or a
// leave. A mutation's transaction has committed before its response is written, so a query
// that follows it reads its writes.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { Mutex } from 'async-mutex';
import type Database from 'better-sqlite3';

function serialize(adapter: SqlDriverAdapter, gate: Mutex, reader?: ReadConnection): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      switch (property) {
        case 'queryRaw':
          return (query: SqlQuery) =>
            reader?.canRead(query.sql)
              ? reader.adapter.queryRaw(query)
              : gate.runExclusive(() => target.queryRaw(query));
        case 'executeRaw':
          return (query: SqlQuery) => gate.runExclusive(() => target.executeRaw(query));
        case 'executeScript':
          return (script: string) => gate.runExclusive(() => target.executeScript(script));
        case 'startTransaction':
          return async (isolationLevel?: IsolationLevel) => {
            const release = await gate.acquire();
            try {
              return holdUntilDone(await target.startTransaction(isolationLevel), release);
            } catch (error) {
              release();
              throw error;
            }
          };
        case 'dispose':
          return async () => {
            await reader?.adapter.dispose();
            await target.dispose();
          };
        default: {
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  });
}

/** Distinct statement texts remembered as read-only or not; Prisma's are a bounded set of shapes. */
const READ_ONLY_CACHE_LIMIT = 2_000;

/** The read-only connection, and which statements it can run (SQLite says, per prepared statement). */
type ReadConnection = { adapter: SqlDriverAdapter; canRead(sql: string): boolean };

function readConnection(adapter: SqlDriverAdapter): ReadConnection {
  const handle = handleOf(adapter);
  const known = new Map<string, boolean>();
  return {
    adapter,
    canRead(sql) {
      let readOnly = known.get(sql);
      if (readOnly === undefined) {
        try {
          readOnly = handle.prepare(sql).readonly;
        } catch {
          readOnly = false; // Let the writer run it and report the error as usual.
        }
        if (known.size >= READ_ONLY_CACHE_LIMIT) known.clear();
        known.set(sql, readOnly);
      }
      return readOnly;
    },
  };
}

/** The adapter keeps its better-sqlite3 handle in a public field that its types leave out. */
function handleOf(adapter: SqlDriverAdapter): Database.Database {
  const handle = (adapter as unknown as { client?: Database.Database }).client;
  if (!handle || typeof handle.prepare !== 'function') {
    throw new Error('@prisma/adapter-better-sqlite3 no longer exposes its connection as .client');
  }
  return handle;
}

/** The transaction keeps the gate until it commits or rolls back. */
function holdUntilDone(transaction: Transaction, release: () => void): Transaction {
  const finish = (end: () => Promise<void>) => async () => {
    try {
      await end();
    } finally {
      release();
    }
  };
  return new Proxy(transaction, {
    get(target, property, receiver) {
      if (property === 'commit') return finish(() => target.commit());
      if (property === 'rollback') return finish(() => target.rollback());
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The connection itself, for the one hot path that runs hand-prepared statements (markRead's
 * batches, see src/db/read-store/sqlite.ts). `exclusive` holds the same gate as Prisma's
 * transactions, so nothing else runs on the connection meanwhile.
 */
export type SqliteConnection = {
  exclusive<T>(work: (db: Database.Database) => Promise<T>): Promise<T>;
};

export function serializedSqliteAdapter(path: string, connect: () => Promise<void>) {
  const factory = new PrismaBetterSqlite3({ url: path });
  // One reader is enough: better-sqlite3 runs a statement synchronously, so readers in one
  // process never overlap; what they must not do is wait for the writer's open transaction.
  // An in-memory database cannot be opened twice, so it keeps the single connection.
  const readerFactory = path === ':memory:' ? undefined : new PrismaBetterSqlite3({ url: path, readonly: true });
  const gate = new Mutex();
  let client: Database.Database | undefined;
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connected = await factory.connect();
      client = handleOf(connected);
      const reader = readerFactory && readConnection(await readerFactory.connect());
      return serialize(connected, gate, reader);
    },
  };
  const connection: SqliteConnection = {
    async exclusive(work) {
      if (!client) await connect();
      return gate.runExclusive(() => work(client as Database.Database));
    },
  };
  return { adapter, connection };
}
