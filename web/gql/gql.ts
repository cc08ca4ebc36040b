/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment ConversationFields on Conversation {\n  id\n  conversationID\n  unreadCount\n  type\n  lastMessageAt\n  peerReadAt\n  group {\n    groupID\n    name\n    memberCount\n    readReceiptsEnabled\n  }\n  peer {\n    userID\n    nickname\n    faceURL\n  }\n}\n\nquery Conversations($first: Int = 20) {\n  conversations(first: $first) {\n    edges {\n      node {\n        ...ConversationFields\n      }\n    }\n  }\n}\n\nquery LatestMessage($conversationID: String!) {\n  messages(conversationID: $conversationID, first: 1) {\n    edges {\n      node {\n        msgID\n      }\n    }\n  }\n}\n\nmutation MarkConversationRead($conversationID: String!) {\n  markConversationRead(conversationID: $conversationID) {\n    conversationID\n    unreadCount\n  }\n}\n\nsubscription ConversationUpdated {\n  conversationUpdated {\n    ...ConversationFields\n  }\n}": typeof types.ConversationFieldsFragmentDoc,
    "query Me {\n  me {\n    userID\n    readReceiptsEnabled\n  }\n}": typeof types.MeDocument,
    "fragment ReceiptFields on MessageReceipt {\n  id\n  msgID\n  conversationID\n  isPeerRead\n  timestamp\n  readCount\n  unreadCount\n  recentReaders {\n    userID\n  }\n}\n\nfragment MessageFields on Message {\n  msgID\n  conversationID\n  text\n  isSelf\n  needReadReceipt\n  readByMe\n  createdAt\n  sender {\n    userID\n    nickname\n    faceURL\n  }\n  receipt {\n    ...ReceiptFields\n  }\n}\n\nquery Messages($conversationID: String!, $first: Int = 30, $after: String) {\n  messages(conversationID: $conversationID, first: $first, after: $after) {\n    edges {\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nmutation SendMessage($conversationID: String!, $text: String!, $needReadReceipt: Boolean) {\n  sendMessage(\n    conversationID: $conversationID\n    text: $text\n    needReadReceipt: $needReadReceipt\n  ) {\n    ...MessageFields\n  }\n}\n\nsubscription MessageAdded($conversationID: String) {\n  messageAdded(conversationID: $conversationID) {\n    ...MessageFields\n  }\n}": typeof types.ReceiptFieldsFragmentDoc,
    "mutation MarkRead($msgIDs: [ID!]!) {\n  markRead(msgIDs: $msgIDs) {\n    msgID\n  }\n}\n\nquery ReadMembers($msgID: ID!, $filter: ReadMembersFilter!, $first: Int = 20, $after: String) {\n  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      readAt\n      node {\n        userID\n        nickname\n        faceURL\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription ReceiptUpdated($conversationID: String) {\n  receiptUpdated(conversationID: $conversationID) {\n    ...ReceiptFields\n  }\n}": typeof types.MarkReadDocument,
};
const documents: Documents = {
    "fragment ConversationFields on Conversation {\n  id\n  conversationID\n  unreadCount\n  type\n  lastMessageAt\n  peerReadAt\n  group {\n    groupID\n    name\n    memberCount\n    readReceiptsEnabled\n  }\n  peer {\n    userID\n    nickname\n    faceURL\n  }\n}\n\nquery Conversations($first: Int = 20) {\n  conversations(first: $first) {\n    edges {\n      node {\n        ...ConversationFields\n      }\n    }\n  }\n}\n\nquery LatestMessage($conversationID: String!) {\n  messages(conversationID: $conversationID, first: 1) {\n    edges {\n      node {\n        msgID\n      }\n    }\n  }\n}\n\nmutation MarkConversationRead($conversationID: String!) {\n  markConversationRead(conversationID: $conversationID) {\n    conversationID\n    unreadCount\n  }\n}\n\nsubscription ConversationUpdated {\n  conversationUpdated {\n    ...ConversationFields\n  }\n}": types.ConversationFieldsFragmentDoc,
    "query Me {\n  me {\n    userID\n    readReceiptsEnabled\n  }\n}": types.MeDocument,
    "fragment ReceiptFields on MessageReceipt {\n  id\n  msgID\n  conversationID\n  isPeerRead\n  timestamp\n  readCount\n  unreadCount\n  recentReaders {\n    userID\n  }\n}\n\nfragment MessageFields on Message {\n  msgID\n  conversationID\n  text\n  isSelf\n  needReadReceipt\n  readByMe\n  createdAt\n  sender {\n    userID\n    nickname\n    faceURL\n  }\n  receipt {\n    ...ReceiptFields\n  }\n}\n\nquery Messages($conversationID: String!, $first: Int = 30, $after: String) {\n  messages(conversationID: $conversationID, first: $first, after: $after) {\n    edges {\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nmutation SendMessage($conversationID: String!, $text: String!, $needReadReceipt: Boolean) {\n  sendMessage(\n    conversationID: $conversationID\n    text: $text\n    needReadReceipt: $needReadReceipt\n  ) {\n    ...MessageFields\n  }\n}\n\nsubscription MessageAdded($conversationID: String) {\n  messageAdded(conversationID: $conversationID) {\n    ...MessageFields\n  }\n}": types.ReceiptFieldsFragmentDoc,
    "mutation MarkRead($msgIDs: [ID!]!) {\n  markRead(msgIDs: $msgIDs) {\n    msgID\n  }\n}\n\nquery ReadMembers($msgID: ID!, $filter: ReadMembersFilter!, $first: Int = 20, $after: String) {\n  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      readAt\n      node {\n        userID\n        nickname\n        faceURL\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription ReceiptUpdated($conversationID: String) {\n  receiptUpdated(conversationID: $conversationID) {\n    ...ReceiptFields\n  }\n}": types.MarkReadDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ConversationFields on Conversation {\n  id\n  conversationID\n  unreadCount\n  type\n  lastMessageAt\n  peerReadAt\n  group {\n    groupID\n    name\n    memberCount\n    readReceiptsEnabled\n  }\n  peer {\n    userID\n    nickname\n    faceURL\n  }\n}\n\nquery Conversations($first: Int = 20) {\n  conversations(first: $first) {\n    edges {\n      node {\n        ...ConversationFields\n      }\n    }\n  }\n}\n\nquery LatestMessage($conversationID: String!) {\n  messages(conversationID: $conversationID, first: 1) {\n    edges {\n      node {\n        msgID\n      }\n    }\n  }\n}\n\nmutation MarkConversationRead($conversationID: String!) {\n  markConversationRead(conversationID: $conversationID) {\n    conversationID\n    unreadCount\n  }\n}\n\nsubscription ConversationUpdated {\n  conversationUpdated {\n    ...ConversationFields\n  }\n}"): typeof import('./graphql.js').ConversationFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    userID\n    readReceiptsEnabled\n  }\n}"): typeof import('./graphql.js').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ReceiptFields on MessageReceipt {\n  id\n  msgID\n  conversationID\n  isPeerRead\n  timestamp\n  readCount\n  unreadCount\n  recentReaders {\n    userID\n  }\n}\n\nfragment MessageFields on Message {\n  msgID\n  conversationID\n  text\n  isSelf\n  needReadReceipt\n  readByMe\n  createdAt\n  sender {\n    userID\n    nickname\n    faceURL\n  }\n  receipt {\n    ...ReceiptFields\n  }\n}\n\nquery Messages($conversationID: String!, $first: Int = 30, $after: String) {\n  messages(conversationID: $conversationID, first: $first, after: $after) {\n    edges {\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nmutation SendMessage($conversationID: String!, $text: String!, $needReadReceipt: Boolean) {\n  sendMessage(\n    conversationID: $conversationID\n    text: $text\n    needReadReceipt: $needReadReceipt\n  ) {\n    ...MessageFields\n  }\n}\n\nsubscription MessageAdded($conversationID: String) {\n  messageAdded(conversationID: $conversationID) {\n    ...MessageFields\n  }\n}"): typeof import('./graphql.js').ReceiptFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MarkRead($msgIDs: [ID!]!) {\n  markRead(msgIDs: $msgIDs) {\n    msgID\n  }\n}\n\nquery ReadMembers($msgID: ID!, $filter: ReadMembersFilter!, $first: Int = 20, $after: String) {\n  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      readAt\n      node {\n        userID\n        nickname\n        faceURL\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nsubscription ReceiptUpdated($conversationID: String) {\n  receiptUpdated(conversationID: $conversationID) {\n    ...ReceiptFields\n  }\n}"): typeof import('./graphql.js').MarkReadDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
