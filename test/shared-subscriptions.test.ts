// Many sockets of one user share one execution per event (src/server/shared-subscriptions.ts):
// each socket still gets every event exactly once, a socket that leaves does not stop the
// others, and sockets of another viewer with the very same document and variables get their
// own view, never the first viewer's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts } from './helpers/live.ts';
import { CREATE_GROUP, MARK_READ, SEND } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'crowd',
    name: 'Crowd',
    type: 'WORK',
    memberIDs: ['bob', 'carol', 'dave'],
  });
});
afterAll(() => t.stop());

const GROUP = 'GROUPcrowd';
const probes = new Set<string | null>();

async function send(from: string, text: string) {
  return (await t.ok(from, SEND, { conversationID: GROUP, text, needReadReceipt: true })).sendMessage.msgID as string;
}

/** `count` live sockets of `userID`: a probe is a message of `userID` that dave reads. */
async function sockets(userID: string, count: number, variables: { conversationID?: string }) {
  const probe = {
    poke: async () => {
      const msgID = await send(userID, 'probe');
      probes.add(msgID);
      await t.ok('dave', MARK_READ, { msgIDs: [msgID] });
    },
    isPoke: (r: { msgID: string | null }) => probes.has(r.msgID),
  };
  return Promise.all(
    Array.from({ length: count }, async () => liveReceipts(await t.wsClient(userID), variables, probe)),
  );
}

const figures = (r: { msgID: string | null; readCount: number; unreadCount: number }) => [
  r.msgID,
  r.readCount,
  r.unreadCount,
];

describe('sockets of one user share one execution', () => {
  it('gives every socket each event once, and each viewer only their own view', async () => {
    const aliceFiltered = await sockets('alice', 8, { conversationID: GROUP });
    const aliceAll = await sockets('alice', 4, {});
    // Bob's sockets send the very same document and variables as alice's filtered ones.
    const bobs = await sockets('bob', 3, { conversationID: GROUP });

    const fromAlice = await send('alice', 'from alice');
    const fromBob = await send('bob', 'from bob');
    await t.ok('bob', MARK_READ, { msgIDs: [fromAlice] });
    await t.ok('carol', MARK_READ, { msgIDs: [fromAlice, fromBob] });
    // An end marker for each: a duplicate or a stray event would arrive before it.
    const aliceEnd = await send('alice', 'end');
    const bobEnd = await send('bob', 'end');
    await t.ok('carol', MARK_READ, { msgIDs: [aliceEnd] });
    await t.ok('carol', MARK_READ, { msgIDs: [bobEnd] });

    const aliceSees = [
      [fromAlice, 1, 2],
      [fromAlice, 2, 1],
      [aliceEnd, 1, 2],
    ];
    for (const socket of [...aliceFiltered, ...aliceAll])
      expect((await socket.next(3)).map(figures)).toEqual(aliceSees);
    for (const socket of bobs) {
      expect((await socket.next(2)).map(figures)).toEqual([
        [fromBob, 1, 2],
        [bobEnd, 1, 2],
      ]);
    }

    // Half of alice's filtered sockets leave; the others (and the unfiltered ones) keep going.
    await Promise.all(aliceFiltered.slice(0, 4).map((s) => s.dispose()));
    const after = await send('alice', 'after some left');
    await t.ok('bob', MARK_READ, { msgIDs: [after] });
    for (const socket of [...aliceFiltered.slice(4), ...aliceAll]) {
      expect((await socket.next(4)).map(figures)).toEqual([...aliceSees, [after, 1, 2]]);
    }
    for (const socket of aliceFiltered.slice(0, 4)) expect(socket.received().map(figures)).toEqual(aliceSees);
  });

  it('starts afresh after every socket of the group has left', async () => {
    const first = await sockets('carol', 2, { conversationID: GROUP });
    await Promise.all(first.map((s) => s.dispose()));
    const [again] = await sockets('carol', 1, { conversationID: GROUP });
    const msgID = await send('carol', 'after all left');
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    expect((await again.next(1)).map(figures)).toEqual([[msgID, 1, 2]]);
  });
});
