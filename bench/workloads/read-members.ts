// W3: readMembers pages of 100 at page 1, deep pages and the last page of the big group's
// half-read message, READ and UNREAD. Keyset paging: a deep page must cost what page 1 costs.
// Deep pages are reached with a built cursor; once per list, a walked cursor must equal it.
import { READ_MEMBERS } from '../client.ts';
import { compareLatencies, countStatements, type LatencyCase, statementFigure } from '../compare.ts';
import { explain, readPageQuery, runQuery, unreadPageQuery } from '../floor.ts';
import { PAGE } from '../seed-plan.ts';
import type { BenchContext, Figure, Target, Workload } from '../types.ts';

type Filter = 'READ' | 'UNREAD';
type Page = { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** The cursor format of src/resolvers/read-members.ts: base64url JSON { m, f, k }. */
const encode = (m: number, f: 'R' | 'U', k: number | string) =>
  Buffer.from(JSON.stringify({ m, f, k })).toString('base64url');

function listOf(ctx: BenchContext, filter: Filter) {
  const msgID = ctx.seed.ids.halfRead;
  const unread = ctx.seed.halfReadUnread;
  const size = filter === 'READ' ? Math.floor(ctx.scale.bigGroup / 2) : unread.length;
  /** The cursor that starts page p (none for page 1). */
  const cursorFor = (p: number) =>
    p === 1
      ? undefined
      : filter === 'READ'
        ? encode(msgID, 'R', (p - 1) * PAGE)
        : encode(msgID, 'U', unread[(p - 1) * PAGE - 1]);
  return { msgID, size, last: Math.ceil(size / PAGE), cursorFor };
}

async function page(ctx: BenchContext, filter: Filter, after?: string): Promise<Page> {
  const data = await ctx.client.gql<{ readMembers: Page }>(ctx.seed.owner, READ_MEMBERS, {
    msgID: String(ctx.seed.ids.halfRead),
    filter,
    first: PAGE,
    after,
  });
  return data.readMembers;
}

/** Walks to page p one page at a time and checks its cursor against the built one. */
async function checkWalk(ctx: BenchContext, filter: Filter, p: number) {
  const list = listOf(ctx, filter);
  let after: string | undefined;
  for (let i = 1; i < p; i++) after = (await page(ctx, filter, after)).pageInfo.endCursor ?? undefined;
  if (after !== list.cursorFor(p))
    throw new Error(`W3: walked ${filter} cursor for page ${p} differs from the built one`);
}

async function measureList(
  ctx: BenchContext,
  filter: Filter,
): Promise<{ figures: Figure[]; target: Target; note: string }> {
  const { raw, seed } = ctx;
  const list = listOf(ctx, filter);
  const deep = Math.min(500, list.last);
  if (ctx.scale.walkPages) await checkWalk(ctx, filter, deep);
  const pages = [...new Set([1, Math.ceil(list.last / 2), deep, list.last])];
  const message = {
    id: list.msgID,
    key: seed.big.key,
    seq: seed.big.messages.find((m) => m.id === list.msgID)!.seq,
    sender: seed.owner,
  };
  /** The floor: the same page by hand-written SQL. */
  const query = (p: number) =>
    filter === 'READ'
      ? readPageQuery(list.msgID, (p - 1) * PAGE, PAGE + 1)
      : unreadPageQuery(message, p === 1 ? '' : seed.halfReadUnread[(p - 1) * PAGE - 1], PAGE + 1);
  const cases: LatencyCase[] = [];
  for (const p of pages) {
    const after = list.cursorFor(p);
    const got = await page(ctx, filter, after);
    const expected = p === list.last ? list.size - (p - 1) * PAGE : PAGE;
    if (got.edges.length !== expected || got.pageInfo.hasNextPage !== p < list.last) {
      throw new Error(`W3: ${filter} page ${p} has ${got.edges.length} edges (expected ${expected})`);
    }
    cases.push({
      name: `${filter} page ${p}${p === list.last ? ' (last)' : ''} of ${list.last}: latency`,
      gql: () => page(ctx, filter, after),
      floor: () => runQuery(raw, query(p)),
    });
  }
  const figures = await compareLatencies(ctx, 'W3', cases);
  const statements = await countStatements(ctx, () => page(ctx, filter, list.cursorFor(list.last)));
  figures.push(statementFigure('W3', `${filter} last page: SQL statements`, statements.count));
  // Every deep page (the middle one too: that is where a merge join from the first user hurts most).
  const first = figures[0].value.median;
  const deepest = figures.slice(1, pages.length).reduce((a, b) => (b.value.median > a.value.median ? b : a));
  const worst = deepest.value.median;
  const target: Target = {
    workload: 'W3',
    text: `${filter}: every deep page (${pages.slice(1).join(', ')}) ≤ 2× page 1`,
    pass: worst <= 2 * first,
    detail: `slowest ${deepest.name.split(':')[0]}: ${worst.toFixed(2)} ms vs ${first.toFixed(2)} ms = ${(worst / first).toFixed(2)}×`,
  };
  const mid = pages[1];
  const note = `${filter} page ${mid} query plan: ${await explain(raw, query(mid))}`;
  return { figures, target, note };
}

export const readMembersWorkload: Workload = {
  id: 'W3',
  title: 'readMembers deep pages',
  async run(ctx) {
    await ctx.client.signIn([ctx.seed.owner]);
    const read = await measureList(ctx, 'READ');
    const unread = await measureList(ctx, 'UNREAD');
    return {
      figures: [...read.figures, ...unread.figures],
      targets: [read.target, unread.target],
      notes: [read.note, unread.note],
    };
  },
};
