// A message as the services use it, and the one SELECT that loads it. It lives in the database
// layer because both the services (src/resolvers) and markRead's stores (read-store/) read it.
import { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from './transaction.ts';

export type MessageRow = {
  id: number;
  conversationId: string;
  seq: number;
  senderId: string;
  text: string;
  needReadReceipt: boolean;
  /** The current audience: members at send time, less the sender, less those who left since. */
  audienceCount: number;
  /** The current readers: those who left are out of it from their leave on (currentReadCount). */
  readCount: number;
  createdAt: Date;
  /** Set once retention removed (or began removing) the per-reader receipt rows. */
  receiptsExpiredAt: Date | null;
  conversation: { groupId: string | null; group: { type: string } | null };
};

/** A row as the drivers give it: SQLite has no boolean, and its DateTime may come back as text. */
export type RawMessageRow = Omit<MessageRow, 'needReadReceipt' | 'createdAt' | 'receiptsExpiredAt' | 'conversation'> & {
  needReadReceipt: boolean | number;
  createdAt: Date | string;
  receiptsExpiredAt: Date | string | null;
  groupId: string | null;
  groupType: string | null;
};

export function toMessageRow(r: RawMessageRow): MessageRow {
  return {
    id: Number(r.id),
    conversationId: r.conversationId,
    seq: Number(r.seq),
    senderId: r.senderId,
    text: r.text,
    needReadReceipt: Boolean(r.needReadReceipt),
    audienceCount: Number(r.audienceCount),
    readCount: Number(r.readCount),
    createdAt: new Date(r.createdAt),
    receiptsExpiredAt: r.receiptsExpiredAt === null ? null : new Date(r.receiptsExpiredAt),
    conversation: { groupId: r.groupId, group: r.groupType === null ? null : { type: r.groupType } },
  };
}

/**
 * The current audience of the message row `alias`: the members at send time (less the sender),
 * less those of them who have left since. A departure covers the message when the stay it ends
 * began before the message and ended at or after it; the sender's own stay never counts. The
 * count walks one range of Departure's key (leaveSeq >= seq), in the same statement as the
 * counters, so it always matches the readCount beside it.
 */
export function currentAudience(alias: string): string {
  return `${alias}."audienceCount" - (SELECT COUNT(*) FROM "Departure" d
    WHERE ${stayCovers('d', alias)} AND d."userId" <> ${alias}."senderId")`;
}

/**
 * A stay that ended (a Departure or ReceiptTakeback row `stay`) covers the message row
 * `message`: same conversation, begun before it, ended at or after it. leaveSeq >= seq first,
 * so the lookup is one range of either table's key.
 */
function stayCovers(stay: string, message: string): string {
  return `${stay}."conversationId" = ${message}."conversationId" AND ${stay}."leaveSeq" >= ${message}."seq"
      AND ${stay}."joinSeq" < ${message}."seq"`;
}

/**
 * Whether the read `receipt` (a Receipt or ExpiredReceipt row) of the message row `message` is
 * one a leave has yet to take back: its reader left, and the stay that leave ended covers the
 * message. Such reads are no longer counted or listed; the leave sweeper deletes them later.
 * Stays of one user are disjoint in seq, so a rejoined member's new reads are never covered.
 */
export function awaitingTakeback(receipt: string, message: string): string {
  return `EXISTS (SELECT 1 FROM "ReceiptTakeback" t
    WHERE ${stayCovers('t', message)} AND t."userId" = ${receipt}."userId")`;
}

/**
 * The current readCount of the message row `alias`: the stored one, less the reads of those
 * who left and whose reads the sweeper has not taken back yet. Only unswept leaves have a
 * ReceiptTakeback row, so this walks a few rows (one index range), with a key probe each.
 */
export function currentReadCount(alias: string): string {
  const readBy = (table: string) => `EXISTS (SELECT 1 FROM "${table}" x
        WHERE x."messageId" = ${alias}."id" AND x."userId" = t."userId")`;
  return `${alias}."readCount" - (SELECT COUNT(*) FROM "ReceiptTakeback" t
    WHERE ${stayCovers('t', alias)} AND (${readBy('Receipt')} OR ${readBy('ExpiredReceipt')}))`;
}

/** A MessageRow's columns, from "Message" m joined with MESSAGE_JOINS. */
export const MESSAGE_COLUMNS = `m."id", m."conversationId", m."seq", m."senderId", m."text", m."needReadReceipt",
  ${currentAudience('m')} AS "audienceCount", ${currentReadCount('m')} AS "readCount", m."createdAt",
  m."receiptsExpiredAt", c."groupId", g."type" AS "groupType"`;
export const MESSAGE_JOINS = `JOIN "Conversation" c ON c."id" = m."conversationId" LEFT JOIN "Group" g ON g."id" = c."groupId"`;

type RawClient = Pick<Tx, '$queryRaw'>;

async function select(client: RawClient, where: Prisma.Sql): Promise<MessageRow[]> {
  const raw = await client.$queryRaw<RawMessageRow[]>(Prisma.sql`
    SELECT ${Prisma.raw(MESSAGE_COLUMNS)} FROM "Message" m ${Prisma.raw(MESSAGE_JOINS)} ${where}`);
  return raw.map(toMessageRow);
}

/** The messages among `ids` that exist, with their conversation and group type, in one statement. */
export async function loadRows(client: RawClient, ids: number[]): Promise<Map<number, MessageRow>> {
  const rows = await select(client, Prisma.sql`WHERE m."id" IN (${Prisma.join(ids)})`);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Like loadRows, keeping only messages of conversations `viewerID` belongs to. */
export async function loadRowsVisibleTo(client: RawClient, viewerID: string, ids: number[]) {
  const rows = await select(
    client,
    Prisma.sql`WHERE m."id" IN (${Prisma.join(ids)}) AND EXISTS (SELECT 1 FROM "Participant" p
      WHERE p."conversationId" = m."conversationId" AND p."userId" = ${viewerID})`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** A conversation's messages before `beforeSeq` (or the newest), newest first. */
export function loadHistory(client: RawClient, key: string, take: number, beforeSeq?: number) {
  const before = beforeSeq === undefined ? Prisma.empty : Prisma.sql`AND m."seq" < ${beforeSeq}`;
  return select(client, Prisma.sql`WHERE m."conversationId" = ${key} ${before} ORDER BY m."seq" DESC LIMIT ${take}`);
}
