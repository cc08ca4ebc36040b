// W10-W12: costs that must not grow with history, unread count or batch size (issue 13).
// Each seeds its own conversations (history-seed.ts) and drives the public API in-process; the
// cases compared in a target run interleaved, so drift on a shared machine lands on both.
import { performance } from 'node:perf_hooks';
import { seedHistory } from '../history-seed.ts';
import { insertRows } from '../raw-db.ts';
import { stamp } from '../seed.ts';
import { userID } from '../seed-plan.ts';
import { summarize } from '../stats.ts';
import { type BenchContext, figure, type Target, type Workload } from '../types.ts';

const REMOVE = `mutation($groupID: ID!, $userIDs: [ID!]!) { removeGroupMembers(groupID: $groupID, userIDs: $userIDs) { groupID } }`;
const READ_ALL = `mutation($conversationID: String!) { markConversationRead(conversationID: $conversationID) { unreadCount } }`;
const ADD = `mutation($groupID: ID!, $userIDs: [ID!]!) { addGroupMembers(groupID: $groupID, userIDs: $userIDs) { groupID } }`;

const timed = async (op: () => Promise<unknown>) => {
  const start = performance.now();
  await op();
  return performance.now() - start;
};
const ratioTarget = (workload: string, text: string, value: number, base: number, limit: number): Target => ({
  workload,
  text,
  pass: value <= limit * base,
  detail: `${value.toFixed(1)} ms vs ${base.toFixed(1)} ms = ${(value / base).toFixed(2)}×`,
});
const n = (x: number) => x.toLocaleString('en-US');

export const leaveWorkload: Workload = {
  id: 'W10',
  title: 'leave a group: short vs long history',
  async run(ctx) {
    const { members, shortHistory, longHistory, leaves } = ctx.scale.growth;
    const users = Array.from({ length: members }, (_, i) => userID(i));
    const leavers = users.slice(1, leaves + 2);
    const groups = [shortHistory, longHistory].map((messages) => ({ groupID: `bench-leave-${messages}`, messages }));
    for (const g of groups) {
      await seedHistory(ctx.raw, {
        key: `GROUP${g.groupID}`,
        groupID: g.groupID,
        members: users,
        sender: users[0],
        messages: g.messages,
        readers: { userIDs: leavers, every: 100 },
      });
    }
    await ctx.client.signIn([...leavers, ctx.seed.owner]);
    // A request in another conversation: the owner's figures for a message of the big group.
    const probe = () => ctx.client.receipts(ctx.seed.owner, [ctx.seed.ids.receipts[0]]);
    const leave = (groupID: string, who: string) => ctx.client.gql(who, REMOVE, { groupID, userIDs: [who] });
    const times = groups.map(() => [] as number[]);
    const idle: number[] = [];
    const during: number[] = [];
    const duringSweep: number[] = [];
    const sweepMs: number[] = [];
    // Leaver 0 warms up; the order of the two groups alternates.
    for (const [k, who] of leavers.entries()) {
      for (const j of k % 2 ? [1, 0] : [0, 1]) {
        if (j === 1) idle.push(await timed(probe));
        const leaving = timed(() => leave(groups[j].groupID, who));
        // Issued while the long-history leave is in flight.
        const probed = j === 1 ? timed(probe) : undefined;
        const ms = await leaving;
        const probeMs = await probed;
        // The leave returned before its reads were taken back. The sweep runs now, with
        // requests in another conversation meanwhile, and ends before the next leave starts:
        // no leave is measured while an earlier one's sweep still runs.
        const sweep = sweptOut(ctx);
        const probes = j === 1 ? probeUntil(sweep, probe) : Promise.resolve([]);
        const [swept, probesMs] = await Promise.all([sweep, probes]);
        if (k === 0) continue;
        times[j].push(ms);
        if (probeMs !== undefined) during.push(probeMs);
        if (j === 1) {
          sweepMs.push(swept);
          duringSweep.push(...probesMs);
        }
      }
    }
    const [short, long] = times.map((t) => summarize(t));
    const [quiet, busy, sweeping] = [summarize(idle), summarize(during), summarize(duringSweep)];
    const size = `${n(members)}-member group`;
    return {
      figures: [
        figure(
          'W10',
          `leave a ${size}, ${n(longHistory)} messages (floor: ${n(shortHistory)} messages)`,
          'ms',
          long,
          short,
        ),
        figure('W10', `request in another conversation during that leave (floor: idle)`, 'ms', busy, quiet),
        figure(
          'W10',
          `the leave sweeper taking back the ${n(longHistory)}-message leaver's reads`,
          'ms',
          summarize(sweepMs),
        ),
        figure('W10', `request in another conversation during that sweep (floor: idle)`, 'ms', sweeping, quiet),
      ],
      targets: [
        ratioTarget(
          'W10',
          `Leave with ${n(longHistory)} messages of history ≤ 2× with ${n(shortHistory)}`,
          long.median,
          short.median,
          2,
        ),
        ratioTarget(
          'W10',
          'A request in another conversation during that leave ≤ 2× idle',
          busy.median,
          quiet.median,
          2,
        ),
      ],
    };
  },
};

/**
 * Sweeps until no leave waits for one; returns how long that took. A background sweeper (the
 * server's, once a workload started it) may hold a leave meanwhile: this waits for it too.
 */
async function sweptOut(ctx: BenchContext): Promise<number> {
  const start = performance.now();
  for (;;) {
    await ctx.app.services.leaveSweep.sweepAll();
    const [row] = await ctx.raw.all<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "ReceiptTakeback"`);
    if (Number(row.n) === 0) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Times `probe` back to back until `work` settles (at least once). Each waits for the event
 * loop's next turn, as a request from a socket would: in-process calls that settle in
 * microtasks alone would never let the sweep's timers and I/O run.
 */
async function probeUntil(work: Promise<unknown>, probe: () => Promise<unknown>): Promise<number[]> {
  let done = false;
  const settle = () => {
    done = true;
  };
  work.then(settle, settle);
  const times: number[] = [];
  do {
    await new Promise((resolve) => setImmediate(resolve));
    times.push(await timed(probe));
  } while (!done);
  return times;
}

export const readAllWorkload: Workload = {
  id: 'W11',
  title: 'markConversationRead: few vs many unread',
  async run(ctx) {
    const { fewUnread, manyUnread, readCalls } = ctx.scale.growth;
    const sender = userID(1);
    // One one-to-one chat per call (the sender with a different reader), each with its unread history.
    const chats = [fewUnread, manyUnread].map((unread, j) =>
      Array.from({ length: readCalls + 1 }, (_, k) => ({ unread, reader: userID(10 + j * (readCalls + 1) + k) })),
    );
    for (const chat of chats.flat()) {
      const [a, b] = [sender, chat.reader].sort();
      await seedHistory(ctx.raw, {
        key: `C2C${a}:${b}`,
        groupID: null,
        members: [sender, chat.reader],
        sender,
        messages: chat.unread,
      });
    }
    await ctx.client.signIn([sender, ...chats.flat().map((c) => c.reader)]);
    const times = [[] as number[], [] as number[]];
    const failures: string[] = [];
    for (let k = 0; k <= readCalls; k++) {
      for (const j of k % 2 ? [1, 0] : [0, 1]) {
        const { reader } = chats[j][k];
        let unread = -1;
        // A call that fails (on PostgreSQL, 50,000 unread outlasted the 30 s transaction timeout)
        // is a failed target with its time, not the end of the run.
        const ms = await timed(async () => {
          const data = await ctx.client
            .gql<{ markConversationRead: { unreadCount: number } }>(reader, READ_ALL, {
              conversationID: `C2C${sender}`,
            })
            .catch((error: Error) => {
              failures.push(error.message.slice(0, 120));
              return { markConversationRead: { unreadCount: 0 } };
            });
          unread = data.markConversationRead.unreadCount;
        });
        if (unread !== 0) throw new Error(`W11: unreadCount ${unread} after markConversationRead`);
        if (k > 0) times[j].push(ms);
      }
    }
    const [few, many] = times.map((t) => summarize(t));
    return {
      figures: [
        figure('W11', `markConversationRead, ${n(manyUnread)} unread (floor: ${n(fewUnread)} unread)`, 'ms', many, few),
      ],
      targets: [
        ratioTarget(
          'W11',
          `markConversationRead with ${n(manyUnread)} unread ≤ 2× with ${n(fewUnread)}`,
          many.median,
          few.median,
          2,
        ),
        {
          workload: 'W11',
          text: 'Every markConversationRead call succeeds',
          pass: failures.length === 0,
          detail: failures.length ? `${failures.length} failed: ${failures[0]}` : 'all succeeded',
        },
      ],
    };
  },
};

/** The floor: the same Participant rows and member count, by hand, in one transaction. */
async function insertMembers(ctx: BenchContext, key: string, userIDs: string[]) {
  await ctx.raw.tx(async (q) => {
    const [row] = await q.all<{ lastSeq: number }>(
      `UPDATE "Conversation" SET "memberCount" = "memberCount" + ? WHERE "id" = ? RETURNING "lastSeq"`,
      [userIDs.length, key],
    );
    const at = stamp();
    const columns = ['conversationId', 'userId', 'joinSeq', 'readSeq', 'ownSinceRead', 'joinedAt'];
    await insertRows(
      q,
      'Participant',
      columns,
      userIDs.map((u) => [key, u, row.lastSeq, row.lastSeq, 0, at]),
    );
  });
}

export const addMembersWorkload: Workload = {
  id: 'W12',
  title: 'addGroupMembers vs a hand-written insert',
  async run(ctx) {
    const { addMembers, addRounds } = ctx.scale.growth;
    const owner = ctx.seed.owner;
    const [gql, floor] = ['gql', 'floor'].map((side) => ({
      groupID: `bench-add-${side}`,
      key: `GROUPbench-add-${side}`,
    }));
    for (const g of [gql, floor]) {
      await seedHistory(ctx.raw, {
        key: g.key,
        groupID: g.groupID,
        members: [owner, userID(1)],
        sender: owner,
        messages: 10,
      });
    }
    await ctx.client.signIn([owner]);
    // Users not in these groups yet, from the middle of the seeded ones.
    const first = Math.floor(ctx.scale.bigGroup / 2);
    const batch = (round: number, side: number) =>
      Array.from({ length: addMembers }, (_, i) => userID(first + (2 * round + side) * addMembers + i));
    const times = [[] as number[], [] as number[]];
    for (let r = 0; r <= addRounds; r++) {
      for (const j of r % 2 ? [1, 0] : [0, 1]) {
        const users = batch(r, j);
        const ms = await timed(() =>
          j === 0
            ? ctx.client.gql(owner, ADD, { groupID: gql.groupID, userIDs: users })
            : insertMembers(ctx, floor.key, users),
        );
        if (r > 0) times[j].push(ms);
      }
    }
    const counts = await ctx.raw.all<{ id: string; memberCount: number }>(
      `SELECT "id", "memberCount" FROM "Conversation" WHERE "id" IN (?, ?)`,
      [gql.key, floor.key],
    );
    const expected = 2 + (addRounds + 1) * addMembers;
    if (counts.some((c) => Number(c.memberCount) !== expected))
      throw new Error(`W12: member counts ${JSON.stringify(counts)}`);
    const [service, hand] = times.map((t) => summarize(t));
    return {
      figures: [
        figure(
          'W12',
          `addGroupMembers of ${n(addMembers)} (floor: the same rows inserted by hand)`,
          'ms',
          service,
          hand,
        ),
      ],
      targets: [
        ratioTarget(
          'W12',
          `addGroupMembers of ${n(addMembers)} members ≤ 3× a hand-written insert of the same rows`,
          service.median,
          hand.median,
          3,
        ),
      ],
    };
  },
};
