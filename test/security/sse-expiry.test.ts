// A subscription over server-sent events ends when its token expires, as a WebSocket closes
// (tokens.test.ts): the stream's last event is UNAUTHENTICATED, then it ends. A stream opened
// with a long token, beside it, keeps delivering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ } from '../helpers/operations.ts';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await startTestApp();
  url = await t.app.start(0);
});
afterAll(() => t.stop());

type SseEvent = {
  data?: { receiptUpdated: { conversationID: string } };
  errors?: { extensions?: { code?: string } }[];
};

/** receiptUpdated over SSE: the events so far, and a promise for the stream's end. */
async function openStream(authorization: string) {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    signal: abort.signal,
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: 'subscription { receiptUpdated { conversationID } }' }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: SseEvent[] = [];
  const reader = response.body!.getReader();
  const ended = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += new TextDecoder().decode(value);
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (data && data.length > 5) events.push(JSON.parse(data.slice(5)));
      }
    }
  })();
  return { events, ended, close: () => abort.abort() };
}

const receipts = (events: SseEvent[]) => events.filter((e) => e.data?.receiptUpdated);

/** A stranger reads their chat with alice: alice's unfiltered streams each get one event. */
const poke = () => t.ok('zz-stranger', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });

async function pokeUntil(done: () => boolean) {
  for (let i = 0; i < 100 && !done(); i++) {
    await poke();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('subscriptions over SSE and token expiry', () => {
  it('ends a stream when its token expires; a stream with a long token keeps delivering', async () => {
    const short = await openStream(`Bearer ${await t.token('alice', '6s')}`);
    const long = await openStream(`Bearer ${await t.token('alice', '1h')}`);
    let shortEnded = false;
    void short.ended.then(() => {
      shortEnded = true;
    });
    await pokeUntil(() => (shortEnded || receipts(short.events).length > 0) && receipts(long.events).length > 0);
    expect(receipts(short.events).length).toBeGreaterThan(0);

    // No sleeping for the expiry: the short stream's end is the event waited for.
    await short.ended;
    expect(short.events.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const shortCount = receipts(short.events).length;

    const before = receipts(long.events).length;
    await pokeUntil(() => receipts(long.events).length > before);
    expect(receipts(long.events).length).toBeGreaterThan(before);
    expect(receipts(short.events).length).toBe(shortCount);
    long.close();
  }, 60_000);
});
