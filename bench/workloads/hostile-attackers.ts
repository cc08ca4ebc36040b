// The hostile clients of the latency test, on a thread of their own. Their client work (building
// the 9.8 KB requests, reading the answers) is theirs, as it would be on their own machines, and
// not the event loop's that serves the timed request. They send until the main thread says stop,
// counting each document sent in the shared counter.
import { parentPort, workerData } from 'node:worker_threads';

export type AttackerData = {
  url: string;
  body: string;
  authorization?: string;
  loops: number;
  sent: SharedArrayBuffer;
};

const { url, body, authorization, loops, sent } = workerData as AttackerData;
const count = new Int32Array(sent);
let attacking = true;
parentPort?.once('message', () => {
  attacking = false;
});

const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
await Promise.all(
  Array.from({ length: loops }, async () => {
    while (attacking) {
      await fetch(url, { method: 'POST', headers, body })
        .then((response) => response.arrayBuffer())
        .catch(() => {});
      Atomics.add(count, 0, 1);
    }
  }),
);
parentPort?.close();
