import { randomBytes } from 'node:crypto';
import type { GroupType } from '../config.ts';
import {
  changeMemberCount,
  findMemberGroup,
  findNewcomers,
  insertParticipants,
  insertUsers,
  lockLeavers,
  removeLeavers,
} from '../db/membership.ts';
import { inTransaction, lockConversationSeq, type Tx } from '../db/transaction.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput, forbidden, notFound } from './errors.ts';
import { groupKey } from './ids.ts';
import type { LeaveSweep } from './leave-sweep.ts';
import { announceJoined } from './live-chats.ts';

export type CreateGroupInput = { groupID?: string | null; name: string; type: GroupType; memberIDs: string[] };

export class GroupService {
  private readonly deps: ServiceDeps;
  private readonly leaveSweep: LeaveSweep;

  constructor(deps: ServiceDeps, leaveSweep: LeaveSweep) {
    this.deps = deps;
    this.leaveSweep = leaveSweep;
  }

  /** The creator is always a member and the owner. */
  async create(ownerID: string, input: CreateGroupInput) {
    const groupID = input.groupID ?? `@TGS#${randomBytes(6).toString('base64url')}`;
    const members = [...new Set([ownerID, ...input.memberIDs])];
    const { db, provider } = this.deps;
    const now = new Date();
    const created = await inTransaction(db, async (tx) => {
      if (await tx.group.count({ where: { id: groupID } })) throw badInput('groupID', `${groupID} is already in use`);
      await insertUsers(tx, provider, members, now);
      const group = await tx.group.create({
        data: { id: groupID, name: input.name, type: input.type, ownerId: ownerID },
      });
      await tx.conversation.create({ data: { id: groupKey(groupID), groupId: groupID, memberCount: members.length } });
      await insertParticipants(tx, provider, groupKey(groupID), members, 0, now);
      return group;
    });
    announceJoined(this.deps.pubsub, groupKey(groupID), members);
    return created;
  }

  /**
   * Any member may add members. New members are in the audience of later messages only. A fixed
   * number of statements for any number of members: one SELECT for who is new, an INSERT for
   * users without a record (only if any), one for the memberships, one counter update.
   */
  async addMembers(callerID: string, groupID: string, userIDs: string[]) {
    const key = groupKey(groupID);
    const wanted = [...new Set(userIDs)];
    const { db, provider } = this.deps;
    const now = new Date();
    let joined: string[] = [];
    const group = await inTransaction(db, async (tx) => {
      const { group, lastSeq: seqRead } = await this.requireMember(tx, callerID, groupID);
      // Holding the conversation row serializes with sends and other membership changes: the
      // seq is exact, and so is the number of users who were not members yet. SQLite's
      // transaction already holds the database, so the seq read with the group is exact there.
      const lastSeq =
        provider === 'postgresql' ? ((await lockConversationSeq(tx, provider, key, 'update')) as number) : seqRead;
      const { withoutUser, joining } = await findNewcomers(tx, provider, key, wanted);
      // In key order, so two calls creating the same users do not wait on each other in a cycle.
      await insertUsers(tx, provider, withoutUser.sort(), now);
      await insertParticipants(tx, provider, key, joining, lastSeq, now);
      if (joining.length) await changeMemberCount(tx, key, joining.length);
      joined = joining;
      return group;
    });
    announceJoined(this.deps.pubsub, key, joined);
    return group;
  }

  /**
   * The owner may remove anyone else; any member may remove themselves. A member who leaves
   * drops out of every message's audience and read list, so read + unread stays the audience:
   * the leave writes a Departure row instead of touching each message, and the leave sweeper
   * deletes the leaver's reads after it has returned (see removeLeavers).
   */
  async removeMembers(callerID: string, groupID: string, userIDs: string[]) {
    const key = groupKey(groupID);
    const { db, provider } = this.deps;
    const group = await inTransaction(db, async (tx) => {
      const { group } = await this.requireMember(tx, callerID, groupID);
      const targets = [...new Set(userIDs)];
      // Permission first: a member who tries to remove the owner is refused, not corrected.
      if (group.ownerId !== callerID && targets.some((id) => id !== callerID)) {
        throw forbidden('only the group owner may remove other members');
      }
      if (targets.includes(group.ownerId)) throw badInput('userIDs', 'the owner cannot leave the group');
      // Conversation row, then member rows, then message rows: the order sends and markRead's
      // batches take them in, so none of them waits on another in a cycle.
      const leaveSeq = (await lockConversationSeq(tx, provider, key, 'update')) as number;
      const leaving = await lockLeavers(tx, provider, key, targets);
      if (leaving.length === 0) return group;
      await changeMemberCount(tx, key, -leaving.length);
      await removeLeavers(tx, key, leaving, leaveSeq);
      return group;
    });
    this.leaveSweep.wake();
    return group;
  }

  /** The group and its lastSeq (see findMemberGroup); NOT_FOUND, or FORBIDDEN for a non-member. */
  private async requireMember(tx: Tx, callerID: string, groupID: string) {
    const found = await findMemberGroup(tx, groupID, callerID);
    if (!found) throw notFound(`group ${groupID} does not exist`);
    if (!found.isMember) throw forbidden(`you are not a member of group ${groupID}`);
    return found;
  }
}
