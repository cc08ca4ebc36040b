// Receipt audiences as members come and go. A small model says what every list and count must
// be; after each step the sender's view of every message is checked against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { ADD_MEMBERS, MARK_READ, REMOVE_MEMBERS } from './helpers/operations.ts';
import { counts, createGroup, listAll, send, unreadCounts } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

type Msg = { id: string; sender: string; audience: Set<string>; read: string[] };

/** One group as the contract describes it, driven through the real API. */
class Group {
  readonly id: string;
  readonly owner: string;
  members: Set<string>;
  msgs: Msg[] = [];
  constructor(id: string, owner: string, others: string[]) {
    this.id = id;
    this.owner = owner;
    this.members = new Set([owner, ...others]);
  }
  static async create(id: string, owner: string, others: string[]) {
    await createGroup(t, owner, id, others);
    return new Group(id, owner, others);
  }
  async send(from: string) {
    const id = await send(t, from, `GROUP${this.id}`, `from ${from}`);
    const msg = { id, sender: from, audience: new Set([...this.members].filter((m) => m !== from)), read: [] };
    this.msgs.push(msg);
    return msg;
  }
  async read(userID: string, msg: Msg) {
    const data = await t.ok(userID, MARK_READ, { msgIDs: [msg.id] });
    expect(data.markRead).toMatchObject([{ msgID: msg.id, groupID: this.id, isPeerRead: true }]);
    if (msg.audience.has(userID) && !msg.read.includes(userID)) msg.read.push(userID);
  }
  async add(by: string, userIDs: string[]) {
    const data = await t.ok(by, ADD_MEMBERS, { groupID: this.id, userIDs });
    for (const u of userIDs) this.members.add(u);
    expect(data.addGroupMembers.memberCount).toBe(this.members.size);
  }
  async remove(by: string, userIDs: string[]) {
    const data = await t.ok(by, REMOVE_MEMBERS, { groupID: this.id, userIDs });
    for (const u of userIDs) {
      this.members.delete(u);
      for (const m of this.msgs) {
        m.audience.delete(u);
        m.read = m.read.filter((r) => r !== u);
      }
    }
    expect(data.removeGroupMembers.memberCount).toBe(this.members.size);
  }
  /** Every message: counts, the READ list in reading order, the UNREAD list by userID. */
  async audit() {
    for (const m of this.msgs) {
      const unread = [...m.audience].filter((u) => !m.read.includes(u)).sort();
      expect(await counts(t, m.sender, m.id)).toEqual({ readCount: m.read.length, unreadCount: unread.length });
      expect(await listAll(t, m.sender, m.id, 'READ')).toEqual(m.read);
      expect(await listAll(t, m.sender, m.id, 'UNREAD')).toEqual(unread);
    }
  }
}

describe('the audience of a group message', () => {
  it('is the members at send time, less the sender', async () => {
    const g = await Group.create('g1', 'owner', ['amy', 'bo', 'cy']);
    const first = await g.send('owner');
    const second = await g.send('bo');
    expect(await counts(t, 'owner', first.id)).toEqual({ readCount: 0, unreadCount: 3 });
    expect(await listAll(t, 'bo', second.id, 'UNREAD')).toEqual(['amy', 'cy', 'owner']);
    await g.read('cy', first);
    await g.read('owner', second);
    await g.read('amy', second);
    expect(await listAll(t, 'bo', second.id, 'READ')).toEqual(['owner', 'amy']);
    await g.audit();
  });

  it('leaves out a member who joined later: they may markRead without error but are not counted', async () => {
    const g = await Group.create('g2', 'owner', ['amy', 'bo']);
    const msg = await g.send('owner');
    await g.read('amy', msg);
    await g.add('bo', ['late']);
    await g.read('late', msg);
    expect(await counts(t, 'owner', msg.id)).toEqual({ readCount: 1, unreadCount: 1 });
    expect(await listAll(t, 'owner', msg.id, 'READ')).toEqual(['amy']);
    expect(await listAll(t, 'owner', msg.id, 'UNREAD')).toEqual(['bo']);
    // Messages sent after they joined do count them.
    const next = await g.send('owner');
    expect(await listAll(t, 'owner', next.id, 'UNREAD')).toEqual(['amy', 'bo', 'late']);
    await g.read('late', next);
    await g.audit();
  });
});

describe('members who leave', () => {
  it('drop out of both lists, so read + unread is always the current audience', async () => {
    const g = await Group.create('g3', 'owner', ['amy', 'bo', 'cy', 'dee', 'eve']);
    const a = await g.send('owner');
    const b = await g.send('cy');
    for (const u of ['amy', 'bo', 'owner']) await g.read(u, b);
    for (const u of ['bo', 'dee']) await g.read(u, a);
    await g.audit();

    // bo had read both messages; eve had read neither.
    await g.remove('owner', ['bo']);
    expect(await counts(t, 'owner', a.id)).toEqual({ readCount: 1, unreadCount: 3 });
    expect(await counts(t, 'cy', b.id)).toEqual({ readCount: 2, unreadCount: 2 });
    await g.audit();
    await g.remove('eve', ['eve']); // any member may leave on their own
    expect(await counts(t, 'owner', a.id)).toEqual({ readCount: 1, unreadCount: 2 });
    expect(await listAll(t, 'owner', a.id, 'UNREAD')).toEqual(['amy', 'cy']);
    await g.audit();

    // Reads after the leaves still count for those who stayed.
    await g.read('amy', a);
    await g.read('dee', b);
    expect(await counts(t, 'cy', b.id)).toEqual({ readCount: 3, unreadCount: 0 });
    await g.audit();
  });

  it('do not rejoin the audience of old messages when they come back', async () => {
    const g = await Group.create('g4', 'owner', ['amy', 'bo']);
    const old = await g.send('owner');
    await g.read('bo', old);
    await g.remove('owner', ['bo', 'amy']);
    expect(await counts(t, 'owner', old.id)).toEqual({ readCount: 0, unreadCount: 0 });
    await g.add('owner', ['bo', 'amy']);
    await g.read('bo', old); // allowed, but not counted
    expect(await counts(t, 'owner', old.id)).toEqual({ readCount: 0, unreadCount: 0 });
    expect(await listAll(t, 'owner', old.id, 'READ')).toEqual([]);
    expect(await listAll(t, 'owner', old.id, 'UNREAD')).toEqual([]);
    const fresh = await g.send('owner');
    await g.read('bo', fresh);
    expect(await counts(t, 'owner', fresh.id)).toEqual({ readCount: 1, unreadCount: 1 });
    await g.audit();
    // Leaving a second time takes them out of the newer message only.
    await g.remove('bo', ['bo']);
    expect(await counts(t, 'owner', fresh.id)).toEqual({ readCount: 0, unreadCount: 1 });
    expect(await counts(t, 'owner', old.id)).toEqual({ readCount: 0, unreadCount: 0 });
    await g.audit();
  });

  it("a sender who leaves keeps their message's figures", async () => {
    const g = await Group.create('g5', 'owner', ['amy', 'bo', 'cy']);
    const msg = await g.send('amy');
    await g.read('bo', msg);
    await g.remove('amy', ['amy']);
    expect(await counts(t, 'amy', msg.id)).toEqual({ readCount: 1, unreadCount: 2 });
    await g.read('owner', msg);
    expect(await counts(t, 'amy', msg.id)).toEqual({ readCount: 2, unreadCount: 1 });
    expect(await listAll(t, 'amy', msg.id, 'READ')).toEqual(['bo', 'owner']);
    expect(await listAll(t, 'amy', msg.id, 'UNREAD')).toEqual(['cy']);
    await g.audit();
  });
});

describe('adding members', () => {
  it('is idempotent for existing members: they keep their place in old audiences', async () => {
    const g = await Group.create('g6', 'owner', ['amy', 'bo']);
    const msg = await g.send('owner');
    await g.read('amy', msg);
    await g.add('amy', ['amy', 'bo', 'owner']);
    await g.add('owner', ['bo', 'cy']); // one existing, one new
    expect(await counts(t, 'owner', msg.id)).toEqual({ readCount: 1, unreadCount: 1 });
    expect(await listAll(t, 'owner', msg.id, 'UNREAD')).toEqual(['bo']);
    await g.read('bo', msg);
    await g.read('cy', msg);
    expect(await counts(t, 'owner', msg.id)).toEqual({ readCount: 2, unreadCount: 0 });
    await g.audit();
  });

  it('new members start with unreadCount 0, and count messages sent after they join', async () => {
    const g = await Group.create('g7', 'owner', ['amy']);
    await g.send('owner');
    await g.send('amy');
    expect((await unreadCounts(t, 'amy')).GROUPg7).toBe(1);
    await g.add('amy', ['newbie']);
    expect((await unreadCounts(t, 'newbie')).GROUPg7).toBe(0);
    await g.send('amy');
    await g.send('owner');
    expect((await unreadCounts(t, 'newbie')).GROUPg7).toBe(2);
    // Leaving and coming back starts from zero again.
    await g.remove('newbie', ['newbie']);
    expect((await unreadCounts(t, 'newbie')).GROUPg7).toBeUndefined();
    await g.add('owner', ['newbie']);
    expect((await unreadCounts(t, 'newbie')).GROUPg7).toBe(0);
    await g.audit();
  });
});
