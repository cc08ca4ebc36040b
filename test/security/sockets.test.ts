// WebSocket limits, each attack beside an honest socket: frames over MAX_REQUEST_BYTES close
// the socket (1009) from the frame header; subscriptions per socket and sockets per user are
// capped; a socket that stops reading is dropped at WS_MAX_BUFFERED_BYTES while others carry on.
import type { Socket } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, subscribe, type TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ, RECEIPT_UPDATED } from '../helpers/operations.ts';

const MAX_REQUEST_BYTES = 20_000;
const MAX_BUFFERED = 64 * 1024;
let t: TestApp;
let wsUrl: string;
beforeAll(async () => {
  t = await startTestApp({
    MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
    MAX_SOCKETS_PER_USER: '2',
    WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
  });
  wsUrl = (await t.app.start(0)).replace('http', 'ws');
});
afterAll(() => t.stop());

/** A graphql-transport-ws socket by hand: every message it got, and its close code. */
function rawSocket() {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  let bytes = 0;
  socket.on('message', (data) => {
    bytes += (data as Buffer).length;
    messages.push(JSON.parse(String(data)));
  });
  const opened = new Promise((resolve) => socket.once('open', resolve));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  /** Waits until `test` holds, running `each` (a poke) every round. */
  const until = async (test: () => boolean, each?: () => Promise<unknown>) => {
    for (let i = 0; i < 200 && !test(); i++) {
      await each?.();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(test()).toBe(true);
  };
  return {
    socket,
    messages,
    closed,
    get bytes() {
      return bytes;
    },
    until,
    async init(userID: string) {
      await opened;
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await t.token(userID)}` } }),
      );
      await until(() => messages.some((m) => m.type === 'connection_ack'));
    },
  };
}

/** Every stream of alice-like users hears this: a stranger marks their chat with `userID` read. */
const poke = (userID: string) => t.ok('zz-stranger', MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` });

const clients: Client[] = [];
afterAll(() => Promise.all(clients.map((c) => c.dispose())));

/** One live receiptUpdated stream for `userID` on a graphql-ws client, and a way to wait for more. */
async function liveStream(userID: string) {
  const authorization = `Bearer ${await t.token(userID)}`;
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
  });
  clients.push(client);
  const sub = subscribe(client, RECEIPT_UPDATED);
  for (let i = 0; i < 40 && sub.events.length === 0 && !sub.error; i++) {
    await poke(userID);
    await sub.next(1, 250).catch(() => {});
  }
  expect(sub.events.length).toBeGreaterThan(0);
  return sub;
}

describe('frame size', () => {
  it('closes with 1009 on a frame header announcing more than MAX_REQUEST_BYTES, before its payload', async () => {
    const honest = await liveStream('frank');
    const attacker = rawSocket();
    await attacker.init('mallory');
    // A masked text frame header claiming 100 MiB, and no payload at all: only the header is read.
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(100 * 2 ** 20), 2);
    (attacker.socket as unknown as { _socket: Socket })._socket.write(header);
    expect(await attacker.closed).toBe(1009);
    // The honest socket still gets its events.
    const seen = honest.events.length;
    await poke('frank');
    await honest.next(seen + 1);
  });

  it('closes with 1009 on a whole message over the limit; a subscribe under it works', async () => {
    const ok = rawSocket();
    await ok.init('gina');
    const query = `subscription { receiptUpdated { msgID } } # ${'x'.repeat(MAX_REQUEST_BYTES / 2)}`;
    ok.socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query } }));
    await ok.until(
      () => ok.messages.some((m) => m.id === '1' && m.type === 'next'),
      () => poke('gina'),
    );
    const big = rawSocket();
    await big.init('gina');
    big.socket.send(
      JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `${query}${'x'.repeat(MAX_REQUEST_BYTES)}` } }),
    );
    expect(await big.closed).toBe(1009);
    ok.socket.close();
  });
});

describe('caps', () => {
  it('refuses the subscription past MAX_SUBSCRIPTIONS_PER_SOCKET with TOO_MANY_SUBSCRIPTIONS', async () => {
    const max = t.config.transport.maxSubscriptionsPerSocket;
    const socket = rawSocket();
    await socket.init('hank');
    for (let id = 1; id <= max + 1; id++) {
      socket.socket.send(JSON.stringify({ type: 'subscribe', id: String(id), payload: { query: RECEIPT_UPDATED } }));
    }
    await socket.until(() => socket.messages.some((m) => m.type === 'error'));
    const errors = socket.messages.filter((m) => m.type === 'error');
    expect(errors).toEqual([
      {
        type: 'error',
        id: String(max + 1),
        payload: [expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })],
      },
    ]);
    // The first `max` are live: one event reaches each of them.
    const delivered = () => new Set(socket.messages.filter((m) => m.type === 'next').map((m) => m.id)).size;
    await socket.until(
      () => delivered() >= max,
      () => poke('hank'),
    );
    expect(delivered()).toBe(max);
    socket.socket.close();
  });

  it('closes the socket past MAX_SOCKETS_PER_USER with 1008; other users and a freed slot still connect', async () => {
    const first = rawSocket();
    await first.init('ivy');
    const second = rawSocket();
    await second.init('ivy');
    const third = rawSocket();
    await new Promise((resolve) => third.socket.once('open', resolve));
    third.socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await t.token('ivy')}` } }),
    );
    expect(await third.closed).toBe(1008);
    const other = rawSocket();
    await other.init('jack');
    first.socket.close();
    await first.closed;
    const again = rawSocket();
    await again.init('ivy');
    for (const s of [second, other, again]) s.socket.close();
  });
});

describe('slow readers', () => {
  it('drops a socket that stops reading once its backlog passes WS_MAX_BUFFERED_BYTES, and serves others', async () => {
    const honest = await liveStream('kate');
    const slow = rawSocket();
    await slow.init('kate');
    const subscriptions = t.config.transport.maxSubscriptionsPerSocket;
    for (let id = 1; id <= subscriptions; id++) {
      slow.socket.send(JSON.stringify({ type: 'subscribe', id: String(id), payload: { query: RECEIPT_UPDATED } }));
    }
    const live = () => new Set(slow.messages.filter((m) => m.type === 'next').map((m) => m.id)).size;
    await slow.until(
      () => live() === subscriptions,
      () => poke('kate'),
    );
    const eventBytes = slow.bytes / slow.messages.length;
    const before = t.app.openSockets();

    // The client stops reading: the server's writes pile up in the kernel, then in its buffer.
    // (ws resumes its TCP socket whenever its parser drains: that resume is held off too.)
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    tcp.resume = () => tcp;
    let sentBytes = 0;
    // Loopback kernel buffers hold a few MB; a server without the bound would never drop the socket.
    const giveUpAt = MAX_BUFFERED + 24 * 2 ** 20;
    while (t.app.openSockets() === before && sentBytes < giveUpAt) {
      await Promise.all(Array.from({ length: 10 }, () => poke('kate')));
      sentBytes += 10 * subscriptions * eventBytes;
    }
    expect(t.app.openSockets()).toBe(before - 1);
    expect(sentBytes).toBeLessThan(giveUpAt);

    // The honest reader of the same user still gets events; the dropped one ends with 1006.
    const seen = honest.events.length;
    await poke('kate');
    await honest.next(seen + 1);
    delete (tcp as { resume?: unknown }).resume;
    tcp.resume();
    expect(await slow.closed).toBe(1006);
  }, 60_000);
});
