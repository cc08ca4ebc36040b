// W6: bytes on disk, after VACUUM, per stored receipt, per message of the big group (sends write
// no per-member rows), and per member; tables with their indexes. Runs after the other workloads
// that write rows, on everything they wrote, and before W7's retention sweep removes receipts
// (bench/run.ts). The small tables of the read paths (conversation reads, leaves) are
// given whole, when the run wrote any: a few rows fill a page or two, so per row says little.
import type { RawDb } from '../raw-db.ts';
import { single } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Workload } from '../types.ts';

/** Rows the read paths also keep: one per one-to-one conversation read, per leave, and per leave not yet swept. */
const SMALL_TABLES = ['ConversationRead', 'Departure', 'ReceiptTakeback', 'ExpiredReceipt'] as const;
const TABLES = ['Receipt', 'Message', 'Participant', 'User', ...SMALL_TABLES] as const;
type Table = (typeof TABLES)[number];

async function sqliteSizes(raw: RawDb): Promise<Record<string, number>> {
  await raw.run('VACUUM');
  const rows = await raw.all<{ tbl: string; bytes: number }>(
    `SELECT m."tbl_name" AS tbl, SUM(d."pgsize") AS bytes FROM "dbstat" d JOIN "sqlite_master" m ON m."name" = d."name" GROUP BY m."tbl_name"`,
  );
  const [{ total }] = await raw.all<{ total: number }>(
    'SELECT page_count * page_size AS total FROM pragma_page_count(), pragma_page_size()',
  );
  return { ...Object.fromEntries(rows.map((r) => [r.tbl, Number(r.bytes)])), total: Number(total) };
}

async function postgresSizes(raw: RawDb): Promise<Record<string, number>> {
  await raw.run(`VACUUM FULL ${TABLES.map((t) => `"${t}"`).join(', ')}`);
  const sizes: Record<string, number> = {};
  for (const t of TABLES) {
    const [row] = await raw.all<{ bytes: string }>(`SELECT pg_total_relation_size('"${t}"') AS bytes`);
    sizes[t] = Number(row.bytes);
  }
  const [db] = await raw.all<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  return { ...sizes, total: Number(db.bytes) };
}

async function count(raw: RawDb, table: Table): Promise<number> {
  const [row] = await raw.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}"`);
  return Number(row.n);
}

export const storageWorkload: Workload = {
  id: 'W6',
  title: 'storage after VACUUM',
  async run(ctx: BenchContext) {
    const { raw } = ctx;
    const sizes = raw.provider === 'sqlite' ? await sqliteSizes(raw) : await postgresSizes(raw);
    const counts = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await count(raw, t)])));
    const per = (t: Table) => sizes[t] / counts[t];
    const n = ctx.scale.bigGroup;
    const members = n.toLocaleString('en-US');
    const bytes = (name: string, value: number): Figure => figure('W6', name, 'bytes', single(Math.round(value)));
    return {
      figures: [
        bytes(
          `per stored receipt (${counts.Receipt.toLocaleString('en-US')} receipts, indexes included)`,
          per('Receipt'),
        ),
        bytes(`per message of a ${members}-member group, as sent (no per-member rows)`, per('Message')),
        bytes(`per ${members}-member group message once all have read it`, per('Message') + (n - 1) * per('Receipt')),
        bytes('per group member (Participant row)', per('Participant')),
        ...SMALL_TABLES.filter((t) => counts[t] > 0).map((t) =>
          bytes(`${t} table, whole (${counts[t].toLocaleString('en-US')} rows, indexes included)`, sizes[t]),
        ),
        bytes('whole database', sizes.total),
      ],
    };
  },
};
