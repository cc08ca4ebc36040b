import { badInput } from '../resolvers/errors.ts';
import { conversationIDFor, fitsIntColumn, parseMessageID } from '../resolvers/ids.ts';
import type { MessageRow } from '../resolvers/messages.ts';
import { builder } from './builder.ts';
import { connectionResult } from './connection.ts';
import { clientMsgIdSchema, conversationIdSchema, cursorSchema, pageSizeSchema, textSchema } from './inputs.ts';
import { MessageReceiptRef } from './receipt-type.ts';

/** node(id: "Message:<id>"): a malformed id is the caller's mistake, not a server error. */
function messageIdOf(id: string): number {
  const parsed = parseMessageID(id);
  if (parsed === null) throw badInput('id', 'not a message ID');
  return parsed;
}

export const MessageRef = builder.loadableNode('Message', {
  id: {
    resolve: (m: MessageRow) => m.id,
    parse: (id) => messageIdOf(id),
  },
  // node(id) and every other path load through here: only participants see a message.
  load: (ids: number[], ctx) => ctx.services.messages.loadVisible(ctx.viewer!.userID, ids),
  sort: (m) => m.id,
  fields: (t) => ({
    msgID: t.id({ resolve: (m) => String(m.id) }),
    conversationID: t.string({
      description: "The caller's conversationID for this message's chat.",
      resolve: (m, _args, ctx) => conversationIDFor(ctx.viewer!.userID, m.conversationId),
    }),
    seq: t.exposeInt('seq', { description: 'Position in the conversation: 1, 2, 3, ...' }),
    sender: t.prismaField({
      type: 'User',
      resolve: (query, m, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: m.senderId } }),
    }),
    text: t.exposeString('text'),
    needReadReceipt: t.exposeBoolean('needReadReceipt'),
    isSelf: t.boolean({ resolve: (m, _args, ctx) => m.senderId === ctx.viewer!.userID }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    receipt: t.loadable({
      type: MessageReceiptRef,
      nullable: true,
      description: 'Null unless the caller sent this message and it needs a read receipt.',
      // Batched: the receipts of a whole page of messages cost a fixed number of queries.
      load: async (keys, ctx) => {
        const messages = keys as MessageRow[];
        const views = await ctx.services.receipts.views(ctx.viewer!.userID, messages);
        return messages.map((m) => views.get(m.id) ?? null);
      },
      resolve: (m) => m,
    }),
    readByMe: t.loadable({
      type: 'Boolean',
      description:
        'The caller has read it: markRead, or a conversation read that covers it. Their own messages count as read.',
      load: (keys, ctx) => ctx.services.messageReads.readByMe(ctx.viewer!.userID, keys as MessageRow[]),
      resolve: (m) => m,
    }),
    isPeerRead: t.loadable({
      type: 'Boolean',
      nullable: true,
      description:
        "The caller's own one-to-one messages: whether the peer has read it, by a receipt or by a conversation read made with receipts on that covers it (the same rule as receipt). Null otherwise.",
      load: (keys, ctx) => ctx.services.messageReads.isPeerRead(ctx.viewer!.userID, keys as MessageRow[]),
      resolve: (m) => m,
    }),
  }),
});

const MessageConnection = builder.connectionObject({ type: MessageRef, name: 'MessageConnection' });

builder.queryFields((t) => ({
  messages: t.field({
    type: MessageConnection,
    description:
      'History of a conversation, newest first (Relay forward paging: pass pageInfo.endCursor as `after` for older messages).',
    args: {
      conversationID: t.arg.string({ required: true, validate: conversationIdSchema }),
      first: t.arg.int({ validate: pageSizeSchema(100).optional().nullable() }),
      after: t.arg.string({ validate: cursorSchema }),
    },
    resolve: async (_root, { conversationID, first, after }, ctx) => {
      const afterSeq = after === null || after === undefined ? undefined : Number(after);
      if (afterSeq !== undefined && !fitsIntColumn(afterSeq, 1)) {
        throw badInput('after', 'not a cursor from messages');
      }
      const page = await ctx.services.messages.history(ctx.viewer!.userID, conversationID, first ?? 20, afterSeq);
      const edges = page.rows.map((node) => ({ cursor: String(node.seq), node }));
      return connectionResult(edges, page.hasNextPage, afterSeq !== undefined);
    },
  }),
}));

builder.mutationFields((t) => ({
  sendMessage: t.field({
    type: MessageRef,
    description:
      'Sends to C2C<userID> or GROUP<groupID>. needReadReceipt asks receivers for read receipts. clientMsgID is an idempotency key: repeating one (a retry after a lost answer) returns the original message and sends nothing twice.',
    args: {
      conversationID: t.arg.string({ required: true, validate: conversationIdSchema }),
      text: t.arg.string({ required: true, validate: textSchema }),
      needReadReceipt: t.arg.boolean({ defaultValue: false }),
      clientMsgID: t.arg.string({ validate: clientMsgIdSchema }),
    },
    resolve: (_root, { conversationID, text, needReadReceipt, clientMsgID }, ctx) =>
      ctx.services.messages.send(
        ctx.viewer!.userID,
        conversationID,
        text,
        needReadReceipt ?? false,
        clientMsgID ?? undefined,
      ),
  }),
}));
