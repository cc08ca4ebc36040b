// Hand-written SQL straight through the driver the server's Prisma adapter uses (better-sqlite3
// or pg), with no GraphQL and no Prisma: the seeding path and every floor. SQL is written once
// with `?` placeholders; PostgreSQL gets $1, $2, ...
import Database from 'better-sqlite3';
import pg from 'pg';
import { type Provider, providerOf, sqlitePath } from '../src/db/client.ts';

export type Row = Record<string, unknown>;

export interface Queryable {
  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
}

export interface RawDb extends Queryable {
  provider: Provider;
  /** Version and the settings that decide what a commit costs. */
  describe(): Promise<string>;
  /** One transaction; on SQLite, transactions of concurrent callers take turns. */
  tx<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openRawDb(databaseUrl: string): RawDb {
  return providerOf(databaseUrl) === 'sqlite' ? openSqlite(databaseUrl) : openPostgres(databaseUrl);
}

function openSqlite(databaseUrl: string): RawDb {
  const db = new Database(sqlitePath(databaseUrl));
  db.pragma('journal_mode = WAL');
  // Hand-written code would keep its statements prepared.
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    const cached = statements.get(sql);
    if (cached) return cached;
    const stmt = db.prepare(sql);
    statements.set(sql, stmt);
    return stmt;
  };
  // SQLite has no boolean type: Prisma stores true as 1.
  const bind = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  const q: Queryable = {
    all: async <T>(sql: string, params: unknown[] = []) => prepare(sql).all(...bind(params)) as T[],
    run: async (sql, params = []) => {
      const stmt = prepare(sql);
      return stmt.reader ? stmt.all(...bind(params)).length : stmt.run(...bind(params)).changes;
    },
  };
  let turn: Promise<unknown> = Promise.resolve();
  return {
    provider: 'sqlite',
    ...q,
    describe: async () => {
      const version = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
      const sync = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(db.pragma('synchronous', { simple: true }))];
      return `SQLite ${version.v}, journal_mode=${db.pragma('journal_mode', { simple: true })}, synchronous=${sync}`;
    },
    tx<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
      const mine = turn.then(async () => {
        db.exec('BEGIN');
        try {
          const result = await work(q);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      });
      turn = mine.catch(() => {});
      return mine;
    },
    close: async () => void db.close(),
  };
}

const toDollars = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function openPostgres(databaseUrl: string): RawDb {
  // The same pool size as the server's adapter (src/db/client.ts).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  // An idle client dies when the run drops its database (DROP ... WITH (FORCE)); without a
  // listener that error would end the process.
  pool.on('error', (error) => console.warn(`[bench] idle PostgreSQL client: ${error.message}`));
  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    all: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query({ text: toDollars(sql), values: params })).rows as T[],
    run: async (sql, params = []) => (await client.query({ text: toDollars(sql), values: params })).rowCount ?? 0,
  });
  return {
    provider: 'postgresql',
    ...on(pool),
    describe: async () => {
      const setting = async (name: string) => (await pool.query(`SHOW ${name}`)).rows[0][name];
      const version = (await setting('server_version')) as string;
      return `PostgreSQL ${version}, fsync=${await setting('fsync')}, synchronous_commit=${await setting('synchronous_commit')}`;
    },
    async tx<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Multi-row INSERTs of `rows` in chunks that stay under both drivers' parameter limits. */
export async function insertRows(q: Queryable, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const perChunk = Math.max(1, Math.floor(8_000 / columns.length));
  const names = columns.map((c) => `"${c}"`).join(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const sql = `INSERT INTO "${table}" (${names}) VALUES ${chunk.map(() => tuple).join(', ')}`;
    await q.run(sql, chunk.flat());
  }
}
