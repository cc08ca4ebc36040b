// ReadStore through Prisma (raw SQL where one statement must cover a whole batch). Used on
// PostgreSQL, inside inTransaction, so deadlocks and serialization failures are retried.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Db, Provider } from '../client.ts';
import { currentAudience, currentReadCount, loadRows, type MessageRow } from '../message-rows.ts';
import { inTransaction, lockMessages, type Tx } from '../transaction.ts';
import { type Counters, pairKey, type ReadStore, type ReadTransaction, readerKey } from './types.ts';

type Int = number | bigint;

export function prismaReadTransaction(db: Db, provider: Provider): ReadTransaction {
  return (work) => inTransaction(db, (tx) => work(prismaReadStore(tx, provider)));
}

function prismaReadStore(tx: Tx, provider: Provider): ReadStore {
  let loaded = new Map<number, MessageRow>();
  return {
    async messages(ids) {
      loaded = await loadRows(tx, ids);
      return loaded;
    },

    async readers(conversationIds, userIds) {
      // Every pair of these conversations and users: exact for a batch in one conversation, and
      // index probes otherwise. Locked in key order, as leaves take them: no lock cycle.
      const rows = await tx.$queryRaw<
        { conversationId: string; userId: string; joinSeq: Int; readReceiptsEnabled: boolean | number }[]
      >`
        SELECT p."conversationId", p."userId", p."joinSeq", u."readReceiptsEnabled"
        FROM "Participant" p JOIN "User" u ON u."id" = p."userId"
        WHERE p."conversationId" IN (${Prisma.join(conversationIds)}) AND p."userId" IN (${Prisma.join(userIds)})
        ${provider === 'postgresql' ? Prisma.sql`ORDER BY p."conversationId", p."userId" FOR SHARE OF p` : Prisma.empty}`;
      return new Map(
        rows.map((r) => [
          readerKey(r.conversationId, r.userId),
          { joinSeq: Number(r.joinSeq), readReceiptsEnabled: Boolean(r.readReceiptsEnabled) },
        ]),
      );
    },

    async lockMessages(ids) {
      if (provider !== 'postgresql' || ids.length === 0) return;
      // The retention sweep may have marked a message between the load and this lock: where
      // its late reads go (Receipt or ExpiredReceipt) follows the locked row.
      const rows = await tx.$queryRaw<{ id: Int; receiptsExpiredAt: Date | null }[]>`
        SELECT "id", "receiptsExpiredAt" FROM "Message" WHERE "id" IN (${Prisma.join(ids)}) ORDER BY "id" FOR UPDATE`;
      for (const r of rows) {
        const row = loaded.get(Number(r.id));
        if (row) row.receiptsExpiredAt = r.receiptsExpiredAt;
      }
    },

    async readTimes(messageIds, userIds) {
      // Reads whose rows retention removed are still reads: their pairs come back with no time.
      const rows = await tx.$queryRaw<{ messageId: Int; userId: string; readAt: Date | string | null }[]>`
        SELECT "messageId", "userId", "readAt" FROM "Receipt"
        WHERE "messageId" IN (${Prisma.join(messageIds)}) AND "userId" IN (${Prisma.join(userIds)})
        UNION ALL SELECT "messageId", "userId", NULL FROM "ExpiredReceipt"
        WHERE "messageId" IN (${Prisma.join(messageIds)}) AND "userId" IN (${Prisma.join(userIds)})`;
      return new Map(
        rows.map((r) => [pairKey(Number(r.messageId), r.userId), r.readAt === null ? null : new Date(r.readAt)]),
      );
    },

    async addReaders(added) {
      const ids = [...added.keys()];
      const increment = Prisma.sql`CASE "id" ${Prisma.join(
        ids.map((id) => Prisma.sql`WHEN ${id} THEN CAST(${added.get(id)} AS INTEGER)`),
        ' ',
      )} END`;
      const rows = await tx.$queryRaw<{ id: Int; readCount: Int; audienceCount: Int; lastReadRank: Int }[]>`
        UPDATE "Message" SET "readCount" = "readCount" + ${increment}, "lastReadRank" = "lastReadRank" + ${increment}
        WHERE "id" IN (${Prisma.join(ids)})
        RETURNING "id", ${Prisma.raw(currentReadCount('"Message"'))} AS "readCount",
          ${Prisma.raw(currentAudience('"Message"'))} AS "audienceCount", "lastReadRank"`;
      return new Map<number, Counters>(
        rows.map((r) => [
          Number(r.id),
          {
            readCount: Number(r.readCount),
            audienceCount: Number(r.audienceCount),
            lastReadRank: Number(r.lastReadRank),
          },
        ]),
      );
    },

    async insertReceipts(receipts, readAt) {
      const values = receipts
        .filter((r) => !r.expired)
        .map((r) => Prisma.sql`(${r.messageId}, ${r.userId}, ${r.rank}, ${readAt})`);
      const pairs = receipts.filter((r) => r.expired).map((r) => Prisma.sql`(${r.messageId}, ${r.userId})`);
      if (values.length) {
        await tx.$executeRaw`INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt") VALUES ${Prisma.join(values)}`;
      }
      if (pairs.length) {
        await tx.$executeRaw`INSERT INTO "ExpiredReceipt" ("messageId", "userId") VALUES ${Prisma.join(pairs)}`;
      }
    },
  };
}
