// Apollo Client 4 with a default InMemoryCache and a graphql-ws link: live events land in the
// cached query with no cache code of ours (MessageReceipt and Conversation have ids).
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ } from '../helpers/operations.ts';
import { createGroup, send } from '../helpers/receipts.ts';
import { bearer, type Chats, DOCUMENTS, type History, startServer, strangerPoke, untilLive, waitFor } from './setup.ts';

let t: TestApp;
let url: string;
let wsUrl: string;
const clients: ApolloClient[] = [];
beforeAll(async () => {
  ({ t, url, wsUrl } = await startServer());
});
afterAll(async () => {
  for (const client of clients) client.stop();
  await t.stop();
});

async function apollo(userID: string) {
  const authorization = await bearer(t, userID);
  const ws = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization } });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: url, headers: { authorization } }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  clients.push(client);
  return client;
}

const HISTORY = gql(DOCUMENTS.history);
const RECEIPTS = gql(DOCUMENTS.receipts);
const CONVERSATIONS = gql(DOCUMENTS.conversations);
const UPDATES = gql(DOCUMENTS.updates);

describe('Apollo Client, default InMemoryCache', () => {
  it('merges receiptUpdated into the Message.receipt it cached earlier', async () => {
    await createGroup(t, 'alice', 'apollo', ['bob', 'carol']);
    const msgID = await send(t, 'alice', 'GROUPapollo', 'hello');
    const client = await apollo('alice');
    const variables = { conversationID: 'GROUPapollo' };
    const first = await client.query<History>({ query: HISTORY, variables });
    expect(first.data?.messages.edges[0].node.receipt).toMatchObject({ readCount: 0, unreadCount: 2 });

    const events: { receiptUpdated: { msgID: string | null } }[] = [];
    const subscription = client.subscribe<{ receiptUpdated: { msgID: string | null } }>({ query: RECEIPTS }).subscribe({
      next: (result) => result.data && events.push(result.data),
    });
    await untilLive(() => events.length > 0, strangerPoke(t, 'alice'));
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    await waitFor(() => events.some((e) => e.receiptUpdated.msgID === msgID));

    // Read from the cache only: the figures are the new ones.
    const cached = client.readQuery<History>({ query: HISTORY, variables });
    expect(cached?.messages.edges[0].node.receipt).toMatchObject({ readCount: 1, unreadCount: 1 });
    subscription.unsubscribe();
  });

  it('merges conversationUpdated into cached unread counts', async () => {
    await send(t, 'dave', 'C2Cerin', 'one');
    const client = await apollo('erin');
    await client.query<Chats>({ query: CONVERSATIONS });
    const unread = () =>
      client
        .readQuery<Chats>({ query: CONVERSATIONS })
        ?.conversations.edges.find((e) => e.node.conversationID === 'C2Cdave')?.node.unreadCount;
    expect(unread()).toBe(1);

    const events: unknown[] = [];
    const subscription = client.subscribe({ query: UPDATES }).subscribe({ next: (r) => events.push(r.data) });
    // Each poke (a message from dave) moves the count; the cache follows without a refetch.
    await untilLive(
      () => events.length > 0,
      () => send(t, 'dave', 'C2Cerin', 'poke'),
    );
    await waitFor(() => (unread() ?? 0) > 1);
    // erin reads the chat on another device: this client's cached count drops to 0.
    await t.ok('erin', MARK_CONVERSATION_READ, { conversationID: 'C2Cdave' });
    await waitFor(() => unread() === 0);
    expect(unread()).toBe(0);
    subscription.unsubscribe();
  });
});
