// The read-receipt logic, free of GraphQL types: the schema layer calls these services.

import { ConversationService } from './conversations.ts';
import type { ServiceDeps } from './deps.ts';
import { GroupService } from './groups.ts';
import { LeaveSweep } from './leave-sweep.ts';
import { LiveChats } from './live-chats.ts';
import { MessageReadService } from './message-reads.ts';
import { MessageService } from './messages.ts';
import { ReadMemberService } from './read-members.ts';
import { ReceiptService } from './receipts.ts';
import { RecentReaderService } from './recent-readers.ts';
import { ReceiptRetention } from './retention.ts';
import { UserService } from './users.ts';

export function createServices(deps: ServiceDeps) {
  const users = new UserService(deps);
  const conversations = new ConversationService(deps, users);
  const messages = new MessageService(deps, conversations);
  const receipts = new ReceiptService(deps, messages);
  const leaveSweep = new LeaveSweep(deps);
  return {
    users,
    conversations,
    messages,
    receipts,
    readMembers: new ReadMemberService(deps, messages, receipts),
    groups: new GroupService(deps, leaveSweep),
    recentReaders: new RecentReaderService(deps),
    retention: new ReceiptRetention(deps),
    leaveSweep,
    messageReads: new MessageReadService(deps),
    liveChats: new LiveChats(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
