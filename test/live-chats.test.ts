// messageAdded and conversationUpdated over graphql-ws: live chats without polling, only for members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { ADD_MEMBERS, MARK_CONVERSATION_READ, REMOVE_MEMBERS } from './helpers/operations.ts';
import { createGroup, send } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const MESSAGE_ADDED = `subscription($conversationID: String) { messageAdded(conversationID: $conversationID) {
  msgID conversationID text isSelf readByMe sender { userID } } }`;
const CONVERSATION_UPDATED = `subscription { conversationUpdated { conversationID unreadCount peerReadAt } }`;

type Added = { msgID: string; conversationID: string; text: string; isSelf: boolean; readByMe: boolean };

/**
 * Subscribes, then repeats `poke` until an event it caused arrives (graphql-ws acknowledges
 * nothing per subscribe). Returns the stream with the poke events counted in.
 */
async function live<T>(
  userID: string,
  query: string,
  variables: Record<string, unknown>,
  poke: () => Promise<unknown>,
) {
  const sub = subscribe<T>(await t.wsClient(userID), query, variables);
  for (let attempt = 0; sub.events.length === 0; attempt++) {
    if (sub.error) throw new Error(JSON.stringify(sub.error));
    if (attempt > 40) throw new Error('subscription never became live');
    await poke();
    await sub.next(1, 250).catch(() => {});
  }
  return sub;
}

/** The texts of messageAdded events, less the pokes (a late one may land after the stream is live). */
const texts = (events: { data?: { messageAdded: Added } | null }[]) =>
  events.map((e) => e.data?.messageAdded.text).filter((text) => text !== 'poke');

describe('messageAdded', () => {
  it("delivers new messages of all the caller's chats, one-to-one and group, own ones included", async () => {
    await createGroup(t, 'ada', 'team', ['ben', 'cat']);
    const sub = await live<{ messageAdded: Added }>('ben', MESSAGE_ADDED, {}, () => send(t, 'ada', 'C2Cben', 'poke'));
    const start = sub.events.length;
    await send(t, 'ada', 'GROUPteam', 'to the team');
    await send(t, 'ben', 'C2Cada', 'from ben');
    await send(t, 'cat', 'C2Cada', 'not for ben');
    await send(t, 'cat', 'GROUPteam', 'cat to the team');
    const wanted = ['to the team', 'from ben', 'cat to the team'];
    while (texts(sub.events.slice(start)).length < wanted.length) await sub.next(sub.events.length + 1);
    expect(texts(sub.events.slice(start))).toEqual(wanted);
    const byText = (text: string) => sub.events.find((e) => e.data?.messageAdded.text === text)?.data?.messageAdded;
    expect(byText('to the team')).toMatchObject({ conversationID: 'GROUPteam', isSelf: false, readByMe: false });
    expect(byText('from ben')).toMatchObject({ conversationID: 'C2Cada', isSelf: true, readByMe: true });
    sub.dispose();
  });

  it('narrows to one chat with conversationID', async () => {
    const sub = await live<{ messageAdded: Added }>('cat', MESSAGE_ADDED, { conversationID: 'C2Cada' }, () =>
      send(t, 'ada', 'C2Ccat', 'poke'),
    );
    const start = sub.events.length;
    await send(t, 'ada', 'GROUPteam', 'group: not in this stream');
    await send(t, 'ada', 'C2Ccat', 'direct');
    while (texts(sub.events.slice(start)).length < 1) await sub.next(sub.events.length + 1);
    expect(texts(sub.events.slice(start))).toEqual(['direct']);
    sub.dispose();
  });

  it('refuses a non-member, and a member who leaves stops hearing the group', async () => {
    const refused = subscribe(await t.wsClient('eve'), MESSAGE_ADDED, { conversationID: 'GROUPteam' });
    const [first] = await refused.next(1);
    expect(first.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // eve listens to all her chats, joins the team (her open stream picks the group up), then leaves.
    const sub = await live<{ messageAdded: Added }>('eve', MESSAGE_ADDED, {}, () => send(t, 'ada', 'C2Ceve', 'poke'));
    await t.ok('ada', ADD_MEMBERS, { groupID: 'team', userIDs: ['eve'] });
    const heard = () => texts(sub.events);
    for (let i = 0; i < 40 && !heard().includes('welcome eve'); i++) {
      await send(t, 'ada', 'GROUPteam', 'welcome eve');
      await sub.next(sub.events.length + 1, 250).catch(() => {});
    }
    expect(heard()).toContain('welcome eve');
    await t.ok('eve', REMOVE_MEMBERS, { groupID: 'team', userIDs: ['eve'] });
    await send(t, 'ada', 'GROUPteam', 'after eve left');
    // Control: a one-to-one message sent after it still arrives; the group message never does.
    await send(t, 'ada', 'C2Ceve', 'direct after leaving');
    while (!heard().includes('direct after leaving')) await sub.next(sub.events.length + 1);
    expect(heard()).not.toContain('after eve left');
    sub.dispose();
  });
});

describe('conversationUpdated', () => {
  type Update = { conversationUpdated: { conversationID: string; unreadCount: number; peerReadAt: string | null } };

  it('tells a user of new messages (unread count), of their own read on another device, and of the peer read time', async () => {
    const sub = await live<Update>('gil', CONVERSATION_UPDATED, {}, () => send(t, 'hana', 'C2Cgil', 'poke'));
    /** Waits for the next event after `seen` events and returns it. */
    const nextAfter = async (seen: number) => (await sub.next(seen + 1))[seen].data?.conversationUpdated;

    // gil reads the chat on another device (an HTTP call): this stream hears unreadCount 0.
    await sub.next(1);
    let seen = sub.events.length;
    await t.ok('gil', MARK_CONVERSATION_READ, { conversationID: 'C2Chana' });
    // Poke events still on their way resolve to the state at delivery, so look for the read.
    let update = await nextAfter(seen);
    while (update?.unreadCount !== 0) update = await nextAfter(++seen);
    expect(update).toMatchObject({ conversationID: 'C2Chana', unreadCount: 0, peerReadAt: null });

    seen = sub.events.length;
    await send(t, 'hana', 'C2Cgil', 'one more');
    expect(await nextAfter(seen)).toMatchObject({ conversationID: 'C2Chana', unreadCount: 1, peerReadAt: null });

    // hana reads it: gil's peerReadAt moves.
    seen = sub.events.length;
    await t.ok('hana', MARK_CONVERSATION_READ, { conversationID: 'C2Cgil' });
    const peerRead = await nextAfter(seen);
    expect(peerRead?.conversationID).toBe('C2Chana');
    expect(peerRead?.peerReadAt).not.toBeNull();
    sub.dispose();
  });

  it('does not reach users outside the chat', async () => {
    const sub = await live<Update>('ivo', CONVERSATION_UPDATED, {}, () => send(t, 'jan', 'C2Civo', 'poke'));
    const start = sub.events.length;
    await send(t, 'hana', 'C2Cgil', 'private');
    await t.ok('gil', MARK_CONVERSATION_READ, { conversationID: 'C2Chana' });
    // Control: ivo's own chat still reaches him, after the others.
    await send(t, 'jan', 'C2Civo', 'for ivo');
    const events = (await sub.next(start + 1)).slice(start);
    expect(events.map((e) => e.data?.conversationUpdated.conversationID)).toEqual(['C2Cjan']);
    sub.dispose();
  });
});
