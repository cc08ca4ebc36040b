// Prisma's better-sqlite3 adapter locks only transactions against each other. A plain query
// sent while an interactive transaction is open runs on the same connection, inside it: it
// reads uncommitted rows, and its writes roll back with someone else's failure. This wrapper
// makes plain queries wait for the open transaction, as a second connection would.
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

function serialize(adapter: SqlDriverAdapter, gate: Mutex): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      switch (property) {
        case 'queryRaw':
          return (query: SqlQuery) => gate.runExclusive(() => target.queryRaw(query));
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
        default: {
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  });
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
  const gate = new Mutex();
  let client: Database.Database | undefined;
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connected = await factory.connect();
      // The adapter keeps its better-sqlite3 handle in a public field that its types leave out.
      const handle = (connected as unknown as { client?: Database.Database }).client;
      if (!handle || typeof handle.prepare !== 'function') {
        throw new Error('@prisma/adapter-better-sqlite3 no longer exposes its connection as .client');
      }
      client = handle;
      return serialize(connected, gate);
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
