// Live chats: new messages and conversation changes, so a client need not poll.
import { filter, pipe } from 'graphql-yoga';
import { conversationIDFor } from '../resolvers/ids.ts';
import type { ChatEvent } from '../resolvers/live-chats.ts';
import { builder } from './builder.ts';
import { ConversationRef } from './conversation.ts';
import { conversationIdSchema } from './inputs.ts';
import { MessageRef } from './message.ts';

builder.subscriptionFields((t) => ({
  messageAdded: t.field({
    type: MessageRef,
    description:
      "New messages in the caller's conversations (the caller's own included, for their other devices). conversationID narrows it to one chat.",
    args: { conversationID: t.arg.string({ validate: conversationIdSchema.optional().nullable() }) },
    subscribe: async (_root, { conversationID }, ctx) => {
      const viewerID = ctx.viewer!.userID;
      // Only members may listen to one chat: FORBIDDEN or NOT_FOUND otherwise, before anything flows.
      const only = conversationID ? await ctx.services.conversations.byConversationID(viewerID, conversationID) : null;
      return pipe(
        ctx.services.liveChats.stream(viewerID, only?.key),
        filter((event: ChatEvent): event is Extract<ChatEvent, { kind: 'message' }> => event.kind === 'message'),
      );
    },
    resolve: (event) => (event as Extract<ChatEvent, { kind: 'message' }>).messageID,
  }),
  conversationUpdated: t.field({
    type: ConversationRef,
    description:
      "One of the caller's conversations changed: a new message, the caller read it (maybe on another device), the peer's read time moved, or the caller joined a group.",
    subscribe: (_root, _args, ctx) => ctx.services.liveChats.stream(ctx.viewer!.userID),
    // Straight from the service, not Conversation's loader: the loader's cache lives as long as the
    // subscription's context, and every event must show the figures of its moment.
    resolve: (event, _args, ctx) => {
      const viewerID = ctx.viewer!.userID;
      return ctx.services.conversations.byConversationID(
        viewerID,
        conversationIDFor(viewerID, (event as ChatEvent).key),
      );
    },
  }),
}));
