/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ReadMembersFilter =
  | 'READ'
  | 'UNREAD';

export type ConversationFieldsFragment = { id: string, conversationID: string, unreadCount: number, type: string, lastMessageAt: string, peerReadAt: string | null, group: { groupID: string, name: string, memberCount: number, readReceiptsEnabled: boolean } | null, peer: { userID: string, nickname: string | null, faceURL: string | null } | null };

export type ConversationsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type ConversationsQuery = { conversations: { edges: Array<{ node: { id: string, conversationID: string, unreadCount: number, type: string, lastMessageAt: string, peerReadAt: string | null, group: { groupID: string, name: string, memberCount: number, readReceiptsEnabled: boolean } | null, peer: { userID: string, nickname: string | null, faceURL: string | null } | null } }> } };

export type LatestMessageQueryVariables = Exact<{
  conversationID: string;
}>;


export type LatestMessageQuery = { messages: { edges: Array<{ node: { msgID: string } }> } };

export type MarkConversationReadMutationVariables = Exact<{
  conversationID: string;
}>;


export type MarkConversationReadMutation = { markConversationRead: { conversationID: string, unreadCount: number } };

export type ConversationUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConversationUpdatedSubscription = { conversationUpdated: { id: string, conversationID: string, unreadCount: number, type: string, lastMessageAt: string, peerReadAt: string | null, group: { groupID: string, name: string, memberCount: number, readReceiptsEnabled: boolean } | null, peer: { userID: string, nickname: string | null, faceURL: string | null } | null } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { userID: string, readReceiptsEnabled: boolean } };

export type ReceiptFieldsFragment = { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> };

export type MessageFieldsFragment = { msgID: string, conversationID: string, text: string, isSelf: boolean, needReadReceipt: boolean, readByMe: boolean, createdAt: string, sender: { userID: string, nickname: string | null, faceURL: string | null }, receipt: { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> } | null };

export type MessagesQueryVariables = Exact<{
  conversationID: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type MessagesQuery = { messages: { edges: Array<{ node: { msgID: string, conversationID: string, text: string, isSelf: boolean, needReadReceipt: boolean, readByMe: boolean, createdAt: string, sender: { userID: string, nickname: string | null, faceURL: string | null }, receipt: { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SendMessageMutationVariables = Exact<{
  conversationID: string;
  text: string;
  needReadReceipt?: boolean | null | undefined;
}>;


export type SendMessageMutation = { sendMessage: { msgID: string, conversationID: string, text: string, isSelf: boolean, needReadReceipt: boolean, readByMe: boolean, createdAt: string, sender: { userID: string, nickname: string | null, faceURL: string | null }, receipt: { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> } | null } };

export type MessageAddedSubscriptionVariables = Exact<{
  conversationID?: string | null | undefined;
}>;


export type MessageAddedSubscription = { messageAdded: { msgID: string, conversationID: string, text: string, isSelf: boolean, needReadReceipt: boolean, readByMe: boolean, createdAt: string, sender: { userID: string, nickname: string | null, faceURL: string | null }, receipt: { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> } | null } };

export type MarkReadMutationVariables = Exact<{
  msgIDs: Array<string | number> | string | number;
}>;


export type MarkReadMutation = { markRead: Array<{ msgID: string | null }> };

export type ReadMembersQueryVariables = Exact<{
  msgID: string | number;
  filter: ReadMembersFilter;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ReadMembersQuery = { readMembers: { edges: Array<{ cursor: string, readAt: string | null, node: { userID: string, nickname: string | null, faceURL: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ReceiptUpdatedSubscriptionVariables = Exact<{
  conversationID?: string | null | undefined;
}>;


export type ReceiptUpdatedSubscription = { receiptUpdated: { id: string, msgID: string | null, conversationID: string, isPeerRead: boolean, timestamp: string | null, readCount: number, unreadCount: number, recentReaders: Array<{ userID: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConversationFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConversationFields on Conversation {
  id
  conversationID
  unreadCount
  type
  lastMessageAt
  peerReadAt
  group {
    groupID
    name
    memberCount
    readReceiptsEnabled
  }
  peer {
    userID
    nickname
    faceURL
  }
}
    `, {"fragmentName":"ConversationFields"}) as unknown as TypedDocumentString<ConversationFieldsFragment, unknown>;
export const ReceiptFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}
    `, {"fragmentName":"ReceiptFields"}) as unknown as TypedDocumentString<ReceiptFieldsFragment, unknown>;
export const MessageFieldsFragmentDoc = new TypedDocumentString(`
    fragment MessageFields on Message {
  msgID
  conversationID
  text
  isSelf
  needReadReceipt
  readByMe
  createdAt
  sender {
    userID
    nickname
    faceURL
  }
  receipt {
    ...ReceiptFields
  }
}
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}`, {"fragmentName":"MessageFields"}) as unknown as TypedDocumentString<MessageFieldsFragment, unknown>;
export const ConversationsDocument = new TypedDocumentString(`
    query Conversations($first: Int = 20) {
  conversations(first: $first) {
    edges {
      node {
        ...ConversationFields
      }
    }
  }
}
    fragment ConversationFields on Conversation {
  id
  conversationID
  unreadCount
  type
  lastMessageAt
  peerReadAt
  group {
    groupID
    name
    memberCount
    readReceiptsEnabled
  }
  peer {
    userID
    nickname
    faceURL
  }
}`) as unknown as TypedDocumentString<ConversationsQuery, ConversationsQueryVariables>;
export const LatestMessageDocument = new TypedDocumentString(`
    query LatestMessage($conversationID: String!) {
  messages(conversationID: $conversationID, first: 1) {
    edges {
      node {
        msgID
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LatestMessageQuery, LatestMessageQueryVariables>;
export const MarkConversationReadDocument = new TypedDocumentString(`
    mutation MarkConversationRead($conversationID: String!) {
  markConversationRead(conversationID: $conversationID) {
    conversationID
    unreadCount
  }
}
    `) as unknown as TypedDocumentString<MarkConversationReadMutation, MarkConversationReadMutationVariables>;
export const ConversationUpdatedDocument = new TypedDocumentString(`
    subscription ConversationUpdated {
  conversationUpdated {
    ...ConversationFields
  }
}
    fragment ConversationFields on Conversation {
  id
  conversationID
  unreadCount
  type
  lastMessageAt
  peerReadAt
  group {
    groupID
    name
    memberCount
    readReceiptsEnabled
  }
  peer {
    userID
    nickname
    faceURL
  }
}`) as unknown as TypedDocumentString<ConversationUpdatedSubscription, ConversationUpdatedSubscriptionVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    userID
    readReceiptsEnabled
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const MessagesDocument = new TypedDocumentString(`
    query Messages($conversationID: String!, $first: Int = 30, $after: String) {
  messages(conversationID: $conversationID, first: $first, after: $after) {
    edges {
      node {
        ...MessageFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}
fragment MessageFields on Message {
  msgID
  conversationID
  text
  isSelf
  needReadReceipt
  readByMe
  createdAt
  sender {
    userID
    nickname
    faceURL
  }
  receipt {
    ...ReceiptFields
  }
}`) as unknown as TypedDocumentString<MessagesQuery, MessagesQueryVariables>;
export const SendMessageDocument = new TypedDocumentString(`
    mutation SendMessage($conversationID: String!, $text: String!, $needReadReceipt: Boolean) {
  sendMessage(
    conversationID: $conversationID
    text: $text
    needReadReceipt: $needReadReceipt
  ) {
    ...MessageFields
  }
}
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}
fragment MessageFields on Message {
  msgID
  conversationID
  text
  isSelf
  needReadReceipt
  readByMe
  createdAt
  sender {
    userID
    nickname
    faceURL
  }
  receipt {
    ...ReceiptFields
  }
}`) as unknown as TypedDocumentString<SendMessageMutation, SendMessageMutationVariables>;
export const MessageAddedDocument = new TypedDocumentString(`
    subscription MessageAdded($conversationID: String) {
  messageAdded(conversationID: $conversationID) {
    ...MessageFields
  }
}
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}
fragment MessageFields on Message {
  msgID
  conversationID
  text
  isSelf
  needReadReceipt
  readByMe
  createdAt
  sender {
    userID
    nickname
    faceURL
  }
  receipt {
    ...ReceiptFields
  }
}`) as unknown as TypedDocumentString<MessageAddedSubscription, MessageAddedSubscriptionVariables>;
export const MarkReadDocument = new TypedDocumentString(`
    mutation MarkRead($msgIDs: [ID!]!) {
  markRead(msgIDs: $msgIDs) {
    msgID
  }
}
    `) as unknown as TypedDocumentString<MarkReadMutation, MarkReadMutationVariables>;
export const ReadMembersDocument = new TypedDocumentString(`
    query ReadMembers($msgID: ID!, $filter: ReadMembersFilter!, $first: Int = 20, $after: String) {
  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {
    edges {
      cursor
      readAt
      node {
        userID
        nickname
        faceURL
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ReadMembersQuery, ReadMembersQueryVariables>;
export const ReceiptUpdatedDocument = new TypedDocumentString(`
    subscription ReceiptUpdated($conversationID: String) {
  receiptUpdated(conversationID: $conversationID) {
    ...ReceiptFields
  }
}
    fragment ReceiptFields on MessageReceipt {
  id
  msgID
  conversationID
  isPeerRead
  timestamp
  readCount
  unreadCount
  recentReaders {
    userID
  }
}`) as unknown as TypedDocumentString<ReceiptUpdatedSubscription, ReceiptUpdatedSubscriptionVariables>;