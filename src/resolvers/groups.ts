import { randomBytes } from 'node:crypto';
import type { GroupType } from '../config.ts';
import { inTransaction, lockMessagesAfter, type Tx } from '../db/transaction.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput, forbidden, notFound } from './errors.ts';
import { groupKey } from './ids.ts';
import { announceJoined } from './live-chats.ts';
import type { UserService } from './users.ts';

export type CreateGroupInput = { groupID?: string | null; name: string; type: GroupType; memberIDs: string[] };

export class GroupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly users: UserService,
  ) {}

  /** The creator is always a member and the owner. */
  async create(ownerID: string, input: CreateGroupInput) {
    const groupID = input.groupID ?? `@TGS#${randomBytes(6).toString('base64url')}`;
    const members = [...new Set([ownerID, ...input.memberIDs])];
    const created = await inTransaction(this.deps.db, async (tx) => {
      if (await tx.group.count({ where: { id: groupID } })) throw badInput('groupID', `${groupID} is already in use`);
      await this.users.ensureUsers(tx, members);
      const group = await tx.group.create({
        data: { id: groupID, name: input.name, type: input.type, ownerId: ownerID },
      });
      await tx.conversation.create({ data: { id: groupKey(groupID), groupId: groupID, memberCount: members.length } });
      await tx.participant.createMany({
        data: members.map((userId) => ({ conversationId: groupKey(groupID), userId, joinSeq: 0, readSeq: 0 })),
      });
      return group;
    });
    announceJoined(this.deps.pubsub, groupKey(groupID), members);
    return created;
  }

  /** Any member may add members. New members are in the audience of later messages only. */
  async addMembers(callerID: string, groupID: string, userIDs: string[]) {
    const key = groupKey(groupID);
    let joined: string[] = [];
    const group = await inTransaction(this.deps.db, async (tx) => {
      await this.requireMember(tx, callerID, groupID);
      const existing = await tx.participant.findMany({
        where: { conversationId: key, userId: { in: userIDs } },
        select: { userId: true },
      });
      const have = new Set(existing.map((p) => p.userId));
      const joining = [...new Set(userIDs)].filter((id) => !have.has(id));
      if (joining.length) {
        await this.users.ensureUsers(tx, joining);
        // Updating the conversation row serializes with sends: the seq read here is exact.
        const { lastSeq } = await tx.conversation.update({
          where: { id: key },
          data: { memberCount: { increment: joining.length } },
          select: { lastSeq: true },
        });
        await tx.participant.createMany({
          data: joining.map((userId) => ({ conversationId: key, userId, joinSeq: lastSeq, readSeq: lastSeq })),
        });
      }
      joined = joining;
      return tx.group.findUniqueOrThrow({ where: { id: groupID } });
    });
    announceJoined(this.deps.pubsub, key, joined);
    return group;
  }

  /**
   * The owner may remove anyone else; any member may remove themselves. A member who leaves
   * drops out of every message's audience and read list, so read + unread stays the audience.
   */
  async removeMembers(callerID: string, groupID: string, userIDs: string[]) {
    const key = groupKey(groupID);
    return inTransaction(this.deps.db, async (tx) => {
      const group = await this.requireMember(tx, callerID, groupID);
      const targets = [...new Set(userIDs)];
      // Permission first: a member who tries to remove the owner is refused, not corrected.
      if (group.ownerId !== callerID && targets.some((id) => id !== callerID)) {
        throw forbidden('only the group owner may remove other members');
      }
      if (targets.includes(group.ownerId)) throw badInput('userIDs', 'the owner cannot leave the group');
      const leaving = await tx.participant.findMany({
        where: { conversationId: key, userId: { in: targets } },
        select: { userId: true, joinSeq: true },
        // In key order, as markRead's batches take their share locks: no lock cycle between them.
        orderBy: { userId: 'asc' },
      });
      if (leaving.length === 0) return group;
      await tx.conversation.update({ where: { id: key }, data: { memberCount: { decrement: leaving.length } } });
      for (const member of leaving) await this.dropFromAudience(tx, key, member.userId, member.joinSeq);
      return group;
    });
  }

  private async dropFromAudience(tx: Tx, key: string, userID: string, joinSeq: number) {
    // Delete the membership first: on PostgreSQL this waits for any markRead that holds it.
    await tx.participant.delete({ where: { conversationId_userId: { conversationId: key, userId: userID } } });
    // Then the messages, in id order like markRead, whatever plan the UPDATE below gets.
    await lockMessagesAfter(tx, this.deps.provider, key, joinSeq);
    await tx.$executeRaw(Prisma.sql`
      UPDATE "Message" SET
        "audienceCount" = "audienceCount" - 1,
        "readCount" = "readCount" - (SELECT COUNT(*) FROM "Receipt" r WHERE r."messageId" = "Message"."id" AND r."userId" = ${userID})
      WHERE "conversationId" = ${key} AND "seq" > ${joinSeq} AND "senderId" <> ${userID}`);
    await tx.$executeRaw(Prisma.sql`
      DELETE FROM "Receipt" WHERE "userId" = ${userID}
        AND "messageId" IN (SELECT "id" FROM "Message" WHERE "conversationId" = ${key} AND "seq" > ${joinSeq})`);
  }

  private async requireMember(tx: Tx, callerID: string, groupID: string) {
    const group = await tx.group.findUnique({ where: { id: groupID } });
    if (!group) throw notFound(`group ${groupID} does not exist`);
    const member = await tx.participant.count({ where: { conversationId: groupKey(groupID), userId: callerID } });
    if (!member) throw forbidden(`you are not a member of group ${groupID}`);
    return group;
  }
}
