import { GROUP_TYPES } from '../config.ts';
import { groupHasReceipts } from '../resolvers/deps.ts';
import { builder } from './builder.ts';
import { groupIdSchema, groupNameSchema, userIdListSchema } from './inputs.ts';

export const GroupTypeEnum = builder.enumType('GroupType', {
  description: "Tencent Cloud Chat's group types. READ_RECEIPT_GROUP_TYPES picks which have read receipts.",
  values: GROUP_TYPES,
});

export const GroupRef = builder.prismaNode('Group', {
  id: { field: 'id' },
  // node(id) finds a group only for its members; for anyone else it is null, not an error.
  nullable: true,
  findUnique: (id, ctx) => ({ id, conversation: { participants: { some: { userId: ctx.viewer?.userID ?? '' } } } }),
  fields: (t) => ({
    groupID: t.exposeID('id'),
    name: t.exposeString('name'),
    type: t.field({ type: GroupTypeEnum, resolve: (g) => g.type as (typeof GROUP_TYPES)[number] }),
    conversationID: t.string({ resolve: (g) => `GROUP${g.id}` }),
    owner: t.relation('owner'),
    memberCount: t.int({
      select: { conversation: { select: { memberCount: true } } },
      resolve: (g) => g.conversation?.memberCount ?? 0,
    }),
    readReceiptsEnabled: t.boolean({
      description: 'Whether messages in this group can carry read receipts (app config by group type).',
      resolve: (g, _args, ctx) => groupHasReceipts(ctx.config, g.type),
    }),
  }),
});

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: GroupRef,
    description: 'Creates a group. The caller is its owner and a member; memberIDs are added too.',
    args: {
      groupID: t.arg.id({ validate: groupIdSchema }),
      name: t.arg.string({ required: true, validate: groupNameSchema }),
      type: t.arg({ type: GroupTypeEnum, required: true }),
      memberIDs: t.arg.idList({ required: true, validate: userIdListSchema }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.groups.create(ctx.viewer!.userID, {
        groupID: args.groupID as string | null | undefined,
        name: args.name,
        type: args.type,
        memberIDs: args.memberIDs as string[],
      }),
  }),
  addGroupMembers: t.field({
    type: GroupRef,
    description: 'Any member may add members. They join the audience of messages sent from now on.',
    args: {
      groupID: t.arg.id({ required: true, validate: groupIdSchema.unwrap().unwrap() }),
      userIDs: t.arg.idList({ required: true, validate: userIdListSchema.min(1, 'give at least one userID') }),
    },
    resolve: (_root, { groupID, userIDs }, ctx) =>
      ctx.services.groups.addMembers(ctx.viewer!.userID, String(groupID), userIDs as string[]),
  }),
  removeGroupMembers: t.prismaField({
    type: GroupRef,
    description: 'The owner removes members; any member may remove themselves. Leavers drop out of every receipt list.',
    args: {
      groupID: t.arg.id({ required: true, validate: groupIdSchema.unwrap().unwrap() }),
      userIDs: t.arg.idList({ required: true, validate: userIdListSchema.min(1, 'give at least one userID') }),
    },
    // Loaded here by id with the requested selection: a caller who just left is no longer a member,
    // and Group's node lookup (which Pothos would fall back to) only finds groups of members.
    resolve: async (query, _root, { groupID, userIDs }, ctx) => {
      const group = await ctx.services.groups.removeMembers(ctx.viewer!.userID, String(groupID), userIDs as string[]);
      return ctx.db.group.findUniqueOrThrow({ ...query, where: { id: group.id } });
    },
  }),
}));
