// Writes the planned data with bulk INSERTs in one transaction, with the counters the services
// would have written: memberCount, lastSeq, audienceCount, readCount, lastReadRank, ownSinceRead.
import { insertRows, type Queryable, type RawDb } from './raw-db.ts';
import { type PlannedGroup, type SeedInfo, userID } from './seed-plan.ts';

/** DateTime as Prisma writes it on SQLite; PostgreSQL's timestamp(3) takes the same text. */
export const stamp = (ms: number = Date.now()) => new Date(ms).toISOString().replace('Z', '+00:00');

async function seedGroup(q: Queryable, g: PlannedGroup, now: number): Promise<number> {
  const owner = userID(0);
  await insertRows(
    q,
    'Group',
    ['id', 'name', 'type', 'ownerId', 'createdAt'],
    [[g.groupID, g.key, 'WORK', owner, stamp(now)]],
  );
  await insertRows(
    q,
    'Conversation',
    ['id', 'groupId', 'memberCount', 'lastSeq', 'lastMessageAt', 'createdAt'],
    [[g.key, g.groupID, g.members, g.messages.length, stamp(now), stamp(now)]],
  );
  const sent = new Map<number, number>();
  for (const m of g.messages) sent.set(m.senderIndex, (sent.get(m.senderIndex) ?? 0) + 1);
  const members = Array.from({ length: g.members }, (_, i) => [g.key, userID(i), 0, 0, sent.get(i) ?? 0, stamp(now)]);
  await insertRows(
    q,
    'Participant',
    ['conversationId', 'userId', 'joinSeq', 'readSeq', 'ownSinceRead', 'joinedAt'],
    members,
  );
  const audience = g.members - 1;
  await insertRows(
    q,
    'Message',
    [
      'id',
      'conversationId',
      'seq',
      'senderId',
      'text',
      'needReadReceipt',
      'audienceCount',
      'readCount',
      'lastReadRank',
      'createdAt',
    ],
    g.messages.map((m) => {
      const at = stamp(now + m.seq);
      return [
        m.id,
        g.key,
        m.seq,
        userID(m.senderIndex),
        `bench message ${m.seq}`,
        true,
        audience,
        m.readers.length,
        m.readers.length,
        at,
      ];
    }),
  );
  let receipts = 0;
  for (const m of g.messages) {
    const rows = m.readers.map((reader, i) => [m.id, userID(reader), i + 1, stamp(now + 1_000 + i)]);
    await insertRows(q, 'Receipt', ['messageId', 'userId', 'rank', 'readAt'], rows);
    receipts += rows.length;
  }
  return receipts;
}

export async function seed(raw: RawDb, info: SeedInfo): Promise<{ rows: number }> {
  const now = Date.now() - 3_600_000;
  const groups = [info.big, ...info.sized];
  const users = Math.max(...groups.map((g) => g.members));
  let rows = users;
  await raw.tx(async (q) => {
    const userRows = Array.from({ length: users }, (_, i) => [userID(i), stamp(now)]);
    await insertRows(q, 'User', ['id', 'createdAt'], userRows);
    for (const g of groups) {
      rows += g.members + g.messages.length + (await seedGroup(q, g, now));
    }
  });
  if (raw.provider === 'postgresql') {
    // Explicit ids leave the SERIAL sequence behind; and give the planner its statistics.
    await raw.run(`SELECT setval(pg_get_serial_sequence('"Message"', 'id'), (SELECT MAX("id") FROM "Message"))`);
    await raw.run('ANALYZE');
  }
  return { rows };
}
