// Who has and has not read a group message, for its sender, in keyset pages: no OFFSET, so
// page 1,000 costs what page 1 costs, and a read that lands while paging never shifts a page.
import { awaitingTakeback } from '../db/message-rows.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput, forbidden, receiptExpired, receiptNotFound, receiptsWithheld } from './errors.ts';
import { fitsIntColumn } from './ids.ts';
import type { MessageService } from './messages.ts';
import type { ReceiptService } from './receipts.ts';

export type ReadMembersFilter = 'READ' | 'UNREAD';
export const MAX_READ_MEMBERS_PAGE = 100;

export type ReadMemberEdge = {
  cursor: string;
  user: { id: string; readReceiptsEnabled: boolean; nickname: string | null; faceURL: string | null; createdAt: Date };
  readAt: Date | null;
};

/** A User as raw SQL gives it: SQLite has no boolean, and a DateTime may come back as text. */
type RawUser = Omit<ReadMemberEdge['user'], 'readReceiptsEnabled' | 'createdAt'> & {
  readReceiptsEnabled: boolean | number;
  createdAt: Date | string;
};
const toUser = (u: RawUser): ReadMemberEdge['user'] => ({
  id: u.id,
  readReceiptsEnabled: Boolean(u.readReceiptsEnabled),
  nickname: u.nickname,
  faceURL: u.faceURL,
  createdAt: new Date(u.createdAt),
});

/** READ pages by read order (rank); UNREAD pages by userID. The cursor names its message and list. */
type Cursor = { m: number; f: 'R'; k: number } | { m: number; f: 'U'; k: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string, msgID: number, filter: ReadMembersFilter): Cursor {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badInput('after', 'not a cursor from readMembers');
  }
  const wantFilter = filter === 'READ' ? 'R' : 'U';
  const keyOk = wantFilter === 'R' ? fitsIntColumn(cursor?.k) : typeof cursor?.k === 'string';
  if (typeof cursor !== 'object' || cursor === null || cursor.f !== wantFilter || !keyOk) {
    throw badInput('after', `not a cursor from a ${filter} list`);
  }
  if (cursor.m !== msgID) throw badInput('after', 'this cursor belongs to another message');
  return cursor;
}

export class ReadMemberService {
  private readonly deps: ServiceDeps;
  private readonly messages: MessageService;
  private readonly receipts: ReceiptService;

  constructor(deps: ServiceDeps, messages: MessageService, receipts: ReceiptService) {
    this.deps = deps;
    this.messages = messages;
    this.receipts = receipts;
  }

  async page(senderID: string, msgID: number, filter: ReadMembersFilter, first: number, after?: string) {
    const [message] = await this.messages.loadBatch([msgID]);
    if (message.senderId !== senderID) throw forbidden(`only the sender of message ${msgID} may list its readers`);
    if (!message.conversation.groupId) throw badInput('msgID', 'readMembers works on group messages only');
    if (!this.receipts.hasReceipt(message)) throw receiptNotFound(String(msgID));
    // Both lists: the READ one is gone, and UNREAD alone would give it back as its complement.
    if (message.receiptsExpiredAt) throw receiptExpired(String(msgID), message.receiptsExpiredAt);
    if (await this.receipts.withheldFrom(senderID)) throw receiptsWithheld();
    const cursor = after ? decodeCursor(after, msgID, filter) : undefined;

    const edges =
      filter === 'READ'
        ? await this.readPage(msgID, first + 1, cursor?.f === 'R' ? cursor.k : 0)
        : await this.unreadPage(message, first + 1, cursor?.f === 'U' ? cursor.k : '');
    return { edges: edges.slice(0, first), hasNextPage: edges.length > first };
  }

  /**
   * Receipts after a rank, in rank order, with their users: one statement on the (messageId,
   * rank) index. Those of readers who left are skipped until the leave sweeper deletes them:
   * the ranks keep their order, so the keyset stays exact either way.
   */
  private async readPage(msgID: number, take: number, afterRank: number): Promise<ReadMemberEdge[]> {
    const rows = await this.deps.db.$queryRaw<
      (RawUser & { rank: number | bigint; readAt: Date | string })[]
    >(Prisma.sql`
      SELECT r."rank", r."readAt", u."id", u."readReceiptsEnabled", u."nickname", u."faceURL", u."createdAt"
      FROM "Message" m JOIN "Receipt" r ON r."messageId" = m."id" JOIN "User" u ON u."id" = r."userId"
      WHERE m."id" = ${msgID} AND r."rank" > ${afterRank} AND NOT ${Prisma.raw(awaitingTakeback('r', 'm'))}
      ORDER BY r."rank"
      LIMIT ${take}`);
    return rows.map((r) => ({
      cursor: encodeCursor({ m: msgID, f: 'R', k: Number(r.rank) }),
      user: toUser(r),
      readAt: new Date(r.readAt),
    }));
  }

  /** Audience members (joined before the message, still in the group, not the sender) without a receipt. */
  private async unreadPage(
    message: { id: number; conversationId: string; seq: number; senderId: string },
    take: number,
    afterUserID: string,
  ): Promise<ReadMemberEdge[]> {
    // u.id > after is redundant (u.id = p.userId) but bounds the User side too: without it
    // PostgreSQL may merge-join from the first user, and a deep page costs O(its depth).
    const rows = await this.deps.db.$queryRaw<RawUser[]>(Prisma.sql`
      SELECT u."id", u."readReceiptsEnabled", u."nickname", u."faceURL", u."createdAt"
      FROM "Participant" p JOIN "User" u ON u."id" = p."userId"
      WHERE p."conversationId" = ${message.conversationId}
        AND p."joinSeq" < ${message.seq}
        AND p."userId" <> ${message.senderId}
        AND p."userId" > ${afterUserID}
        AND u."id" > ${afterUserID}
        AND NOT EXISTS (SELECT 1 FROM "Receipt" r WHERE r."messageId" = ${message.id} AND r."userId" = p."userId")
      ORDER BY p."userId"
      LIMIT ${take}`);
    return rows.map((u) => ({
      cursor: encodeCursor({ m: message.id, f: 'U', k: u.id }),
      user: toUser(u),
      readAt: null,
    }));
  }
}
