import type { ConversationView } from '../resolvers/conversations.ts';
import { badInput } from '../resolvers/errors.ts';
import { builder } from './builder.ts';
import { connectionResult } from './connection.ts';
import { GroupRef } from './group.ts';
import { conversationIdSchema, cursorSchema, pageSizeSchema } from './inputs.ts';
import { UserRef } from './user.ts';

export const ConversationRef = builder.loadableNode('Conversation', {
  description: "One chat as the caller sees it: conversationID is the caller's (C2C<peer> or GROUP<groupID>).",
  id: { resolve: (c: ConversationView) => c.conversationID },
  // node(id) resolves the caller's own view, so a conversation never leaks across users.
  load: (ids: string[], ctx) =>
    Promise.all(
      ids.map((id) => ctx.services.conversations.byConversationID(ctx.viewer!.userID, id).catch((e: Error) => e)),
    ),
  sort: (c) => c.conversationID,
  fields: (t) => ({
    conversationID: t.exposeString('conversationID'),
    unreadCount: t.exposeInt('unreadCount', {
      description:
        'Messages from others since the caller last marked this conversation read. Read receipts do not change it.',
    }),
    type: t.string({ description: 'C2C or GROUP', resolve: (c) => (c.groupID ? 'GROUP' : 'C2C') }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime' }),
    group: t.prismaField({
      type: 'Group',
      nullable: true,
      resolve: (query, c, _args, ctx) =>
        c.groupID ? ctx.db.group.findUnique({ ...query, where: { id: c.groupID } }) : null,
    }),
    peer: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'One-to-one: the other user.',
      resolve: (query, c, _args, ctx) =>
        c.peerID ? ctx.db.user.findUnique({ ...query, where: { id: c.peerID } }) : null,
    }),
    peerReadAt: t.loadable({
      type: 'DateTime',
      nullable: true,
      description:
        'One-to-one: when the peer last marked the chat read. Null if never, for groups, or while the peer has read receipts off.',
      load: (views, ctx) => ctx.services.conversations.peerReadTimes(views as ConversationView[]),
      resolve: (c) => c,
    }),
  }),
});
void GroupRef;
void UserRef;

const ConversationConnection = builder.connectionObject({ type: ConversationRef, name: 'ConversationConnection' });

type ConversationCursor = { at: Date; key: string };
/** Cursor times fit a DateTime column on both databases (PostgreSQL stops at 4713 BC). */
const LATEST_CURSOR_MS = Date.UTC(9999, 11, 31);
const encode = (c: ConversationView) =>
  Buffer.from(JSON.stringify([c.lastMessageAt.getTime(), c.key])).toString('base64url');
function decode(raw: string): ConversationCursor {
  try {
    const [at, key] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    const validAt = Number.isSafeInteger(at) && at >= 0 && at <= LATEST_CURSOR_MS;
    if (validAt && typeof key === 'string' && key.length <= 200) return { at: new Date(at), key };
  } catch {}
  throw badInput('after', 'not a cursor from conversations');
}

builder.queryFields((t) => ({
  conversations: t.field({
    type: ConversationConnection,
    description: "The caller's conversations, most recently active first.",
    args: {
      first: t.arg.int({ validate: pageSizeSchema(100).optional().nullable() }),
      after: t.arg.string({ validate: cursorSchema }),
    },
    resolve: async (_root, { first, after }, ctx) => {
      const { views, hasNextPage } = await ctx.services.conversations.list(
        ctx.viewer!.userID,
        first ?? 20,
        after ? decode(after) : undefined,
      );
      const edges = views.map((node) => ({ cursor: encode(node), node }));
      return connectionResult(edges, hasNextPage, Boolean(after));
    },
  }),
}));

builder.mutationFields((t) => ({
  markConversationRead: t.field({
    type: ConversationRef,
    description:
      "Sets the caller's unreadCount to 0. In a one-to-one chat the peer also gets a receiptUpdated with msgID null and the read timestamp.",
    args: { conversationID: t.arg.string({ required: true, validate: conversationIdSchema }) },
    resolve: (_root, { conversationID }, ctx) =>
      ctx.services.conversations.markConversationRead(ctx.viewer!.userID, conversationID),
  }),
}));
