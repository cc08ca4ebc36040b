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

function serialize(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const gate = new Mutex();
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

export function serializedSqliteAdapter(path: string): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSqlite3({ url: path });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialize(await factory.connect()),
  };
}
