// Receipts on one PostgreSQL, three ways: one table (today), hash-partitioned by message, and
// range-partitioned by message id (message ids grow with time, so this is partitioning by time).
// Times a markRead-like insert (30 receipts of one reader in one transaction), the count and the
// first READ page of one message, and a leave-like delete of one user's receipts in one group.
// Figures for docs/scaling.md:
//   node scripts/simulate-partitions.ts postgresql://postgres@127.0.0.1:5432/sim [messages] [readers]
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const url = process.argv[2];
const MESSAGES = Number(process.argv[3] ?? 20_000);
const READERS = Number(process.argv[4] ?? 100);
const HASH_PARTITIONS = 16;
const RANGE_PARTITIONS = 8;
const ROUNDS = 200;

const client = new pg.Client({ connectionString: url });
await client.connect();
const q = (sql: string, params: unknown[] = []) => client.query(sql, params);

const COLUMNS = `"messageId" integer NOT NULL, "userId" text NOT NULL, "rank" integer NOT NULL,
  "readAt" timestamp(3) NOT NULL DEFAULT now(), PRIMARY KEY ("messageId", "userId")`;

async function create(table: string, partitioning: string) {
  await q(`DROP TABLE IF EXISTS ${table} CASCADE`);
  await q(`CREATE TABLE ${table} (${COLUMNS}) ${partitioning}`);
  if (partitioning.includes('HASH')) {
    for (let i = 0; i < HASH_PARTITIONS; i++) {
      await q(
        `CREATE TABLE ${table}_${i} PARTITION OF ${table} FOR VALUES WITH (MODULUS ${HASH_PARTITIONS}, REMAINDER ${i})`,
      );
    }
  } else if (partitioning.includes('RANGE')) {
    const step = Math.ceil((MESSAGES + ROUNDS * 30 + 1) / RANGE_PARTITIONS);
    for (let i = 0; i < RANGE_PARTITIONS; i++) {
      await q(
        `CREATE TABLE ${table}_${i} PARTITION OF ${table} FOR VALUES FROM (${i * step + 1}) TO (${(i + 1) * step + 1})`,
      );
    }
  }
  await q(`CREATE UNIQUE INDEX ON ${table} ("messageId", "rank")`);
  await q(`CREATE INDEX ON ${table} ("userId", "messageId")`);
  // READERS readers for each message: the read lists of a busy group.
  await q(
    `INSERT INTO ${table} ("messageId", "userId", "rank")
    SELECT m, 'u' || lpad(r::text, 6, '0'), r FROM generate_series(1, $1) m, generate_series(1, $2) r`,
    [MESSAGES, READERS],
  );
  await q(`ANALYZE ${table}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(rounds: number, work: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await work(i);
    samples.push(performance.now() - start);
  }
  return +median(samples).toFixed(3);
}

const results: Record<string, Record<string, number>> = {};
for (const [table, partitioning] of [
  ['receipt_plain', ''],
  ['receipt_hash', 'PARTITION BY HASH ("messageId")'],
  ['receipt_range', 'PARTITION BY RANGE ("messageId")'],
] as const) {
  const loadStart = performance.now();
  await create(table, partitioning);
  const load = performance.now() - loadStart;
  // New messages (ids above the loaded ones), 30 per call, read by one new reader each time.
  const markRead = await time(ROUNDS, async (i) => {
    const ids = Array.from({ length: 30 }, (_, k) => MESSAGES + 1 + i * 30 + k);
    await q('BEGIN');
    await q(`INSERT INTO ${table} ("messageId", "userId", "rank") SELECT m, $2, 1 FROM unnest($1::int[]) m`, [
      ids,
      `reader${i}`,
    ]);
    await q('COMMIT');
  });
  const message = () => 1 + Math.floor(Math.random() * MESSAGES);
  const count = await time(ROUNDS, () => q(`SELECT COUNT(*) FROM ${table} WHERE "messageId" = $1`, [message()]));
  const readPage = await time(ROUNDS, () =>
    q(`SELECT "userId", "rank" FROM ${table} WHERE "messageId" = $1 AND "rank" > 50 ORDER BY "rank" LIMIT 20`, [
      message(),
    ]),
  );
  // A leave: one user's receipts among 1,000 messages of their group (by the user index).
  const leave = await time(20, async (i) => {
    await q('BEGIN');
    await q(`DELETE FROM ${table} WHERE "userId" = $1 AND "messageId" BETWEEN $2 AND $3`, [
      `u${String(i + 1).padStart(6, '0')}`,
      1,
      1_000,
    ]);
    await q('ROLLBACK');
  });
  results[table] = {
    load_s: +(load / 1000).toFixed(1),
    markRead_30_ms: markRead,
    count_ms: count,
    readPage_ms: readPage,
    leaveDelete_ms: leave,
  };
}
console.log(JSON.stringify({ messages: MESSAGES, readers: READERS, rows: MESSAGES * READERS, results }, null, 1));
for (const table of ['receipt_plain', 'receipt_hash', 'receipt_range'])
  await q(`DROP TABLE IF EXISTS ${table} CASCADE`);
await client.end();
