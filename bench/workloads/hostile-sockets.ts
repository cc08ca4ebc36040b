// The hostile clients of the "hostile" workload, on real sockets: readers that subscribe as
// much as the server allows and then stop reading, and senders of frames that announce 95 MB.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Message = { type: string; id?: string };

/** A graphql-transport-ws socket that subscribes `subscriptions` times; `stopReading()` pauses its TCP socket. */
export async function slowReader(wsUrl: string, authorization: string, subscriptions: number, query: string) {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const live = new Set<string>();
  let acknowledged = false;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Message;
    if (message.type === 'connection_ack') acknowledged = true;
    if (message.type === 'next' && message.id) live.add(message.id);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => {});
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  while (!acknowledged) await sleep(10);
  for (let id = 1; id <= subscriptions; id++) {
    socket.send(JSON.stringify({ type: 'subscribe', id: String(id), payload: { query } }));
  }
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  return {
    /** Subscriptions that have delivered at least one event. */
    live: () => live.size,
    closed,
    /** The TCP socket stops reading; ws's own resume (when its parser drains) is held off too. */
    stopReading() {
      tcp.pause();
      tcp.resume = () => tcp;
    },
    destroy: () => tcp.destroy(),
  };
}

/**
 * Opens a socket and sends a masked text frame header announcing `announcedBytes`, then payload in
 * 1 MiB chunks (one buffer, reused) until the server closes. Returns the close code and the payload
 * bytes the client managed to hand to its socket before that.
 */
export async function bigFrame(wsUrl: string, announcedBytes: number): Promise<{ code: number; sentBytes: number }> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(announcedBytes), 2);
  tcp.write(header);
  const chunk = Buffer.alloc(2 ** 20, 0x61);
  let sentBytes = 0;
  let open = true;
  void closed.then(() => {
    open = false;
  });
  while (open && sentBytes < announcedBytes && !tcp.destroyed) {
    const flushed = tcp.write(chunk);
    sentBytes += chunk.length;
    if (!flushed) await Promise.race([once(tcp, 'drain'), closed]);
  }
  return { code: await closed, sentBytes };
}
