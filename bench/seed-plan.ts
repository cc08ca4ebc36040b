// Which users, groups and messages the run needs, and what each workload uses: decided up front,
// deterministically, so seeding is a few bulk INSERTs and workloads know every id.
import type { Scale } from './scale.ts';

export const PAGE = 100;

export const userID = (i: number) => `u${String(i).padStart(6, '0')}`;

export type PlannedMessage = { id: number; seq: number; senderIndex: number; readers: number[] };

export type PlannedGroup = {
  groupID: string;
  key: string;
  members: number;
  messages: PlannedMessage[];
};

export type SeedInfo = {
  /** The sender of every message except W5's. */
  owner: string;
  big: PlannedGroup;
  /** W4's smaller groups (the biggest size is the big group). */
  sized: PlannedGroup[];
  /** Message ids by purpose; W1 lists have one entry per round, warm-up round first. */
  ids: {
    singleGql: number[];
    singleFloor: number[];
    batchGql: number[][];
    batchFloor: number[][];
    /** W1's writes-only bound. */
    singleBound: number[];
    batchBound: number[][];
    receipts: number[];
    halfRead: number;
    sized: { size: number; msgID: number }[];
    fanout: { msgID: number; sender: string }[];
    /** W8: one message of the owner, read by one new reader per event. */
    sockets: number;
  };
  /** halfRead's unread audience, in userID order (to build UNREAD cursors). */
  halfReadUnread: string[];
  /** Users who never sent a message and read nothing before W1: the readers. */
  readerPool: number[];
};

/** A deterministic shuffle (the order members read in is not their userID order). */
function shuffled(values: number[], seed = 42): number[] {
  const out = [...values];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function planSeed(scale: Scale): SeedInfo {
  const n = scale.bigGroup;
  let nextId = 1;
  const group = (groupID: string, members: number): PlannedGroup => ({
    groupID,
    key: `GROUP${groupID}`,
    members,
    messages: [],
  });
  const send = (g: PlannedGroup, senderIndex = 0, readers: number[] = []): number => {
    const m = { id: nextId++, seq: g.messages.length + 1, senderIndex, readers };
    g.messages.push(m);
    return m.id;
  };
  const big = group('bench-big', n);
  const rounds = scale.markRead.rounds + 1;
  const batch = () => Array.from({ length: scale.markRead.batchSize }, () => send(big));
  const singleGql = Array.from({ length: rounds }, () => send(big));
  const singleFloor = Array.from({ length: rounds }, () => send(big));
  const batchGql = Array.from({ length: rounds }, batch);
  const batchFloor = Array.from({ length: rounds }, batch);
  const singleBound = Array.from({ length: rounds }, () => send(big));
  const batchBound = Array.from({ length: rounds }, batch);
  const receipts = Array.from({ length: 30 }, () => send(big));
  const sockets = send(big);

  // About half of the audience has read: every odd-indexed member, in a shuffled order.
  const odd = Array.from({ length: Math.floor(n / 2) }, (_, i) => 2 * i + 1);
  const halfRead = send(big, 0, shuffled(odd));
  const halfReadUnread = Array.from({ length: Math.ceil(n / 2) - 1 }, (_, i) => userID(2 * i + 2));

  const sized = scale.countSizes.slice(0, -1).map((size) => group(`bench-size-${size}`, size));
  const sizedIds = sized.map((g) => {
    const readers = shuffled(Array.from({ length: Math.floor(g.members / 2) }, (_, i) => 2 * i + 1));
    return { size: g.members, msgID: send(g, 0, readers) };
  });
  sizedIds.push({ size: n, msgID: halfRead });

  // W5: the last members each send one message and subscribe to its receipts.
  const fanout = Array.from({ length: scale.fanout.subscribers }, (_, i) => {
    const senderIndex = n - 1 - i;
    return { msgID: send(big, senderIndex), sender: userID(senderIndex) };
  });
  const readerPool = Array.from({ length: n - 1 - scale.fanout.subscribers }, (_, i) => i + 1);
  return {
    owner: userID(0),
    big,
    sized,
    ids: {
      singleGql,
      singleFloor,
      batchGql,
      batchFloor,
      singleBound,
      batchBound,
      receipts,
      halfRead,
      sized: sizedIds,
      fanout,
      sockets,
    },
    halfReadUnread,
    readerPool,
  };
}
