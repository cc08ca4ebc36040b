// "Seen by Alice, Bob and 3 others": the latest readers of a group message, newest first, for
// a whole page of messages at once. Two statements whatever the page size: one for the receipt
// rows (each message's top `first` ranks, read backwards on the (messageId, rank) index), one
// for their users. A window function (ROW_NUMBER() OVER (PARTITION BY messageId ORDER BY rank
// DESC) <= first) would number every receipt of every message first: O(readers), 100,000 rows
// for one message of a big group, where these plans read `first` index entries per message.
import { awaitingTakeback } from '../db/message-rows.ts';
import { Prisma, type User } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';

/** The default of recentReaders(first:), the "Seen by" faces a chat row has room for. */
export const DEFAULT_RECENT_READERS = 3;
/** Beyond a row of faces, readMembers pages the list; this keeps a page of 50 messages to 500 users. */
export const MAX_RECENT_READERS = 10;

type Int = number | bigint;
type RankedReader = { messageId: Int; userId: string; rank: Int };

export class RecentReaderService {
  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /**
   * For each of `msgIDs` that `viewerID` sent, the users who read it last, newest first (by
   * read rank). Messages the viewer did not send get no readers: like every receipt figure,
   * these are the sender's only. Readers with receipts off wrote no receipt, so never appear.
   */
  async forMessages(viewerID: string, msgIDs: number[], first: number): Promise<Map<number, User[]>> {
    const result = new Map<number, User[]>(msgIDs.map((id) => [id, []]));
    if (msgIDs.length === 0) return result;
    const ranked = await this.deps.db.$queryRaw<RankedReader[]>(this.latestRanks(viewerID, msgIDs, first));
    const userIds = [...new Set(ranked.map((r) => r.userId))];
    const users = userIds.length ? await this.deps.db.user.findMany({ where: { id: { in: userIds } } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    ranked.sort((a, b) => Number(a.messageId) - Number(b.messageId) || Number(b.rank) - Number(a.rank));
    for (const r of ranked) {
      const user = byId.get(r.userId);
      if (user) result.get(Number(r.messageId))?.push(user);
    }
    return result;
  }

  /** Each message's `first` highest ranks, through the (messageId, rank) index only. */
  private latestRanks(viewerID: string, msgIDs: number[], first: number): Prisma.Sql {
    const messages = Prisma.sql`m."id" IN (${Prisma.join(msgIDs)}) AND m."senderId" = ${viewerID}`;
    // Readers who left are skipped until the leave sweeper deletes their receipts.
    const gone = (receipt: string) => Prisma.raw(awaitingTakeback(receipt, 'm'));
    if (this.deps.provider === 'postgresql') {
      return Prisma.sql`
        SELECT m."id" AS "messageId", r."userId", r."rank" FROM "Message" m
        CROSS JOIN LATERAL (
          SELECT x."userId", x."rank" FROM "Receipt" x WHERE x."messageId" = m."id" AND NOT ${gone('x')}
          ORDER BY x."rank" DESC LIMIT ${first}
        ) r
        WHERE ${messages}`;
    }
    // SQLite has no LATERAL: the `first`-th highest rank bounds a range scan of the same index.
    return Prisma.sql`
      SELECT m."id" AS "messageId", r."userId", r."rank" FROM "Message" m
      JOIN "Receipt" r ON r."messageId" = m."id" AND r."rank" >= COALESCE((
        SELECT x."rank" FROM "Receipt" x WHERE x."messageId" = m."id" AND NOT ${gone('x')}
        ORDER BY x."rank" DESC LIMIT 1 OFFSET ${first - 1}
      ), 0)
      WHERE ${messages} AND NOT ${gone('r')}`;
  }
}
