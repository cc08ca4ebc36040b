import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';

describe('schema.graphql', () => {
  it('is in sync with the code (run npm run schema:print after an API change)', () => {
    const checkedIn = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(`${printSchema(schema)}\n`);
  });

  it('keeps every name the contract requires', () => {
    const sdl = printSchema(schema);
    for (const field of [
      'createGroup(groupID: ID, name: String!, type: GroupType!, memberIDs: [ID!]!): Group!',
      'addGroupMembers(groupID: ID!, userIDs: [ID!]!): Group!',
      'removeGroupMembers(groupID: ID!, userIDs: [ID!]!): Group!',
      'sendMessage(conversationID: String!, text: String!, needReadReceipt: Boolean = false, clientMsgID: String): Message!',
      'markRead(msgIDs: [ID!]!, skipIneligible: Boolean = false): [MessageReceipt!]!',
      'markConversationRead(conversationID: String!): Conversation!',
      'setReadReceiptsEnabled(enabled: Boolean!): User!',
      'me: User!',
      'messageReceipts(msgIDs: [ID!]!): [MessageReceipt!]!',
      'readMembers(msgID: ID!, filter: ReadMembersFilter!, first: Int = 20, after: String): ReadMemberConnection!',
      'node(id: ID!): Node',
      'receiptUpdated(conversationID: String): MessageReceipt!',
      // Round two (issue 15).
      'messages(conversationID: String!, first: Int, after: String): MessageConnection!',
      'updateProfile(nickname: String, faceURL: String): User!',
      'messageAdded(conversationID: String): Message!',
      'conversationUpdated: Conversation!',
      'type MessageReceipt { id: ID! conversation: Conversation! message: Message',
      'peerReadAt: DateTime',
      'readByMe: Boolean! isPeerRead: Boolean',
      'nickname: String faceURL: String',
    ]) {
      expect(sdl.replace(/"""[\s\S]*?"""\s*/g, '').replace(/\s+/g, ' ')).toContain(field);
    }
  });
});
