// The operations tests share, written the way a frontend would.
export const CREATE_GROUP = `mutation($groupID: ID, $name: String!, $type: GroupType!, $memberIDs: [ID!]!) {
  createGroup(groupID: $groupID, name: $name, type: $type, memberIDs: $memberIDs) { groupID name type memberCount conversationID owner { userID } }
}`;
export const ADD_MEMBERS = `mutation($groupID: ID!, $userIDs: [ID!]!) { addGroupMembers(groupID: $groupID, userIDs: $userIDs) { groupID memberCount } }`;
export const REMOVE_MEMBERS = `mutation($groupID: ID!, $userIDs: [ID!]!) { removeGroupMembers(groupID: $groupID, userIDs: $userIDs) { groupID memberCount } }`;
export const SEND = `mutation($conversationID: String!, $text: String!, $needReadReceipt: Boolean) {
  sendMessage(conversationID: $conversationID, text: $text, needReadReceipt: $needReadReceipt) {
    msgID conversationID text needReadReceipt isSelf createdAt sender { userID }
  }
}`;
export const MARK_READ = `mutation($msgIDs: [ID!]!, $skipIneligible: Boolean) { markRead(msgIDs: $msgIDs, skipIneligible: $skipIneligible) { msgID conversationID userID groupID isPeerRead timestamp readCount unreadCount } }`;
export const MARK_CONVERSATION_READ = `mutation($conversationID: String!) { markConversationRead(conversationID: $conversationID) { conversationID unreadCount } }`;
export const RECEIPTS = `query($msgIDs: [ID!]!) { messageReceipts(msgIDs: $msgIDs) { msgID conversationID userID groupID isPeerRead timestamp readCount unreadCount } }`;
export const READ_MEMBERS = `query($msgID: ID!, $filter: ReadMembersFilter!, $first: Int, $after: String) {
  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {
    edges { cursor readAt node { userID } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const CONVERSATIONS = `query($first: Int, $after: String) { conversations(first: $first, after: $after) {
  edges { cursor node { conversationID unreadCount } } pageInfo { hasNextPage endCursor } } }`;
export const MESSAGES = `query($conversationID: String!, $first: Int, $after: String) {
  messages(conversationID: $conversationID, first: $first, after: $after) {
    edges { cursor node { msgID text isSelf needReadReceipt receipt { readCount unreadCount isPeerRead timestamp } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const RECEIPT_UPDATED = `subscription($conversationID: String) { receiptUpdated(conversationID: $conversationID) {
  msgID conversationID userID groupID isPeerRead timestamp readCount unreadCount } }`;
export const SET_RECEIPTS = `mutation($enabled: Boolean!) { setReadReceiptsEnabled(enabled: $enabled) { userID readReceiptsEnabled } }`;
