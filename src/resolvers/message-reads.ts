// Read state of a page of messages from the caller's side: readByMe (have I read it?) and
// isPeerRead (has the other user of a one-to-one chat read my message?). readByMe costs two
// statements per page and isPeerRead one, however many messages and chats the page holds.
import { firstPeerReads } from '../db/peer-reads.ts';
import type { ServiceDeps } from './deps.ts';
import type { MessageRow } from './messages.ts';

const unique = <T>(values: T[]) => [...new Set(values)];

export class MessageReadService {
  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /**
   * Whether the viewer has read each message: a receipt of theirs (markRead), or a conversation
   * read that covers it (readSeq). Their own messages count as read.
   */
  async readByMe(viewerID: string, rows: readonly MessageRow[]): Promise<boolean[]> {
    const others = rows.filter((m) => m.senderId !== viewerID);
    if (others.length === 0) return rows.map(() => true);
    const [receipts, places] = await Promise.all([
      this.deps.db.receipt.findMany({
        where: { userId: viewerID, messageId: { in: others.map((m) => m.id) } },
        select: { messageId: true },
      }),
      this.deps.db.participant.findMany({
        where: { userId: viewerID, conversationId: { in: unique(others.map((m) => m.conversationId)) } },
        select: { conversationId: true, readSeq: true },
      }),
    ]);
    const receipted = new Set(receipts.map((r) => r.messageId));
    const readSeq = new Map(places.map((p) => [p.conversationId, p.readSeq]));
    return rows.map(
      (m) => m.senderId === viewerID || receipted.has(m.id) || m.seq <= (readSeq.get(m.conversationId) ?? 0),
    );
  }

  /**
   * For the viewer's own one-to-one messages: whether the peer has read it, by a receipt or by
   * a conversation read they shared (receipts on) that covers it; the same rule as
   * Message.receipt's (peer-reads.ts), so the two always agree. Null for anything else. Like
   * receipts, a read once shared stays visible if the peer later turns receipts off.
   */
  async isPeerRead(viewerID: string, rows: readonly MessageRow[]): Promise<(boolean | null)[]> {
    const own = rows.filter((m) => m.senderId === viewerID && !m.conversation.groupId);
    const read = await firstPeerReads(
      this.deps.db,
      own.map((m) => m.id),
    );
    return rows.map((m) => (m.senderId !== viewerID || m.conversation.groupId ? null : read.has(m.id)));
  }
}
