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
        'Stable: the sender\'s view of a message has one id, in Message.receipt, messageReceipts and every receiptUpdated about it, so normalized caches merge them. A conversation-level read has one per chat.',
      resolve: (r) => r.id,
    }),
    conversation: t.field({
      type: ConversationRef,
      description: "The receiving user's conversation.",
      resolve: (r) => r.conversationID,
    }),
    message: t.field({
      type: MessageRef,
      nullable: true,
      description: 'Null for a conversation-level one-to-one read.',
      // Through Message's loader: a page of receipts costs one query, and visibility is checked there.
      resolve: (r, _args, ctx) => (r.msgID === null ? null : MessageRef.getDataloader(ctx).load(Number(r.msgID))),
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
