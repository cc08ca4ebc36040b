import { loadHistory, loadRows, loadRowsVisibleTo, type MessageRow } from '../db/message-rows.ts';
import { inTransaction } from '../db/transaction.ts';
import type { ConversationService } from './conversations.ts';
import type { ServiceDeps } from './deps.ts';
import { badInput, forbidden, notFound } from './errors.ts';
import { parseConversationID } from './ids.ts';
import { announceMessage } from './live-chats.ts';

export type { MessageRow };

/** What `send` returns: a new message has no departures to count, so its stored audience is exact. */
const messageSelect = {
  id: true,
  conversationId: true,
  seq: true,
  senderId: true,
  text: true,
  needReadReceipt: true,
  audienceCount: true,
  readCount: true,
  createdAt: true,
  receiptsExpiredAt: true,
  conversation: { select: { groupId: true, group: { select: { type: true } } } },
} as const;

export class MessageService {
  private readonly deps: ServiceDeps;
  private readonly conversations: ConversationService;

  constructor(deps: ServiceDeps, conversations: ConversationService) {
    this.deps = deps;
    this.conversations = conversations;
  }

  /**
   * Sends a message. With a clientMsgID, a sender who repeats one gets the original message
   * back and nothing is sent twice: looked up first in the transaction; two concurrent sends
   * with one key both miss it, the unique (senderId, clientMsgId) index fails the second
   * (P2002), and its retry finds the first's row.
   */
  async send(
    senderID: string,
    conversationID: string,
    text: string,
    needReadReceipt: boolean,
    clientMsgID?: string,
  ): Promise<MessageRow> {
    const ref = parseConversationID(senderID, conversationID);
    const now = new Date();
    let repeated = false;
    const message = await inTransaction(this.deps.db, async (tx) => {
      repeated = false;
      if (clientMsgID) {
        const original = await tx.message.findUnique({
          where: { senderId_clientMsgId: { senderId: senderID, clientMsgId: clientMsgID } },
          select: { id: true },
        });
        repeated = original !== null;
        // An earlier message: members may have left since, so its figures are counted as any
        // read counts them, not taken from the stored columns.
        if (original) return (await loadRows(tx, [original.id])).get(original.id) as MessageRow;
      }
      if (ref.kind === 'C2C') await this.conversations.ensureC2C(tx, senderID, ref.peerID);
      else if (!(await tx.conversation.count({ where: { id: ref.key } }))) {
        throw notFound(`group ${ref.groupID} does not exist`);
      }
      // Taking the next seq locks the conversation row: sends and membership changes in one
      // chat are serialized, so memberCount is exactly the audience at send time.
      const conversation = await tx.conversation.update({
        where: { id: ref.key },
        data: { lastSeq: { increment: 1 }, lastMessageAt: now },
        select: { lastSeq: true, memberCount: true },
      });
      const sender = await tx.participant.updateMany({
        where: { conversationId: ref.key, userId: senderID },
        data: { ownSinceRead: { increment: 1 } },
      });
      if (sender.count === 0) throw forbidden(`you are not a member of ${conversationID}`);
      return tx.message.create({
        data: {
          conversationId: ref.key,
          seq: conversation.lastSeq,
          senderId: senderID,
          text,
          needReadReceipt,
          audienceCount: ref.kind === 'GROUP' ? conversation.memberCount - 1 : 1,
          clientMsgId: clientMsgID,
          createdAt: now,
        },
        select: messageSelect,
      });
    });
    // A repeated clientMsgID sent nothing, so nobody hears of it again.
    if (!repeated)
      announceMessage(this.deps.pubsub, ref.key, message.id, ref.kind === 'C2C' ? [senderID, ref.peerID] : []);
    return message;
  }

  /** History, newest first; `after` is the seq of the last message of the page before. */
  async history(viewerID: string, conversationID: string, first: number, after?: number) {
    const view = await this.conversations.byConversationID(viewerID, conversationID);
    const rows = await loadHistory(this.deps.db, view.key, first + 1, after);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Messages by id, null where the caller is not in the conversation (or it does not exist). */
  async loadVisible(viewerID: string, ids: readonly number[]): Promise<(MessageRow | null)[]> {
    const byId = await loadRowsVisibleTo(this.deps.db, viewerID, [...ids]);
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Messages by id for receipt work: every id must exist. One statement (a join), whatever the
   * count: messageReceipts and readMembers start here, and markRead's batches use loadRows.
   */
  async loadBatch(ids: number[]): Promise<MessageRow[]> {
    return rowsInOrder(await loadRows(this.deps.db, ids), ids);
  }
}

/** The rows for `ids`, in their order; NOT_FOUND names the first id that has none. */
export function rowsInOrder(byId: Map<number, MessageRow>, ids: number[]): MessageRow[] {
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw notFound(`message ${id} does not exist`);
    return row;
  });
}

/** Receipt calls take messages of one conversation only. */
export function oneConversation(rows: MessageRow[]): MessageRow[] {
  if (new Set(rows.map((m) => m.conversationId)).size > 1) {
    throw badInput('msgIDs', 'all messages must come from one conversation');
  }
  return rows;
}
