// Unread counts: messages from others since the caller last marked the conversation read.
// Read receipts (markRead) never move them; the caller's own messages never count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ } from './helpers/operations.ts';
import { createGroup, send, unreadCounts } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const markConversationRead = async (userID: string, conversationID: string) =>
  (await t.ok(userID, MARK_CONVERSATION_READ, { conversationID })).markConversationRead as {
    conversationID: string;
    unreadCount: number;
  };
const markRead = (userID: string, msgIDs: string[]) => t.ok(userID, MARK_READ, { msgIDs });

describe('one-to-one unread counts', () => {
  it('count the peer’s messages, never the caller’s own, and only markConversationRead clears them', async () => {
    const fromAnn = [await send(t, 'ann', 'C2Cbob', 'a1'), await send(t, 'ann', 'C2Cbob', 'a2', false)];
    fromAnn.push(await send(t, 'ann', 'C2Cbob', 'a3'));
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 3 });
    expect(await unreadCounts(t, 'ann')).toEqual({ C2Cbob: 0 });

    await send(t, 'bob', 'C2Cann', 'b1');
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 3 });
    expect(await unreadCounts(t, 'ann')).toEqual({ C2Cbob: 1 });

    // Read receipts leave the count alone, however many are sent, and twice over.
    await markRead('bob', [fromAnn[0], fromAnn[2]]);
    await markRead('bob', [fromAnn[2]]);
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 3 });

    expect(await markConversationRead('bob', 'C2Cann')).toEqual({ conversationID: 'C2Cann', unreadCount: 0 });
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 0 });
    expect(await unreadCounts(t, 'ann')).toEqual({ C2Cbob: 1 }); // bob's read is his alone
    expect(await markConversationRead('bob', 'C2Cann')).toEqual({ conversationID: 'C2Cann', unreadCount: 0 });

    // Later messages count again; bob's own in between do not.
    await send(t, 'ann', 'C2Cbob', 'a4');
    await send(t, 'bob', 'C2Cann', 'b2');
    await send(t, 'bob', 'C2Cann', 'b3');
    await send(t, 'ann', 'C2Cbob', 'a5', false);
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 2 });
    expect(await unreadCounts(t, 'ann')).toEqual({ C2Cbob: 3 });
    expect(await markConversationRead('ann', 'C2Cbob')).toEqual({ conversationID: 'C2Cbob', unreadCount: 0 });
    expect(await unreadCounts(t, 'bob')).toEqual({ C2Cann: 2 });
  });

  it('a sender who only sends never has anything unread', async () => {
    for (let i = 0; i < 4; i++) await send(t, 'solo', 'C2Cquiet', `s${i}`, i % 2 === 0);
    expect(await unreadCounts(t, 'solo')).toEqual({ C2Cquiet: 0 });
    expect(await unreadCounts(t, 'quiet')).toEqual({ C2Csolo: 4 });
  });
});

describe('group unread counts', () => {
  it('count each member’s messages from others since their own markConversationRead', async () => {
    await createGroup(t, 'own', 'club', ['m1', 'm2', 'm3']);
    const ids: string[] = [];
    for (const from of ['m1', 'm1', 'm2', 'm2', 'm2', 'own']) ids.push(await send(t, from, 'GROUPclub', from));
    const club = async (u: string) => (await unreadCounts(t, u)).GROUPclub;
    expect([await club('own'), await club('m1'), await club('m2'), await club('m3')]).toEqual([5, 4, 3, 6]);

    // Receipts for every message m3 may read: no change to anyone's count.
    await markRead('m3', ids);
    await markRead('m1', [ids[2], ids[3], ids[5]]);
    expect([await club('own'), await club('m1'), await club('m2'), await club('m3')]).toEqual([5, 4, 3, 6]);

    expect(await markConversationRead('m3', 'GROUPclub')).toEqual({ conversationID: 'GROUPclub', unreadCount: 0 });
    expect([await club('own'), await club('m1'), await club('m2'), await club('m3')]).toEqual([5, 4, 3, 0]);

    await send(t, 'm3', 'GROUPclub', 'mine');
    await send(t, 'm1', 'GROUPclub', 'theirs');
    expect([await club('own'), await club('m1'), await club('m2'), await club('m3')]).toEqual([7, 5, 5, 1]);
    await markConversationRead('own', 'GROUPclub');
    await send(t, 'own', 'GROUPclub', 'from the owner');
    expect([await club('own'), await club('m1'), await club('m2'), await club('m3')]).toEqual([0, 6, 6, 2]);
  });

  it('hold for every member through a long mixed sequence (C2C and GROUP)', async () => {
    const users = ['u1', 'u2', 'u3', 'u4'];
    await createGroup(t, 'u1', 'mix', ['u2', 'u3', 'u4']);
    // The model: for each user and conversation, the senders of messages since their last mark.
    const since = new Map<string, string[]>();
    const key = (u: string, conv: string) => `${u}|${conv}`;
    const viewOf = (u: string, conv: string) =>
      conv === 'GROUPmix' ? conv : `C2C${conv.replace(u, '').replace(':', '')}`;
    const convs = ['GROUPmix', 'u1:u2', 'u2:u3'];
    const membersOf = (conv: string) => (conv === 'GROUPmix' ? users : conv.split(':'));
    const received: Record<string, string[]> = {}; // user -> msgIDs others sent them with a receipt
    const exists = new Set(['GROUPmix']); // a one-to-one chat exists for both once either uses it

    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 60; step++) {
      const conv = convs[next(convs.length)];
      const members = membersOf(conv);
      const user = members[next(members.length)];
      const action = next(10);
      if (action < 6 || action >= 8) exists.add(conv);
      if (action < 6) {
        const msgID = await send(t, user, viewOf(user, conv), `step ${step}`);
        for (const m of members) {
          since.set(key(m, conv), [...(since.get(key(m, conv)) ?? []), user]);
          if (m !== user) received[`${m}|${conv}`] = [...(received[`${m}|${conv}`] ?? []), msgID];
        }
      } else if (action < 8) {
        const mine = received[`${user}|${conv}`] ?? [];
        if (mine.length) await markRead(user, mine.slice(-30));
      } else {
        await markConversationRead(user, viewOf(user, conv));
        since.set(key(user, conv), []);
      }
      for (const u of users) {
        const expected: Record<string, number> = {};
        for (const c of convs) {
          if (!membersOf(c).includes(u) || !exists.has(c)) continue;
          expected[viewOf(u, c)] = (since.get(key(u, c)) ?? []).filter((s) => s !== u).length;
        }
        expect({ step, u, counts: await unreadCounts(t, u) }).toEqual({ step, u, counts: expected });
      }
    }
  });
});
