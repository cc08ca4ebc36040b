// Joining and leaving a group, as set-based statements: a fixed number of statements for any
// number of members, and a leave whose cost does not depend on the group's history. Callers hold
// the conversation row (lockConversationSeq 'update'), which serializes membership changes with
// sends, so the seq they pass is exact.
import { Prisma } from '../generated/prisma/client.ts';
import type { Provider } from './client.ts';
import { sqlBoolean, textList, timestampValue } from './sql-values.ts';
import type { Tx } from './transaction.ts';

/**
 * Creates user records for these ids; ones that exist already are left as they are. (SQLite needs
 * a WHERE before ON CONFLICT in an INSERT ... SELECT, or it reads ON as a join's.)
 */
export async function insertUsers(tx: Tx, provider: Provider, userIDs: string[], now: Date): Promise<void> {
  if (userIDs.length === 0) return;
  await tx.$executeRaw`INSERT INTO "User" ("id", "createdAt")
    SELECT l."value", ${timestampValue(provider, now)} FROM ${textList(provider, userIDs)} l
    WHERE true ON CONFLICT DO NOTHING`;
}

/**
 * Of the users to add: who has no user record yet, and who is not a member yet. One SELECT that
 * returns only the exceptions (usually none), with one key lookup per id in each table: cheaper
 * than an INSERT that probes every id, or a RETURNING row per new member. Callers hold the
 * conversation row, so the membership it reads cannot change before they insert.
 */
export async function findNewcomers(tx: Tx, provider: Provider, key: string, userIDs: string[]) {
  const user = Prisma.sql`EXISTS (SELECT 1 FROM "User" u WHERE u."id" = l."value")`;
  const member = Prisma.sql`EXISTS (SELECT 1 FROM "Participant" p WHERE p."conversationId" = ${key} AND p."userId" = l."value")`;
  const exceptions = await tx.$queryRaw<{ userId: string; hasUser: unknown; isMember: unknown }[]>`
    SELECT l."value" AS "userId", ${user} AS "hasUser", ${member} AS "isMember" FROM ${textList(provider, userIDs)} l
    WHERE NOT ${user} OR ${member}`;
  const members = new Set(exceptions.filter((e) => sqlBoolean(e.isMember)).map((e) => e.userId));
  return {
    withoutUser: exceptions.filter((e) => !sqlBoolean(e.hasUser)).map((e) => e.userId),
    joining: userIDs.filter((id) => !members.has(id)),
  };
}

/** Memberships for users who are not members yet, in the audience of messages after `seq`. One INSERT. */
export async function insertParticipants(
  tx: Tx,
  provider: Provider,
  key: string,
  userIDs: string[],
  seq: number,
  now: Date,
): Promise<void> {
  if (userIDs.length === 0) return;
  await tx.$executeRaw`INSERT INTO "Participant" ("conversationId", "userId", "joinSeq", "readSeq", "joinedAt")
    SELECT ${key}, l."value", ${seq}, ${seq}, ${timestampValue(provider, now)} FROM ${textList(provider, userIDs)} l`;
}

/**
 * Adds `delta` (negative for leavers) to the group's member count. One raw statement: Prisma's
 * update compiles a query plan on each call, which cost more than the statement itself.
 */
export async function changeMemberCount(tx: Tx, key: string, delta: number): Promise<void> {
  await tx.$executeRaw`UPDATE "Conversation" SET "memberCount" = "memberCount" + ${delta} WHERE "id" = ${key}`;
}

export type GroupRow = { id: string; name: string; type: string; ownerId: string; createdAt: Date };
export type MemberGroup = { group: GroupRow; isMember: boolean; lastSeq: number };

/**
 * A group, whether `userID` is one of its members, and its conversation's lastSeq, in one
 * statement (Prisma's include would take three). On SQLite the transaction holds the whole
 * database, so that lastSeq is exact until commit; PostgreSQL callers lock the row for it.
 */
export async function findMemberGroup(tx: Tx, groupID: string, userID: string): Promise<MemberGroup | null> {
  const [row] = await tx.$queryRaw<
    (Omit<GroupRow, 'createdAt'> & { createdAt: Date | string; member: unknown; lastSeq: unknown })[]
  >`
    SELECT g."id", g."name", g."type", g."ownerId", g."createdAt", c."lastSeq",
      EXISTS (SELECT 1 FROM "Participant" p WHERE p."conversationId" = c."id" AND p."userId" = ${userID}) AS "member"
    FROM "Group" g JOIN "Conversation" c ON c."groupId" = g."id" WHERE g."id" = ${groupID}`;
  if (!row) return null;
  const { member, lastSeq, createdAt, ...group } = row;
  return {
    group: { ...group, createdAt: new Date(createdAt) },
    isMember: sqlBoolean(member),
    lastSeq: Number(lastSeq),
  };
}

export type Leaver = { userId: string; joinSeq: number };

/** The members among `userIDs`, in key order (as markRead's batches take them); locked on PostgreSQL. */
export async function lockLeavers(tx: Tx, provider: Provider, key: string, userIDs: string[]): Promise<Leaver[]> {
  const rows = await tx.$queryRaw<{ userId: string; joinSeq: number | bigint }[]>`
    SELECT "userId", "joinSeq" FROM "Participant"
    WHERE "conversationId" = ${key} AND "userId" IN (${Prisma.join(userIDs)})
    ORDER BY "userId" ${provider === 'postgresql' ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  return rows.map((r) => ({ userId: r.userId, joinSeq: Number(r.joinSeq) }));
}

/**
 * Takes leavers out of the group: their memberships, and a Departure and a ReceiptTakeback row
 * each. From the commit on, every message of their stay counts one member less, and their
 * reads of it are neither counted nor listed (both are subtracted when read, see
 * message-rows.ts); the leave sweeper (src/resolvers/leave-sweep.ts) then deletes those reads
 * in the background. Three statements, whatever the history or the leavers' reads: no message
 * row is written or locked, so a leave neither grows with history nor stalls markRead.
 */
export async function removeLeavers(tx: Tx, key: string, leavers: Leaver[], leaveSeq: number) {
  await tx.participant.deleteMany({ where: { conversationId: key, userId: { in: leavers.map((l) => l.userId) } } });
  // A stay during which no message was sent covers nothing (no read to take back either): no
  // row, and the keys stay unique.
  const stays = leavers
    .filter((l) => l.joinSeq < leaveSeq)
    .map((l) => ({ conversationId: key, userId: l.userId, joinSeq: l.joinSeq, leaveSeq }));
  if (stays.length) {
    await tx.departure.createMany({ data: stays });
    await tx.receiptTakeback.createMany({ data: stays });
  }
}
