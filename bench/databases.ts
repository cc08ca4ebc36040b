// The databases a run uses: always a fresh SQLite file under bench/.data, and a fresh database on
// the PostgreSQL server that BENCH_DATABASE_URL (or DATABASE_URL) names, if it is postgresql://.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export type BenchDatabase = { url: string; drop(): Promise<void> };

const DATA_DIR = fileURLToPath(new URL('./.data/', import.meta.url));

function freshSqlite(): BenchDatabase {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = `${DATA_DIR}bench.db`;
  const remove = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
  };
  remove();
  return { url: `file:${path}`, drop: async () => remove() };
}

async function admin(serverUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshPostgres(serverUrl: string): Promise<BenchDatabase> {
  const name = `rr_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function postgresServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.BENCH_DATABASE_URL || env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

export async function benchDatabases(env: NodeJS.ProcessEnv = process.env) {
  const list: { provider: 'sqlite' | 'postgresql'; open: () => Promise<BenchDatabase> }[] = [
    { provider: 'sqlite', open: async () => freshSqlite() },
  ];
  const server = postgresServerUrl(env);
  if (server) list.push({ provider: 'postgresql', open: () => freshPostgres(server) });
  return list;
}
