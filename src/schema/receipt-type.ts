import type { ReceiptView } from '../resolvers/receipt-view.ts';
import { builder } from './builder.ts';
import { ConversationRef } from './conversation.ts';
import { MessageRef } from './message.ts';

export const MessageReceiptRef = builder.objectRef<ReceiptView>('MessageReceipt');

MessageReceiptRef.implement({
  description: 'Read-receipt figures of one message, in the view of the user who gets them.',
  fields: (t) => ({
    id: t.id({
      description:
        "Stable: the sender's view of a message has one id, in Message.receipt, messageReceipts and every receiptUpdated about it, so normalized caches merge them. A conversation-level read has one per chat.",
      resolve: (r) => r.id,
    }),
    // Loaded per batch, not cached: a subscription keeps one context for all its events, and a
    // cached conversation or message would show the first event's figures for ever.
    conversation: t.loadable({
      type: ConversationRef,
      description: "The receiving user's conversation.",
      loaderOptions: { cache: false },
      load: async (conversationIDs: string[], ctx) => {
        const unique = [...new Set(conversationIDs)];
        const views = await Promise.all(
          unique.map((id) => ctx.services.conversations.byConversationID(ctx.viewer!.userID, id)),
        );
        return conversationIDs.map((id) => views[unique.indexOf(id)]);
      },
      resolve: (r) => r.conversationID,
    }),
    message: t.loadable({
      type: MessageRef,
      nullable: true,
      description: 'Null for a conversation-level one-to-one read.',
      loaderOptions: { cache: false },
      load: (ids: number[], ctx) => ctx.services.messages.loadVisible(ctx.viewer!.userID, ids),
      resolve: (r) => (r.msgID === null ? null : Number(r.msgID)),
    }),
    msgID: t.id({
      nullable: true,
      description: 'Null only for a conversation-level one-to-one read (markConversationRead).',
      resolve: (r) => r.msgID,
    }),
    conversationID: t.exposeString('conversationID', { description: "The receiving user's conversationID." }),
    userID: t.id({ nullable: true, description: 'One-to-one: the receiver.', resolve: (r) => r.userID }),
    groupID: t.id({ nullable: true, description: 'Group: the group.', resolve: (r) => r.groupID }),
    isPeerRead: t.exposeBoolean('isPeerRead', {
      description: 'One-to-one: the receiver has read it. Group: every member of the audience has.',
    }),
    timestamp: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'One-to-one: when the receiver read it.',
      resolve: (r) => r.timestamp,
    }),
    readCount: t.exposeInt('readCount', { description: 'Members who have read it (one-to-one: 1 or 0).' }),
    unreadCount: t.exposeInt('unreadCount', { description: 'Members who have not; 0 means all have read it.' }),
  }),
});
