// `me`: a selection of the caller's id alone is answered from the verified token with no SQL
// (the row exists: the first request creates it); anything more reads the row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', 'mutation { updateProfile(nickname: "Al") { userID } }');
});
afterAll(() => t.stop());

/** The data of one operation as alice, and how many SQL statements it ran. */
async function measured(query: string, variables?: Record<string, unknown>) {
  t.sql.length = 0;
  const data = await t.ok('alice', query, variables);
  return { data, statements: t.sql.length };
}

const globalId = (userID: string) => Buffer.from(`User:${userID}`).toString('base64');

describe('me', () => {
  it('answers id, userID and __typename without a read, however they are spelled', async () => {
    const queries = [
      '{ me { userID } }',
      '{ me { id userID __typename } }',
      '{ me { ... on User { userID } } }',
      'query { me { ...Who } } fragment Who on User { id }',
      'query($more: Boolean!) { me { userID nickname @include(if: $more) } }',
    ];
    for (const query of queries) {
      const { data, statements } = await measured(query, { more: false });
      expect(data.me).not.toHaveProperty('nickname');
      if ('userID' in data.me) expect(data.me.userID).toBe('alice');
      if ('id' in data.me) expect(data.me.id).toBe(globalId('alice'));
      expect(statements, query).toBe(0);
    }
  });

  it('reads the row for any other field, in any spelling', async () => {
    const queries = [
      '{ me { userID nickname } }',
      'query { me { userID ...More } } fragment More on User { nickname }',
      'query($more: Boolean!) { me { userID nickname @include(if: $more) } }',
      '{ me { ... on User { nickname } } }',
    ];
    for (const query of queries) {
      const { data, statements } = await measured(query, { more: true });
      expect(data.me.nickname, query).toBe('Al');
      expect(statements, query).toBeGreaterThan(0);
    }
  });

  it('creates the row of a first-time caller, whose other fields then read as usual', async () => {
    expect(await t.db.user.findUnique({ where: { id: 'newcomer' } })).toBeNull();
    expect(await t.ok('newcomer', '{ me { userID } }')).toEqual({ me: { userID: 'newcomer' } });
    expect(await t.db.user.findUnique({ where: { id: 'newcomer' } })).not.toBeNull();
    expect(await t.ok('newcomer', '{ me { readReceiptsEnabled } }')).toEqual({ me: { readReceiptsEnabled: true } });
  });

  it('still needs a token', async () => {
    const result = await t.gql(null, '{ me { userID } }');
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
