// What the client tests share: a real server on a real port, and a "poke" to know a
// subscription is live (no protocol acknowledges a subscribe): a stranger marks their chat with
// the user read, which sends that user a conversation-level receiptUpdated every time.
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ } from '../helpers/operations.ts';

export async function startServer() {
  const t = await startTestApp();
  const url = await t.app.start(0);
  return { t, url, wsUrl: url.replace('http', 'ws') };
}

export const bearer = async (t: TestApp, userID: string) => `Bearer ${await t.token(userID)}`;

/** Repeats `poke` until `arrived()` holds (the subscription is live), at most ~10 s. */
export async function untilLive(arrived: () => boolean, poke: () => Promise<unknown>) {
  for (let attempt = 0; !arrived(); attempt++) {
    if (attempt > 40) throw new Error('the subscription never became live');
    await poke();
    await waitFor(arrived, 250).catch(() => {});
  }
}

export const strangerPoke = (t: TestApp, userID: string) => () =>
  t.ok('zz-probe', MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` });

/** Polls `condition` every 20 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The operations a chat screen runs, as each client's gql tag takes them (a string). */
export const DOCUMENTS = {
  history: `query History($conversationID: String!) {
    messages(conversationID: $conversationID, first: 10) {
      edges { node { id msgID text receipt { id readCount unreadCount isPeerRead } } }
    }
  }`,
  receipts: 'subscription Receipts { receiptUpdated { id msgID readCount unreadCount isPeerRead } }',
  conversations: 'query Chats { conversations(first: 20) { edges { node { id conversationID unreadCount } } } }',
  updates: 'subscription Updates { conversationUpdated { id conversationID unreadCount } }',
};

export type Receipt = { msgID: string | null; readCount: number; unreadCount: number };
export type History = { messages: { edges: { node: { msgID: string; receipt: Receipt } }[] } };
export type Chats = { conversations: { edges: { node: { conversationID: string; unreadCount: number } }[] } };
