// receiptUpdated streams that are known to be live, without sleeping: graphql-ws acknowledges
// nothing per subscribe, so a repeatable "poke" that publishes to the stream runs until one of
// its events arrives. Poke events are then left out of what the test sees.
import type { Client } from 'graphql-ws';
import { subscribe, type TestApp } from './app.ts';
import { MARK_CONVERSATION_READ, RECEIPT_UPDATED } from './operations.ts';

export type Receipt = {
  msgID: string | null;
  conversationID: string;
  userID: string | null;
  groupID: string | null;
  isPeerRead: boolean;
  timestamp: string | null;
  readCount: number;
  unreadCount: number;
};

export type Probe = { poke: () => Promise<unknown>; isPoke: (r: Receipt) => boolean };

export const PROBE_USER = 'zz-probe';

/** A stranger marks their one-to-one chat with `userID` read: `userID`'s unfiltered stream gets C2C<probe>. */
export const strangerProbe = (t: TestApp, userID: string): Probe => ({
  poke: () => t.ok(PROBE_USER, MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` }),
  isPoke: (r) => r.conversationID === `C2C${PROBE_USER}`,
});

/** `peerID` marks the chat with `userID` read: reaches a stream filtered to C2C<peerID> (msgID null). */
export const peerProbe = (t: TestApp, userID: string, peerID: string): Probe => ({
  poke: () => t.ok(peerID, MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` }),
  isPoke: (r) => r.msgID === null && r.conversationID === `C2C${peerID}`,
});

/** Subscribes to receiptUpdated and returns once the server has the subscription. */
export async function liveReceipts(client: Client, variables: { conversationID?: string }, probe: Probe) {
  const sub = subscribe<{ receiptUpdated: Receipt }>(client, RECEIPT_UPDATED, variables);
  for (let attempt = 1; ; attempt++) {
    const seen = sub.events.length;
    await probe.poke();
    const arrived = await sub.next(seen + 1, 250).then(
      () => true,
      (error) => {
        if (sub.error || attempt >= 40) throw error;
        return false;
      },
    );
    if (arrived) break;
  }
  const received = (): Receipt[] =>
    sub.events
      .map((e) => {
        if (e.errors?.length) throw new Error(`subscription errors: ${JSON.stringify(e.errors)}`);
        return e.data!.receiptUpdated;
      })
      .filter((r) => !probe.isPoke(r));
  return {
    /** Every non-poke receipt so far, in arrival order. */
    received,
    /** Waits until `count` non-poke receipts have arrived and returns all of them. */
    async next(count: number): Promise<Receipt[]> {
      while (received().length < count) await sub.next(sub.events.length + 1);
      return received();
    },
    dispose: sub.dispose,
  };
}
