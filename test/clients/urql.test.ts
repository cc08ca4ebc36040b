// urql 6 with its defaults (queries go as GET within the URL limit), and with Graphcache, whose
// normalized cache takes receiptUpdated and conversationUpdated in with no updaters of ours.
import { Client, cacheExchange, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { cacheExchange as graphcache } from '@urql/exchange-graphcache';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ } from '../helpers/operations.ts';
import { createGroup, send } from '../helpers/receipts.ts';
import {
  bearer,
  type Chats,
  DOCUMENTS,
  type History,
  type Receipt,
  startServer,
  strangerPoke,
  untilLive,
  waitFor,
} from './setup.ts';

let t: TestApp;
let url: string;
let wsUrl: string;
const sockets: ReturnType<typeof createClient>[] = [];
beforeAll(async () => {
  ({ t, url, wsUrl } = await startServer());
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await t.stop();
});

/** An urql client as its docs set one up; `methods` records the HTTP method of each request. */
async function urql(userID: string, cache: 'document' | 'graphcache') {
  const authorization = await bearer(t, userID);
  const ws = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization } });
  sockets.push(ws);
  const methods: string[] = [];
  const client = new Client({
    url,
    exchanges: [
      cache === 'document' ? cacheExchange : graphcache({}),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
    fetchOptions: { headers: { authorization } },
    fetch: (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    },
  });
  return { client, methods };
}

const HISTORY = gql(DOCUMENTS.history);
const RECEIPTS = gql(DOCUMENTS.receipts);
const CONVERSATIONS = gql(DOCUMENTS.conversations);
const UPDATES = gql(DOCUMENTS.updates);

/** Starts a subscription and collects its data. */
function collect<T>(client: Client, query: typeof RECEIPTS) {
  const events: T[] = [];
  const { unsubscribe } = client.subscription(query, {}).subscribe((result) => {
    if (result.error) throw result.error;
    events.push(result.data as T);
  });
  return { events, unsubscribe };
}

describe('urql with its defaults', () => {
  it('sends queries as GET, and they are answered (no CSRF refusal for bearer requests)', async () => {
    await createGroup(t, 'ann', 'urql', ['ben', 'cy']);
    const msgID = await send(t, 'ann', 'GROUPurql', 'hello');
    const { client, methods } = await urql('ann', 'document');
    const result = await client.query<History>(HISTORY, { conversationID: 'GROUPurql' }).toPromise();
    expect(result.error).toBeUndefined();
    expect(methods).toEqual(['GET']);
    expect(result.data?.messages.edges[0].node).toMatchObject({ msgID, receipt: { readCount: 0, unreadCount: 2 } });

    const live = collect<{ receiptUpdated: Receipt }>(client, RECEIPTS);
    await untilLive(() => live.events.length > 0, strangerPoke(t, 'ann'));
    await t.ok('ben', MARK_READ, { msgIDs: [msgID] });
    await waitFor(() => live.events.some((e) => e.receiptUpdated.msgID === msgID));
    expect(live.events.find((e) => e.receiptUpdated.msgID === msgID)?.receiptUpdated).toMatchObject({ readCount: 1 });
    live.unsubscribe();
  });

  it('a failed GET carries extensions.code', async () => {
    const { client, methods } = await urql('ann', 'document');
    const result = await client.query(HISTORY, { conversationID: 'GROUPnope' }).toPromise();
    expect(methods).toEqual(['GET']);
    expect(result.error?.graphQLErrors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('urql with Graphcache', () => {
  it('merges receiptUpdated into the cached Message.receipt', async () => {
    const msgID = await send(t, 'ann', 'GROUPurql', 'second');
    const { client } = await urql('ann', 'graphcache');
    const variables = { conversationID: 'GROUPurql' };
    await client.query<History>(HISTORY, variables).toPromise();
    const cached = () =>
      client.readQuery<History>(HISTORY, variables)?.data?.messages.edges.find((e) => e.node.msgID === msgID)?.node
        .receipt;
    expect(cached()).toMatchObject({ readCount: 0, unreadCount: 2 });

    const live = collect<{ receiptUpdated: Receipt }>(client, RECEIPTS);
    await untilLive(() => live.events.length > 0, strangerPoke(t, 'ann'));
    await t.ok('cy', MARK_READ, { msgIDs: [msgID] });
    await waitFor(() => cached()?.readCount === 1);
    expect(cached()).toMatchObject({ readCount: 1, unreadCount: 1 });
    live.unsubscribe();
  });

  it('merges conversationUpdated into cached unread counts', async () => {
    await send(t, 'dan', 'C2Ceve', 'one');
    const { client } = await urql('eve', 'graphcache');
    await client.query<Chats>(CONVERSATIONS, {}).toPromise();
    const unread = () =>
      client
        .readQuery<Chats>(CONVERSATIONS, {})
        ?.data?.conversations.edges.find((e) => e.node.conversationID === 'C2Cdan')?.node.unreadCount;
    expect(unread()).toBe(1);
    const live = collect(client, UPDATES);
    await untilLive(
      () => live.events.length > 0,
      () => send(t, 'dan', 'C2Ceve', 'poke'),
    );
    await waitFor(() => (unread() ?? 0) > 1);
    await t.ok('eve', MARK_CONVERSATION_READ, { conversationID: 'C2Cdan' });
    await waitFor(() => unread() === 0);
    live.unsubscribe();
  });
});
