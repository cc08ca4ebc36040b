// W5's listeners: one graphql-ws socket per sender on the real port (or on the bare server, for
// the floor), each subscribed to receiptUpdated for the big group. They match each delivery to
// the call (or publish) that caused it.
import { performance } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';
import { RECEIPT_UPDATED, type ReceiptFigures } from '../client.ts';
import type { BenchContext } from '../types.ts';

export type Subscribers = {
  /** Called with the milliseconds from call start to delivery, for every expected delivery. */
  onDelivery?: (ms: number) => void;
  /** A markRead of these messages started at `at`. */
  expect(msgIDs: number[], at: number): void;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes these silent messages publish once (graphql-ws acknowledges no subscribe). */
export type Poke = (silent: number[]) => Promise<void>;

/** Pokes through the service: a fresh reader per round reads every silent message. */
export function markReadPoke(ctx: BenchContext, pokers: string[]): Poke {
  let round = 0;
  return async (silent) => {
    const poker = pokers[round++];
    if (!poker) throw new Error('W5: some subscriptions never went live');
    for (let i = 0; i < silent.length; i += 30) await ctx.client.markRead(poker, silent.slice(i, i + 30));
  };
}

export async function connectSubscribers(
  ctx: BenchContext,
  url: string,
  poke: Poke,
  rounds = 10,
): Promise<Subscribers> {
  const { fanout } = ctx.seed.ids;
  const started = new Map<string, number[]>();
  const events = new Map<string, number>();
  const clients: Client[] = [];
  const subs: Subscribers = {
    expect(msgIDs, at) {
      for (const id of msgIDs) {
        const queue = started.get(String(id)) ?? [];
        queue.push(at);
        started.set(String(id), queue);
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
  const onEvent = (r: ReceiptFigures) => {
    const at = performance.now();
    events.set(r.msgID, (events.get(r.msgID) ?? 0) + 1);
    // Calls in flight touch different messages, so the oldest start of this message is its call.
    const begin = started.get(r.msgID)?.shift();
    if (begin !== undefined) subs.onDelivery?.(at - begin);
  };
  for (let start = 0; start < fanout.length; start += 50) {
    await Promise.all(
      fanout.slice(start, start + 50).map(async ({ sender }) => {
        const client = await ctx.client.socket(url, sender);
        clients.push(client);
        client.subscribe<{ receiptUpdated: ReceiptFigures }>(
          { query: RECEIPT_UPDATED, variables: { conversationID: ctx.seed.big.key } },
          {
            next: (event) => event.data && onEvent(event.data.receiptUpdated),
            error: (error) => console.error(`W5: subscription error for ${sender}`, error),
            complete: () => {},
          },
        );
      }),
    );
  }
  // graphql-ws acknowledges no subscribe: a fresh reader reads every silent message until all are live.
  const ids = fanout.map((f) => f.msgID);
  for (let round = 0; round < rounds; round++) {
    const silent = ids.filter((id) => !events.get(String(id)));
    if (silent.length === 0) return subs;
    await poke(silent);
    await sleep(300);
  }
  throw new Error('W5: some subscriptions never went live');
}
