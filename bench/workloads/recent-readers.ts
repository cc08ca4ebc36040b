// W7: a page of 50 of the big group's messages with recentReaders ("Seen by" faces), as a ratio
// to the same page without them (the floor column), and its SQL statements for 1 and 50
// messages. Then the retention sweep: bytes per receipt before it (the Receipt row) and after it
// (the bare pair that keeps late reads exact). Runs last: the sweep removes what W6 measures.
import { compareLatencies, countStatements, statementFigure } from '../compare.ts';
import type { RawDb } from '../raw-db.ts';
import { single } from '../stats.ts';
import { type Figure, figure, type Target, type Workload } from '../types.ts';

const page = (faces: boolean) => `query($conversationID: String!, $first: Int, $after: String) {
  messages(conversationID: $conversationID, first: $first, after: $after) {
    edges { node { msgID receipt { readCount unreadCount ${faces ? 'recentReaders { userID }' : ''} } } }
  }
}`;
type Page = { messages: { edges: { node: { receipt: { recentReaders?: unknown[] } | null } }[] } };

/** Bytes of one table with its indexes, and its rows (after VACUUM, as W6 measures). */
async function tableSize(raw: RawDb, table: string): Promise<{ bytes: number; rows: number }> {
  let bytes: number;
  if (raw.provider === 'sqlite') {
    await raw.run('VACUUM');
    const [row] = await raw.all<{ bytes: number | null }>(
      `SELECT SUM(d."pgsize") AS bytes FROM "dbstat" d JOIN "sqlite_master" m ON m."name" = d."name" WHERE m."tbl_name" = ?`,
      [table],
    );
    bytes = Number(row.bytes ?? 0);
  } else {
    await raw.run(`VACUUM FULL "${table}"`);
    const [row] = await raw.all<{ bytes: string }>(`SELECT pg_total_relation_size('"${table}"') AS bytes`);
    bytes = Number(row.bytes);
  }
  const [count] = await raw.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}"`);
  return { bytes, rows: Number(count.n) };
}

export const recentReadersWorkload: Workload = {
  id: 'W7',
  title: 'recentReaders on a page of 50, and receipt bytes after the retention sweep',
  async run(ctx) {
    const { client, seed, raw } = ctx;
    const owner = seed.owner;
    // The half-read message (n/2 readers) and the 49 of the owner's messages before it.
    const half = seed.big.messages.find((m) => m.id === seed.ids.halfRead);
    if (!half) throw new Error('W7: the half-read message is not in the plan');
    const vars = (first: number) => ({ conversationID: seed.big.key, first, after: String(half.seq + 1) });
    const withFaces = (first = 50) => client.gql<Page>(owner, page(true), vars(first));
    const without = () => client.gql<Page>(owner, page(false), vars(50));

    const check = await withFaces();
    const receipts = check.messages.edges.map((e) => e.node.receipt);
    if (receipts.length !== 50 || receipts.some((r) => !r) || receipts[0]?.recentReaders?.length !== 3) {
      throw new Error('W7: the page is not 50 of the owner messages with faces on the half-read one');
    }
    const members = ctx.scale.bigGroup.toLocaleString('en-US');
    const figures: Figure[] = await compareLatencies(ctx, 'W7', [
      {
        name: `page of 50 messages with recentReaders, ${members}-member group (floor: the same page without)`,
        gql: () => withFaces(),
        floor: without,
      },
    ]);
    const forOne = await countStatements(ctx, () => withFaces(1));
    const forFifty = await countStatements(ctx, () => withFaces(50));
    figures.push(
      statementFigure('W7', '1 message with recentReaders: SQL statements', forOne.count),
      statementFigure('W7', '50 messages with recentReaders: SQL statements', forFifty.count),
    );

    // Retention: every message is due on a clock a day past a one-day retention.
    const before = await tableSize(raw, 'Receipt');
    const sweeper = ctx.app.services.retention.withClock(() => new Date(Date.now() + 2 * 86_400_000), 1);
    const sweepStart = performance.now();
    await sweeper.sweepAll();
    const sweepSeconds = (performance.now() - sweepStart) / 1000;
    const pairs = await tableSize(raw, 'ExpiredReceipt');
    const bytes = (name: string, value: number) => figure('W7', name, 'bytes', single(Math.round(value)));
    figures.push(
      bytes(
        `per receipt before the sweep (${before.rows.toLocaleString('en-US')} Receipt rows)`,
        before.bytes / before.rows,
      ),
      bytes(`per receipt after the sweep (${pairs.rows.toLocaleString('en-US')} kept pairs)`, pairs.bytes / pairs.rows),
    );
    const targets: Target[] = [
      {
        workload: 'W7',
        text: 'SQL statements equal for 1 and 50 messages with recentReaders',
        pass: forOne.count === forFifty.count,
        detail: `${forOne.count} for 1, ${forFifty.count} for 50`,
      },
    ];
    const notes = [
      `The sweep moved ${pairs.rows.toLocaleString('en-US')} receipts in ${sweepSeconds.toFixed(1)} s (batches of ${ctx.app.config.retention.batchRows}, no pause).`,
    ];
    return { figures, targets, notes };
  },
};
