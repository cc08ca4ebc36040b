// The read-receipt core: receivers mark messages read, senders pull the figures.
import { firstPeerReads } from '../db/peer-reads.ts';
import { groupHasReceipts, type ServiceDeps } from './deps.ts';
import { forbidden, receiptNotFound, receiptsWithheld } from './errors.ts';
import { peerOf } from './ids.ts';
import { type MessageRow, type MessageService, oneConversation } from './messages.ts';
import { c2cReceipt, groupReceipt, type ReceiptView } from './receipt-view.ts';
import { ReceiptWriter } from './receipt-writer.ts';

export const MAX_RECEIPT_BATCH = 30;

export class ReceiptService {
  private readonly writer: ReceiptWriter;

  private readonly deps: ServiceDeps;
  private readonly messages: MessageService;

  constructor(deps: ServiceDeps, messages: MessageService) {
    this.deps = deps;
    this.messages = messages;
    this.writer = new ReceiptWriter(deps);
  }

  /**
   * Records that `readerID` has read `msgIDs` (1..30, one conversation). Idempotent, and it
   * leaves the unread count alone. Each sender's receiptUpdated stream gets the new figures.
   * Concurrent calls share a transaction (see receipt-writer.ts). With `skipIneligible`, the
   * reader's own messages and ones without a receipt are skipped, and the result lists only
   * the receipts sent (the Web SDK sends receipts for a whole page it showed).
   */
  markRead(readerID: string, msgIDs: number[], skipIneligible = false): Promise<ReceiptView[]> {
    return this.writer.markRead(readerID, msgIDs, skipIneligible);
  }

  /** The sender's figures for up to 30 messages of one conversation, in input order. */
  async messageReceipts(senderID: string, msgIDs: number[]): Promise<ReceiptView[]> {
    const rows = oneConversation(await this.messages.loadBatch(msgIDs));
    for (const m of rows) {
      if (m.senderId !== senderID) throw forbidden(`only the sender of message ${m.id} may see its receipts`);
      if (!this.hasReceipt(m)) throw receiptNotFound(String(m.id));
    }
    if (await this.withheldFrom(senderID)) throw receiptsWithheld();
    const views = await this.views(senderID, rows);
    return rows.map((m) => views.get(m.id) as ReceiptView);
  }

  /** Receipt views keyed by message id; messages the caller did not send, or without receipts, are left out. */
  async views(viewerID: string, rows: MessageRow[]): Promise<Map<number, ReceiptView>> {
    const mine = rows.filter((m) => m.senderId === viewerID && this.hasReceipt(m));
    const result = new Map<number, ReceiptView>();
    if (mine.length === 0 || (await this.withheldFrom(viewerID))) return result;
    const c2c = mine.filter((m) => !m.conversation.groupId);
    for (const m of mine) if (m.conversation.groupId) result.set(m.id, groupReceipt(m, m.conversation.groupId));
    if (c2c.length === 0) return result;

    // One-to-one: the receiver's first read, by markRead or by a conversation read covering it.
    const readAt = await firstPeerReads(
      this.deps.db,
      c2c.map((m) => m.id),
    );
    for (const m of c2c) {
      result.set(m.id, c2cReceipt(viewerID, m.id, peerOf(viewerID, m.conversationId), readAt.get(m.id) ?? null));
    }
    return result;
  }

  /**
   * READ_RECEIPT_PRIVACY=RECIPROCAL, as WhatsApp does it: while a user's own receipts are off,
   * they see no figures, readers or live receipts for their messages either. Read at each use,
   * so turning receipts back on shows them again at once (reads made while off never are: none
   * were recorded). ONE_WAY (the default) never withholds, and costs no query.
   */
  async withheldFrom(senderID: string): Promise<boolean> {
    if (this.deps.config.receiptPrivacy !== 'RECIPROCAL') return false;
    const user = await this.deps.db.user.findUnique({ where: { id: senderID }, select: { readReceiptsEnabled: true } });
    return !user?.readReceiptsEnabled;
  }

  hasReceipt(m: MessageRow): boolean {
    if (!m.needReadReceipt) return false;
    const group = m.conversation.group;
    return !group || groupHasReceipts(this.deps.config, group.type);
  }
}
