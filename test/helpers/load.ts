// A bounded load driver over real HTTP on loopback: members of one group send messages and mark
// others' messages read. It records every mutation that succeeded, so the test can check that
// each one is in the database afterwards.
import type { TestApp } from './app.ts';
import { CREATE_GROUP, MARK_READ, SEND } from './operations.ts';

export type LoadOptions = { users: number; workers: number; seconds: number; maxRequests: number };
export type LoadOutcome = {
  sent: number;
  succeeded: number;
  failed: number;
  errorCodes: Record<string, number>;
  messages: Map<string, string>; // msgID -> sender
  reads: Set<string>; // `${msgID}:${userID}`
};

export async function setupLoadGroup(t: TestApp, groupID: string, users: number): Promise<string[]> {
  const members = Array.from({ length: users }, (_, i) => `load${i}`);
  await t.ok(members[0], CREATE_GROUP, { groupID, name: 'Load', type: 'WORK', memberIDs: members.slice(1) });
  return members;
}

export async function runLoad(
  url: string,
  t: TestApp,
  groupID: string,
  members: string[],
  options: LoadOptions,
): Promise<LoadOutcome> {
  const tokens = new Map(await Promise.all(members.map(async (m) => [m, await t.token(m, '1h')] as const)));
  const outcome: LoadOutcome = {
    sent: 0,
    succeeded: 0,
    failed: 0,
    errorCodes: {},
    messages: new Map(),
    reads: new Set(),
  };
  const recent: { msgID: string; sender: string }[] = [];
  const deadline = Date.now() + options.seconds * 1000;

  async function call(user: string, query: string, variables: Record<string, unknown>) {
    outcome.sent++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(user)}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as {
        data?: Record<string, any>;
        errors?: { extensions?: { code?: string } }[];
      };
      if (body.errors?.length || !body.data) {
        const code = body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}`;
        outcome.errorCodes[code] = (outcome.errorCodes[code] ?? 0) + 1;
        outcome.failed++;
        return null;
      }
      outcome.succeeded++;
      return body.data;
    } catch {
      outcome.errorCodes.NETWORK = (outcome.errorCodes.NETWORK ?? 0) + 1;
      outcome.failed++;
      return null;
    }
  }

  async function worker(index: number) {
    const me = members[index % members.length];
    let step = 0;
    while (Date.now() < deadline && outcome.sent < options.maxRequests) {
      step++;
      const others = recent.filter((m) => m.sender !== me).slice(-40);
      if (others.length === 0 || step % 3 === 0) {
        const data = await call(me, SEND, {
          conversationID: `GROUP${groupID}`,
          text: `load ${index}/${step}`,
          needReadReceipt: true,
        });
        if (data) {
          outcome.messages.set(data.sendMessage.msgID, me);
          recent.push({ msgID: data.sendMessage.msgID, sender: me });
        }
      } else {
        const picked = [
          ...new Set(
            Array.from({ length: 1 + (step % 8) }, () => others[Math.floor(Math.random() * others.length)].msgID),
          ),
        ];
        const data = await call(me, MARK_READ, { msgIDs: picked });
        if (data) for (const msgID of picked) outcome.reads.add(`${msgID}:${me}`);
      }
    }
  }

  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  return outcome;
}

/** Database state against what succeeded: rows for every success, and counters equal to a recount. */
export async function auditDatabase(t: TestApp, groupID: string, outcome: LoadOutcome) {
  const messages = await t.db.message.findMany({
    where: { conversationId: `GROUP${groupID}` },
    select: {
      id: true,
      seq: true,
      senderId: true,
      readCount: true,
      audienceCount: true,
      _count: { select: { receipts: true } },
    },
  });
  const receipts = await t.db.receipt.findMany({
    where: { message: { conversationId: `GROUP${groupID}` } },
    select: { messageId: true, userId: true },
  });
  const conversation = await t.db.conversation.findUniqueOrThrow({ where: { id: `GROUP${groupID}` } });
  const stored = new Map(messages.map((m) => [String(m.id), m]));
  const storedReads = new Set(receipts.map((r) => `${r.messageId}:${r.userId}`));
  return {
    missingMessages: [...outcome.messages].filter(([id, sender]) => stored.get(id)?.senderId !== sender).length,
    missingReads: [...outcome.reads].filter((key) => !storedReads.has(key)).length,
    countersOff: messages.filter((m) => m.readCount !== m._count.receipts).length,
    seqGaps: conversation.lastSeq - messages.length,
    storedMessages: messages.length,
    storedReads: storedReads.size,
  };
}
