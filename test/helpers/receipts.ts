// Small helpers for tests about group receipts, read lists and unread counts.
import type { TestApp } from './app.ts';
import { CONVERSATIONS, CREATE_GROUP, READ_MEMBERS, RECEIPTS, SEND } from './operations.ts';

export type Filter = 'READ' | 'UNREAD';
export type MemberEdge = { cursor: string; readAt: string | null; node: { userID: string } };
export type MemberPage = { edges: MemberEdge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** `count` user IDs with a zero-padded number, so code-unit order is numeric order. */
export const userIDs = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

export async function createGroup(t: TestApp, ownerID: string, groupID: string, memberIDs: string[], type = 'WORK') {
  for (let i = 0; i < Math.max(1, memberIDs.length); i += 500) {
    const chunk = memberIDs.slice(i, i + 500);
    if (i === 0) await t.ok(ownerID, CREATE_GROUP, { groupID, name: groupID, type, memberIDs: chunk });
    else await t.ok(ownerID, ADD_MEMBERS_OP, { groupID, userIDs: chunk });
  }
}
const ADD_MEMBERS_OP = `mutation($groupID: ID!, $userIDs: [ID!]!) { addGroupMembers(groupID: $groupID, userIDs: $userIDs) { groupID } }`;

export async function send(t: TestApp, from: string, conversationID: string, text: string, needReadReceipt = true) {
  const data = await t.ok(from, SEND, { conversationID, text, needReadReceipt });
  return data.sendMessage.msgID as string;
}

export async function page(t: TestApp, senderID: string, msgID: string, filter: Filter, first: number, after?: string) {
  const data = await t.ok(senderID, READ_MEMBERS, { msgID, filter, first, after });
  return data.readMembers as MemberPage;
}

/** Every member of a READ or UNREAD list, walking it to the end in pages of 100. */
export async function listAll(t: TestApp, senderID: string, msgID: string, filter: Filter): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const p = await page(t, senderID, msgID, filter, 100, after);
    ids.push(...p.edges.map((e) => e.node.userID));
    if (!p.pageInfo.hasNextPage) return ids;
    after = p.pageInfo.endCursor ?? undefined;
  }
}

/** The sender's { readCount, unreadCount } of one message. */
export async function counts(t: TestApp, senderID: string, msgID: string) {
  const data = await t.ok(senderID, RECEIPTS, { msgIDs: [msgID] });
  const { readCount, unreadCount } = data.messageReceipts[0];
  return { readCount, unreadCount } as { readCount: number; unreadCount: number };
}

/** The caller's unread count per conversationID (all conversations, one page). */
export async function unreadCounts(t: TestApp, userID: string): Promise<Record<string, number>> {
  const data = await t.ok(userID, CONVERSATIONS, { first: 100 });
  return Object.fromEntries(
    data.conversations.edges.map((e: { node: { conversationID: string; unreadCount: number } }) => [
      e.node.conversationID,
      e.node.unreadCount,
    ]),
  );
}
