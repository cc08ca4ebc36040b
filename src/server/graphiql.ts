// What GraphiQL opens with: one example per capability. Set the Authorization header first
// (npm run token -- alice).
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL with its scripts, styles and editor workers inlined, so it works with no internet
 * (Yoga's default page loads them from a CDN). Loaded on first use: the module is large.
 */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL: render } = await import('@graphql-yoga/render-graphiql');
  return render(options);
}

export const GRAPHIQL_DEFAULT_QUERY = `# Read receipts API. First add a header (bottom panel):
#   { "Authorization": "Bearer <token from: npm run token -- alice>" }
# Then run any operation below (pick it with the ▶ button).

query Me { me { userID readReceiptsEnabled } }

query Conversations {
  conversations(first: 20) {
    edges { node { conversationID unreadCount type } }
    pageInfo { hasNextPage endCursor }
  }
}

query History($conversationID: String! = "GROUPdemo-team") {
  messages(conversationID: $conversationID, first: 20) {
    edges { node { msgID text isSelf needReadReceipt sender { userID }
      receipt { readCount unreadCount isPeerRead timestamp } } }
    pageInfo { hasNextPage endCursor }
  }
}

mutation CreateGroup {
  createGroup(name: "Team", type: WORK, memberIDs: ["bob", "carol"]) { groupID conversationID memberCount }
}

mutation Send($conversationID: String! = "GROUPdemo-team") {
  sendMessage(conversationID: $conversationID, text: "Hello!", needReadReceipt: true) { msgID createdAt }
}

mutation MarkRead($msgIDs: [ID!]! = ["1"]) {
  markRead(msgIDs: $msgIDs) { msgID isPeerRead timestamp }
}

mutation MarkConversationRead($conversationID: String! = "C2Cbob") {
  markConversationRead(conversationID: $conversationID) { conversationID unreadCount }
}

query Receipts($msgIDs: [ID!]! = ["1"]) {
  messageReceipts(msgIDs: $msgIDs) { msgID readCount unreadCount isPeerRead timestamp }
}

query Readers($msgID: ID! = "1") {
  readMembers(msgID: $msgID, filter: READ, first: 20) {
    edges { readAt node { userID } }
    pageInfo { hasNextPage endCursor }
  }
}

mutation Privacy { setReadReceiptsEnabled(enabled: false) { userID readReceiptsEnabled } }

# Runs over WebSocket (graphql-ws): stays open and prints each receipt as it arrives.
subscription Live { receiptUpdated { msgID conversationID readCount unreadCount isPeerRead timestamp } }
`;
