import { filter, pipe } from 'graphql-yoga';
import { MAX_READ_MEMBERS_PAGE, type ReadMemberEdge } from '../resolvers/read-members.ts';
import type { ReceiptView } from '../resolvers/receipt-view.ts';
import { builder } from './builder.ts';
import { connectionResult } from './connection.ts';
import {
  conversationIdSchema,
  cursorSchema,
  msgIdListSchema,
  msgIdSchema,
  pageSizeSchema,
  toMsgIds,
} from './inputs.ts';
import { MessageReceiptRef } from './receipt-type.ts';
import { UserRef } from './user.ts';

const ReadMembersFilter = builder.enumType('ReadMembersFilter', { values: ['READ', 'UNREAD'] as const });

const ReadMemberConnection = builder.connectionObject(
  { type: UserRef, name: 'ReadMemberConnection' },
  {
    name: 'ReadMemberEdge',
    fields: (t) => ({
      readAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (edge) => (edge as unknown as ReadMemberEdge).readAt,
      }),
    }),
  },
);

builder.mutationFields((t) => ({
  markRead: t.field({
    type: [MessageReceiptRef],
    description:
      "Sends read receipts for 1 to 30 messages of one conversation. Idempotent; does not change unreadCount. Returns the caller's own receipts, in input order. skipIneligible: the caller's own messages and ones without a receipt are skipped instead of failing the call, and left out of the result.",
    args: {
      msgIDs: t.arg.idList({ required: true, validate: msgIdListSchema }),
      skipIneligible: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, { msgIDs, skipIneligible }, ctx) =>
      ctx.services.receipts.markRead(ctx.viewer!.userID, toMsgIds(msgIDs as string[]), skipIneligible ?? false),
  }),
}));

builder.queryFields((t) => ({
  messageReceipts: t.field({
    type: [MessageReceiptRef],
    description: "Read figures of the caller's own messages (1 to 30, one conversation), in input order.",
    args: { msgIDs: t.arg.idList({ required: true, validate: msgIdListSchema }) },
    resolve: (_root, { msgIDs }, ctx) =>
      ctx.services.receipts.messageReceipts(ctx.viewer!.userID, toMsgIds(msgIDs as string[])),
  }),
  readMembers: t.field({
    type: ReadMemberConnection,
    description:
      "Members who have (READ, in reading order) or have not (UNREAD, by userID) read the caller's group message. At most 100 a page.",
    args: {
      msgID: t.arg.id({ required: true, validate: msgIdSchema }),
      filter: t.arg({ type: ReadMembersFilter, required: true }),
      first: t.arg.int({ defaultValue: 20, validate: pageSizeSchema(MAX_READ_MEMBERS_PAGE) }),
      after: t.arg.string({ validate: cursorSchema }),
    },
    resolve: async (_root, args, ctx) => {
      const page = await ctx.services.readMembers.page(
        ctx.viewer!.userID,
        Number(args.msgID),
        args.filter,
        args.first ?? 20,
        args.after ?? undefined,
      );
      const edges = page.edges.map((edge) => ({ ...edge, node: edge.user }));
      return connectionResult(edges, page.hasNextPage, Boolean(args.after));
    },
  }),
}));

builder.subscriptionFields((t) => ({
  receiptUpdated: t.field({
    type: MessageReceiptRef,
    description:
      "Live receipts for the caller's own messages. conversationID (the caller's view) narrows it to one chat.",
    args: { conversationID: t.arg.string({ validate: conversationIdSchema.optional().nullable() }) },
    subscribe: (_root, { conversationID }, ctx) =>
      pipe(
        ctx.pubsub.subscribe('receipts:sender', ctx.viewer!.userID),
        filter((receipt: ReceiptView) => !conversationID || receipt.conversationID === conversationID),
        // RECIPROCAL privacy: nothing while the subscriber's own receipts are off.
        filter(async () => !(await ctx.services.receipts.withheldFrom(ctx.viewer!.userID))),
      ),
    resolve: (receipt) => receipt,
  }),
}));
