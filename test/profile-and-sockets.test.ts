// updateProfile (nickname, faceURL) and the connectionParams spellings graphql-ws clients use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { CREATE_GROUP, MARK_READ, READ_MEMBERS, SEND } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const UPDATE = `mutation($nickname: String, $faceURL: String) {
  updateProfile(nickname: $nickname, faceURL: $faceURL) { userID nickname faceURL } }`;

describe('updateProfile', () => {
  it('sets, keeps and clears the nickname and faceURL', async () => {
    const set = await t.ok('amy', UPDATE, { nickname: '  Amy A.  ', faceURL: 'https://example.com/amy.png' });
    expect(set.updateProfile).toEqual({ userID: 'amy', nickname: 'Amy A.', faceURL: 'https://example.com/amy.png' });
    // Left out: unchanged. Null: cleared.
    const kept = await t.ok('amy', UPDATE, { nickname: 'Amy' });
    expect(kept.updateProfile.faceURL).toBe('https://example.com/amy.png');
    const cleared = await t.ok('amy', UPDATE, { faceURL: null });
    expect(cleared.updateProfile).toEqual({ userID: 'amy', nickname: 'Amy', faceURL: null });
  });

  it('refuses bad values with BAD_USER_INPUT and writes nothing', async () => {
    await t.ok('bea', UPDATE, { nickname: 'Bea', faceURL: 'http://example.com/b.png' });
    for (const [variables, argumentName] of [
      [{ nickname: 'x'.repeat(65) }, 'nickname'],
      [{ nickname: '   ' }, 'nickname'],
      [{ faceURL: 'javascript:alert(1)' }, 'faceURL'],
      [{ faceURL: 'data:image/png;base64,AAAA' }, 'faceURL'],
      [{ faceURL: 'ftp://example.com/b.png' }, 'faceURL'],
      [{ faceURL: `https://example.com/${'a'.repeat(500)}` }, 'faceURL'],
      [{ nickname: 'New name', faceURL: 'not a url' }, 'faceURL'],
      [{ faceURL: 'https://' }, 'faceURL'],
    ] as const) {
      const result = await t.gql('bea', UPDATE, variables);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
    const me = await t.ok('bea', 'query { me { nickname faceURL } }');
    expect(me.me).toEqual({ nickname: 'Bea', faceURL: 'http://example.com/b.png' });
  });

  it("shows nicknames and avatars in readMembers, as the seeds' member lists do", async () => {
    await t.ok('cal', CREATE_GROUP, { groupID: 'prof', name: 'P', type: 'WORK', memberIDs: ['amy', 'bea'] });
    const sent = await t.ok('cal', SEND, { conversationID: 'GROUPprof', text: 'hi', needReadReceipt: true });
    await t.ok('amy', MARK_READ, { msgIDs: [sent.sendMessage.msgID] });
    const query = READ_MEMBERS.replace('node { userID }', 'node { userID nickname faceURL }');
    const read = await t.ok('cal', query, { msgID: sent.sendMessage.msgID, filter: 'READ' });
    expect(read.readMembers.edges[0].node).toEqual({ userID: 'amy', nickname: 'Amy', faceURL: null });
    const unread = await t.ok('cal', query, { msgID: sent.sendMessage.msgID, filter: 'UNREAD' });
    expect(unread.readMembers.edges[0].node).toEqual({
      userID: 'bea',
      nickname: 'Bea',
      faceURL: 'http://example.com/b.png',
    });
  });
});

describe('graphql-ws connectionParams', () => {
  const ME = 'subscription { receiptUpdated { msgID } }';
  const QUERY = 'query { me { userID } }';

  /** Runs `me` over a socket opened with these params; returns the userID or the error code/close code. */
  async function whoAmI(params: Record<string, unknown>) {
    const client = await t.wsClient(null, params);
    return new Promise<string>((resolve) => {
      client.subscribe(
        { query: QUERY },
        {
          next: (r) => resolve((r.data?.me as { userID: string })?.userID ?? String(r.errors?.[0].extensions?.code)),
          error: (e) => resolve(`error:${(e as CloseEvent).code ?? JSON.stringify(e)}`),
          complete: () => {},
        },
      );
    });
  }

  it('accepts authorization, Authorization, headers.Authorization and authToken, with or without Bearer', async () => {
    const token = await t.token('dan');
    for (const params of [
      { authorization: `Bearer ${token}` },
      { authorization: token },
      { Authorization: `Bearer ${token}` },
      { Authorization: token },
      { headers: { Authorization: `Bearer ${token}` } },
      { headers: { authorization: token } },
      { authToken: token },
      { authToken: `Bearer ${token}` },
    ]) {
      expect(await whoAmI(params), JSON.stringify(Object.keys(params))).toBe('dan');
    }
    // And subscriptions work on such a socket.
    const sub = subscribe(await t.wsClient(null, { authToken: token }), ME);
    expect(sub.error).toBeUndefined();
    sub.dispose();
  });

  it('still refuses a bad token in every spelling, and no token is signed out', async () => {
    const forged = `${await t.token('dan')}x`;
    for (const params of [
      { authorization: `Bearer ${forged}` },
      { Authorization: forged },
      { headers: { Authorization: forged } },
      { authToken: forged },
    ]) {
      expect(await whoAmI(params)).toBe('error:4403');
    }
    expect(await whoAmI({})).toBe('UNAUTHENTICATED');
  });
});
