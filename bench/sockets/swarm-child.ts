// One child process of a socket swarm (see swarm.ts): opens its share of graphql-ws clients,
// subscribes each, and reports deliveries to the parent grouped by payload, with the wall-clock
// time each socket got it. Clients live here, not in the server's process, so the server's RSS
// and event loop carry no client work.
import { performance } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';
import { connectSocket } from './connect.ts';
import type { ChildCommand, Delivery } from './swarm.ts';

const clients: Client[] = [];
/** payload JSON → socket index → how many times that socket got it. */
const seen = new Map<string, Map<number, number>>();
let pending = new Map<string, Delivery>();
let flushing = false;

const now = () => performance.timeOrigin + performance.now();

function flush() {
  flushing = false;
  const batch = pending;
  pending = new Map();
  process.send?.({ type: 'deliveries', batch: [...batch.values()] });
}

function onPayload(socket: number, payload: unknown) {
  const at = now();
  const key = JSON.stringify(payload);
  const bySocket = seen.get(key) ?? new Map<number, number>();
  seen.set(key, bySocket);
  const times = (bySocket.get(socket) ?? 0) + 1;
  bySocket.set(socket, times);
  const delivery = pending.get(key) ?? { key, at: [], duplicates: 0 };
  pending.set(key, delivery);
  delivery.at.push(at);
  if (times > 1) delivery.duplicates++;
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

async function open(command: Extract<ChildCommand, { type: 'open' }>) {
  const { url, sockets, first } = command;
  // Connect in slices: a burst of thousands of handshakes at once only measures the backlog.
  for (let start = 0; start < sockets.length; start += 100) {
    const slice = sockets.slice(start, start + 100);
    const opened = await Promise.all(slice.map((s) => connectSocket(url, s.authorization)));
    opened.forEach((client, j) => {
      const index = first + start + j;
      const { query, variables } = slice[j];
      clients.push(client);
      client.subscribe(
        { query, variables },
        {
          next: (result) => onPayload(index, result.errors ? { errors: result.errors } : result.data),
          error: (error) => onPayload(index, { error: String((error as Error)?.message ?? error) }),
          complete: () => {},
        },
      );
    });
  }
  process.send?.({ type: 'opened', count: clients.length });
}

process.on('message', (command: ChildCommand) => {
  if (command.type === 'open') {
    open(command).catch((error) => process.send?.({ type: 'failed', message: String(error?.message ?? error) }));
  } else if (command.type === 'close') {
    Promise.all(clients.map((c) => c.dispose())).finally(() => process.exit(0));
  }
});
