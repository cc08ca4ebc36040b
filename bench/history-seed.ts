// Extra conversations for the growth workloads (W10-W12), seeded by hand like seed.ts: a group or
// a one-to-one chat with a long history, counters as the services keep them.
import { insertRows, type RawDb } from './raw-db.ts';
import { stamp } from './seed.ts';

export type History = {
  key: string;
  /** A group's id, or null for a one-to-one chat. */
  groupID: string | null;
  members: string[];
  sender: string;
  messages: number;
  /** Members who read every `every`-th message (a receipt each, counters to match). */
  readers?: { userIDs: string[]; every: number };
};

/** Seeds one conversation in one transaction; returns its message ids in seq order. */
export async function seedHistory(raw: RawDb, h: History): Promise<number[]> {
  const now = Date.now() - 3_600_000;
  const audience = h.members.length - 1;
  const readers = h.readers?.userIDs ?? [];
  const isRead = (seq: number) => h.readers !== undefined && seq % h.readers.every === 0;
  return raw.tx(async (q) => {
    if (h.groupID) {
      await insertRows(
        q,
        'Group',
        ['id', 'name', 'type', 'ownerId', 'createdAt'],
        [[h.groupID, h.key, 'WORK', h.sender, stamp(now)]],
      );
    }
    await insertRows(
      q,
      'Conversation',
      ['id', 'groupId', 'memberCount', 'lastSeq', 'lastMessageAt', 'createdAt'],
      [[h.key, h.groupID, h.members.length, h.messages, stamp(now), stamp(now)]],
    );
    await insertRows(
      q,
      'Participant',
      ['conversationId', 'userId', 'joinSeq', 'readSeq', 'ownSinceRead', 'joinedAt'],
      h.members.map((u) => [h.key, u, 0, 0, u === h.sender ? h.messages : 0, stamp(now)]),
    );
    const rows = Array.from({ length: h.messages }, (_, i) => {
      const seq = i + 1;
      const read = isRead(seq) ? readers.length : 0;
      return [h.key, seq, h.sender, `history ${seq}`, true, audience, read, read, stamp(now + seq)];
    });
    const columns = ['conversationId', 'seq', 'senderId', 'text', 'needReadReceipt', 'audienceCount'];
    await insertRows(q, 'Message', [...columns, 'readCount', 'lastReadRank', 'createdAt'], rows);
    const ids = (
      await q.all<{ id: number }>(`SELECT "id" FROM "Message" WHERE "conversationId" = ? ORDER BY "seq"`, [h.key])
    ).map((r) => Number(r.id));
    const receipts = ids.flatMap((id, i) =>
      isRead(i + 1) ? readers.map((u, rank) => [id, u, rank + 1, stamp(now + 1_000)]) : [],
    );
    await insertRows(q, 'Receipt', ['messageId', 'userId', 'rank', 'readAt'], receipts);
    return ids;
  });
}
