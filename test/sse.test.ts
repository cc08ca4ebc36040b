// receiptUpdated also streams over plain HTTP as server-sent events (Yoga's SSE transport).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { CREATE_GROUP, MARK_READ, RECEIPT_UPDATED, SEND } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('receiptUpdated over SSE', () => {
  it('streams a group receipt to the sender', async () => {
    await t.ok('alice', CREATE_GROUP, { groupID: 'sse', name: 'SSE', type: 'WORK', memberIDs: ['bob'] });
    await t.ok('alice', SEND, {
      conversationID: 'GROUPsse',
      text: 'hi',
      needReadReceipt: true,
    });
    const url = await t.app.start(0);
    const abort = new AbortController();
    const response = await fetch(url, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${await t.token('alice')}`,
      },
      body: JSON.stringify({ query: RECEIPT_UPDATED, variables: { conversationID: 'GROUPsse' } }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    // The stream has no per-subscription acknowledgement: keep producing receipts until one arrives.
    const sent: string[] = [];
    let streaming = true;
    const producer = (async () => {
      while (streaming) {
        const { sendMessage } = await t.ok('alice', SEND, {
          conversationID: 'GROUPsse',
          text: 'hi',
          needReadReceipt: true,
        });
        sent.push(sendMessage.msgID);
        await t.ok('bob', MARK_READ, { msgIDs: [sendMessage.msgID] });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    let text = '';
    while (!text.includes('"receiptUpdated"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    streaming = false;
    await producer;
    abort.abort();
    const line = text.split('\n').find((l) => l.startsWith('data:') && l.includes('receiptUpdated'))!;
    const receipt = JSON.parse(line.slice(5)).data.receiptUpdated;
    expect(sent).toContain(receipt.msgID);
    expect(receipt).toMatchObject({
      groupID: 'sse',
      readCount: 1,
      unreadCount: 0,
    });
  });
});
