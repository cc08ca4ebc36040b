// SIGTERM in the middle of a stream of mutations: the process drains and exits 0, WebSocket
// clients see 1001 (going away), every acknowledged mutation is stored, nothing is half-written,
// and the port refuses connections afterwards.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/databases.ts';
import { liveReceipts } from '../helpers/live.ts';
import { CREATE_GROUP, MARK_CONVERSATION_READ, MARK_READ, SEND } from '../helpers/operations.ts';
import {
  connectionErrorCode,
  okGql,
  postGql,
  type ServerProcess,
  spawnServer,
  sql,
  waitFor,
  wsClientFor,
} from '../helpers/processes.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let server: ServerProcess;

beforeAll(async () => {
  database = await freshDatabase();
  server = await spawnServer({ DATABASE_URL: database.url, REDIS_URL: inject('redisUrl') });
  await server.waitHealthy();
});
afterAll(async () => {
  await server?.kill();
  await database?.drop();
});

const WORKERS = ['bob', 'carol', 'dave', 'erin'];
const SIGTERM_AFTER = 40; // acknowledged mutations before the signal

type Outcome = {
  kind: 'send' | 'read';
  user: string;
  text?: string;
  msgID?: string;
  /** The GraphQL error code, when the server answered with one. */
  error?: string;
  /** Set when the request got no answer (refused, reset). */
  connectionError?: string;
};

/** Backends of this database waiting for a row lock. */
async function lockWaiters(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].n;
}

/** 'answered', or the connection error a plain POST to `url` gets. */
const refused = (url: string) => fetch(url, { method: 'POST', body: '{}' }).then(() => 'answered', connectionErrorCode);

describe('graceful shutdown', () => {
  it('drains, says 1001 to WebSockets, exits 0 and leaves only whole rows', { timeout: 90_000 }, async () => {
    const url = server.graphql;
    await okGql(url, 'alice', CREATE_GROUP, { groupID: 'busy', name: 'Busy', type: 'WORK', memberIDs: WORKERS });
    const seeds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const data = await okGql(url, 'alice', SEND, {
        conversationID: 'GROUPbusy',
        text: `seed ${i}`,
        needReadReceipt: true,
      });
      seeds.push(data.sendMessage.msgID);
    }
    const ws = await wsClientFor(server.ws, 'alice');
    const live = await liveReceipts(
      ws.client,
      {},
      {
        poke: () => okGql(url, 'busy-probe', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' }),
        isPoke: (r) => r.conversationID === 'C2Cbusy-probe',
      },
    );

    // Each worker alternates: send a message, then mark one of alice's or another worker's read.
    const outcomes: Outcome[] = [];
    const sent: { msgID: string; user: string }[] = seeds.map((msgID) => ({ msgID, user: 'alice' }));
    let acknowledged = 0;
    // While paused, workers start no new request (see below); `busy` counts those outstanding.
    let paused = false;
    let busy = 0;
    const exited = server.exited;
    const worker = async (user: string) => {
      for (let i = 0; i < 500; i++) {
        while (paused) await new Promise((resolve) => setTimeout(resolve, 2));
        const isSend = i % 2 === 0;
        const others = sent.filter((m) => m.user !== user);
        const target = others[(i * 7 + user.length) % others.length].msgID;
        const text = `${user} #${i}`;
        const outcome: Outcome = isSend ? { kind: 'send', user, text } : { kind: 'read', user, msgID: target };
        busy++;
        try {
          const result = await (isSend
            ? postGql(url, user, SEND, { conversationID: 'GROUPbusy', text, needReadReceipt: true })
            : postGql(url, user, MARK_READ, { msgIDs: [target] })
          ).finally(() => busy--);
          if (result.errors?.length)
            outcome.error = String(result.errors[0].extensions?.code ?? result.errors[0].message);
          else if (isSend) {
            outcome.msgID = result.data!.sendMessage.msgID;
            sent.push({ msgID: outcome.msgID!, user });
          }
        } catch (error) {
          outcome.connectionError = connectionErrorCode(error);
          outcomes.push(outcome);
          return; // the server is gone or going: this worker stops
        }
        outcomes.push(outcome);
        if (!outcome.error) acknowledged++;
      }
    };
    const workers = Promise.all(WORKERS.map(worker));

    // Mid-stream: hold the conversation row so a send is certainly in flight (waiting inside its
    // transaction) when SIGTERM arrives; it must still be answered, and stored. The workers pause
    // meanwhile, so the lock waiter seen below is that send and not one of theirs, and go on
    // right after the signal, into the draining server.
    await waitFor(() => acknowledged >= SIGTERM_AFTER, 'the first acknowledged mutations');
    paused = true;
    await waitFor(() => busy === 0, 'the workers to pause');
    const holder = new pg.Client({ connectionString: database.url });
    holder.on('error', () => {}); // if the test fails first, dropping the database ends it
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "Conversation" WHERE id = 'GROUPbusy' FOR UPDATE`);
    let inFlightSettled = false;
    const inFlight = postGql(url, 'alice', SEND, { conversationID: 'GROUPbusy', text: 'in flight at SIGTERM' });
    const settled = () => {
      inFlightSettled = true;
    };
    inFlight.then(settled, settled);
    await waitFor(async () => (await lockWaiters(holder)) >= 1, 'a send waiting on the conversation row');
    server.child.kill('SIGTERM');
    paused = false;
    // New connections are refused while the held send is still waiting.
    await waitFor(async () => (await refused(server.base)) === 'ECONNREFUSED', 'the port to close');
    expect(inFlightSettled).toBe(false);
    await holder.query('ROLLBACK');
    await holder.end();
    const held = await inFlight;
    expect(held.errors).toBeUndefined();
    const heldID = held.data!.sendMessage.msgID as string;

    await workers;
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGTERM: stopping');

    // The WebSocket was closed by the server with 1001, once.
    await waitFor(() => ws.closes.length > 0, 'the WebSocket close').catch(() => {});
    expect(ws.closes).toEqual([1001]);

    // After exit the port refuses connections.
    expect(await refused(url)).toBe('ECONNREFUSED');

    // Every worker ended on a connection error, and every answer was a success.
    const answered = outcomes.filter((o) => !o.connectionError);
    expect(answered.filter((o) => o.error)).toEqual([]);
    expect(
      outcomes
        .filter((o) => o.connectionError)
        .map((o) => o.user)
        .sort(),
    ).toEqual(WORKERS);
    expect(answered.length).toBeGreaterThanOrEqual(SIGTERM_AFTER);

    // Everything acknowledged is stored.
    type MessageRow = { id: number; seq: number; senderId: string; text: string; readCount: number };
    const messages = await sql<MessageRow & { lastReadRank: number; audienceCount: number }>(
      database.url,
      `SELECT id, seq, "senderId", text, "readCount", "lastReadRank", "audienceCount" FROM "Message"
       WHERE "conversationId" = 'GROUPbusy' ORDER BY seq`,
    );
    const byId = new Map(messages.map((m) => [String(m.id), m]));
    expect(byId.get(heldID)).toMatchObject({ senderId: 'alice', text: 'in flight at SIGTERM' });
    for (const o of answered.filter((x) => x.kind === 'send')) {
      expect(byId.get(o.msgID!)).toMatchObject({ senderId: o.user, text: o.text });
    }
    const receipts = await sql<{ messageId: number; userId: string; rank: number }>(
      database.url,
      `SELECT r."messageId", r."userId", r.rank FROM "Receipt" r JOIN "Message" m ON m.id = r."messageId"
       WHERE m."conversationId" = 'GROUPbusy' ORDER BY r."messageId", r.rank`,
    );
    const receiptKeys = new Set(receipts.map((r) => `${r.messageId}/${r.userId}`));
    for (const o of answered.filter((x) => x.kind === 'read')) expect(receiptKeys).toContain(`${o.msgID}/${o.user}`);

    // Nothing is half-written: seqs are 1..lastSeq, counters match the rows behind them.
    const [conversation] = await sql<{ lastSeq: number; memberCount: number }>(
      database.url,
      `SELECT "lastSeq", "memberCount" FROM "Conversation" WHERE id = 'GROUPbusy'`,
    );
    expect(conversation.memberCount).toBe(5);
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: conversation.lastSeq }, (_, i) => i + 1));
    for (const m of messages) {
      const ranks = receipts.filter((r) => String(r.messageId) === String(m.id)).map((r) => r.rank);
      expect(m).toMatchObject({ readCount: ranks.length, lastReadRank: ranks.length, audienceCount: 4 });
      expect(ranks).toEqual(Array.from({ length: ranks.length }, (_, i) => i + 1));
    }
    const participants = await sql<{ userId: string; readSeq: number; ownSinceRead: number }>(
      database.url,
      `SELECT "userId", "readSeq", "ownSinceRead" FROM "Participant" WHERE "conversationId" = 'GROUPbusy'`,
    );
    for (const p of participants) {
      const own = messages.filter((m) => m.senderId === p.userId && m.seq > p.readSeq).length;
      expect({ user: p.userId, ownSinceRead: p.ownSinceRead }).toEqual({ user: p.userId, ownSinceRead: own });
    }

    // What alice saw live before the close is consistent: her own messages, audience of four.
    for (const r of live.received()) {
      expect(r.conversationID).toBe('GROUPbusy');
      expect(r.readCount + r.unreadCount).toBe(4);
      expect(byId.get(r.msgID!)?.senderId).toBe('alice');
    }
  });
});
