import type { User } from '../generated/prisma/client.ts';
import { builder } from './builder.ts';
import { faceUrlSchema, nicknameSchema } from './inputs.ts';
import { selectsOnly } from './selection.ts';

/** User fields made of the id alone (the global `id` and `userID`). */
const ID_FIELDS = new Set(['id', 'userID']);

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  // node(id) with an unknown user ID is null, not an error.
  nullable: true,
  description: 'A chat user. Created on their first authenticated request, or when someone names them.',
  fields: (t) => ({
    userID: t.exposeID('id'),
    readReceiptsEnabled: t.exposeBoolean('readReceiptsEnabled', {
      description: 'Privacy switch: when off, this user sends no read receipts. On by default.',
    }),
    nickname: t.exposeString('nickname', { nullable: true, description: 'Display name (updateProfile).' }),
    faceURL: t.exposeString('faceURL', { nullable: true, description: 'Avatar: an http(s) URL (updateProfile).' }),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    // The caller's row exists (the context creates it on their first request; users are never
    // deleted), so `me { userID }`, a client asking who it is, is answered without a read.
    resolve: (query, _root, _args, ctx, info) => {
      const id = ctx.viewer!.userID;
      if (selectsOnly(info, ID_FIELDS)) return { id } as User;
      return ctx.db.user.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
);

builder.mutationField('setReadReceiptsEnabled', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Turns read receipts off (or back on). Receipts already sent stay visible to their senders.',
    args: { enabled: t.arg.boolean({ required: true }) },
    resolve: (query, _root, { enabled }, ctx) =>
      ctx.db.user.update({ ...query, where: { id: ctx.viewer!.userID }, data: { readReceiptsEnabled: enabled } }),
  }),
);

builder.mutationField('updateProfile', (t) =>
  t.prismaField({
    type: 'User',
    description: "Sets the caller's nickname and avatar URL. An argument left out stays as it is; null clears it.",
    args: {
      nickname: t.arg.string({ validate: nicknameSchema }),
      faceURL: t.arg.string({ validate: faceUrlSchema }),
    },
    resolve: (query, _root, args, ctx) => ctx.services.users.updateProfile(ctx.viewer!.userID, args, query),
  }),
);
