// A swarm of graphql-ws client sockets spread over child processes: thousands of sockets in the
// benchmark's own process would share its file-descriptor limit, event loop and RSS with the
// server under test. Deliveries come back grouped by payload with wall-clock arrival times
// (performance.timeOrigin + now(), comparable across processes on one machine).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type SocketSpec = { authorization: string; query: string; variables?: Record<string, unknown> };

export type ChildCommand = { type: 'open'; url: string; sockets: SocketSpec[]; first: number } | { type: 'close' };

/** Every arrival of one payload in one flush: arrival times, and sockets that had it already. */
export type Delivery = { key: string; at: number[]; duplicates: number };

type ChildMessage =
  | { type: 'opened'; count: number }
  | { type: 'failed'; message: string }
  | { type: 'deliveries'; batch: Delivery[] };

export type Swarm = {
  size: number;
  /** Called for every arrival, with the payload as JSON. */
  onDelivery?: (key: string, at: number[], duplicates: number) => void;
  close(): Promise<void>;
};

const CHILD = fileURLToPath(new URL('./swarm-child.ts', import.meta.url));

/** Opens every socket (split over `processes` children) and resolves once all are connected and subscribed. */
export async function openSwarm(url: string, sockets: SocketSpec[], processes = 2): Promise<Swarm> {
  const children: ChildProcess[] = [];
  const swarm: Swarm = {
    size: sockets.length,
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.send({ type: 'close' } satisfies ChildCommand);
            }),
        ),
      );
    },
  };
  const share = Math.ceil(sockets.length / processes);
  const opened: Promise<void>[] = [];
  for (let first = 0; first < sockets.length; first += share) {
    const child = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    opened.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (message: ChildMessage) => {
          if (message.type === 'opened') resolve();
          else if (message.type === 'failed') reject(new Error(`socket swarm: ${message.message}`));
          else for (const d of message.batch) swarm.onDelivery?.(d.key, d.at, d.duplicates);
        });
        child.once('exit', (code) => reject(new Error(`socket swarm child exited (${code})`)));
      }),
    );
    child.send({ type: 'open', url, sockets: sockets.slice(first, first + share), first } satisfies ChildCommand);
  }
  try {
    await Promise.all(opened);
  } catch (error) {
    await swarm.close();
    throw error;
  }
  return swarm;
}
