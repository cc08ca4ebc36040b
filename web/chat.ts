// One open chat: its messages (oldest at the top), the sender's receipt figures, read receipts
// for incoming messages, and the composer. New messages arrive through applyMessage
// (messageAdded) and receipt figures through applyReceipt (receiptUpdated); a full reload only
// happens on opening the chat and after the socket reconnects.
import type { Api } from './api.ts';
import { announce, avatar, displayName, h, timeOf } from './dom.ts';
import {
  MarkConversationReadDocument,
  MarkReadDocument,
  type MessageFieldsFragment,
  MessagesDocument,
  type ReceiptFieldsFragment,
  SendMessageDocument,
} from './gql/graphql.ts';

export type Message = MessageFieldsFragment;
type Row = { msg: Message; el: HTMLLIElement; receiptEl: HTMLDivElement };

export type ChatOptions = {
  list: HTMLOListElement;
  /** Whether to send read receipts for what the page shows. */
  autoRead: () => boolean;
  openReaders: (msg: Message) => void;
  onError: (error: unknown) => void;
};

export class ChatView {
  conversationID: string | null = null;
  /** False in a group whose type has no read receipts (app config). */
  private receipts = true;
  private rows = new Map<string, Row>();
  /** Incoming messages this page has sent a read receipt for. */
  private marked = new Set<string>();
  /** Loads run one at a time; a refresh is skipped while one is queued or running. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  private readonly api: Api;
  private readonly options: ChatOptions;

  constructor(api: Api, options: ChatOptions) {
    this.api = api;
    this.options = options;
  }

  get isGroup() {
    return this.conversationID?.startsWith('GROUP') ?? false;
  }

  async open(conversationID: string, receipts: boolean) {
    this.conversationID = conversationID;
    this.receipts = receipts;
    this.rows.clear();
    this.options.list.replaceChildren();
    await this.refresh(true);
  }

  /** Loads the newest messages: new ones are appended; `full` also takes their receipt figures. */
  refresh(full = false): Promise<void> {
    if (!full && this.queued > 0) return this.queue;
    this.queued++;
    const run = this.queue.then(() => this.load(full));
    this.queue = run
      .catch(() => {})
      .finally(() => {
        this.queued--;
      });
    return run;
  }

  private async load(full: boolean) {
    const conversationID = this.conversationID;
    if (!conversationID) return;
    const data = await this.api.request(MessagesDocument, { conversationID, first: 30 });
    if (conversationID !== this.conversationID) return;
    const newest = data.messages.edges.map((e) => e.node);
    let added = false;
    for (const msg of newest.reverse()) {
      const row = this.rows.get(msg.msgID);
      if (!row) {
        this.add(msg);
        added = true;
      } else if (full) {
        row.msg = msg;
        this.renderReceipt(row);
      }
    }
    if (added || full) await this.readShown();
  }

  private add(msg: Message) {
    const receiptEl = h('div', { class: 'receipt' });
    const el = h(
      'li',
      { class: msg.isSelf ? 'msg self' : 'msg', 'data-msg-id': msg.msgID },
      h(
        'div',
        { class: 'meta' },
        avatar(msg.sender),
        h('span', { class: 'sender', title: msg.sender.userID }, displayName(msg.sender)),
        ' ',
        timeTag(msg.createdAt),
      ),
      h('p', { class: 'text' }, msg.text),
      receiptEl,
    );
    const row = { msg, el, receiptEl };
    this.rows.set(msg.msgID, row);
    this.renderReceipt(row);
    this.options.list.append(el);
    el.scrollIntoView({ block: 'nearest' });
  }

  private renderReceipt(row: Row) {
    const { msg } = row;
    const r = msg.receipt;
    let content: Node | null = null;
    if (msg.isSelf && r && this.isGroup) {
      const audience = r.readCount + r.unreadCount;
      const button = h(
        'button',
        { type: 'button', class: 'read-by', 'aria-haspopup': 'dialog', 'data-read': r.unreadCount === 0 },
        `Read by ${r.readCount} / ${audience}`,
      );
      button.addEventListener('click', () => this.options.openReaders(msg));
      // "Seen by" faces: the latest readers, newest first (recentReaders), left of the count.
      const faces = r.recentReaders.map((u) =>
        h('span', { class: 'face', title: u.userID, 'aria-hidden': 'true' }, u.userID.slice(0, 1).toUpperCase()),
      );
      const names = r.recentReaders.map((u) => u.userID).join(', ');
      content = h(
        'span',
        { class: 'seen-by' },
        ...faces,
        names && h('span', { class: 'visually-hidden' }, `Seen by ${names}`),
        button,
      );
    } else if (msg.isSelf && r) {
      const label = r.isPeerRead ? `Read${r.timestamp ? ` at ${timeOf(r.timestamp)}` : ''}` : 'Sent, not read yet';
      content = h(
        'span',
        { class: 'tick', 'data-read': r.isPeerRead, title: label },
        h('span', { 'aria-hidden': 'true' }, r.isPeerRead ? '✓✓' : '✓'),
        h('span', { class: 'visually-hidden' }, label),
      );
    } else if (!msg.isSelf && msg.needReadReceipt && this.receipts) {
      // "Mark read" only on what the caller has not read yet (readByMe), on this device or another.
      if (this.marked.has(msg.msgID)) content = h('span', { class: 'receipt-sent' }, 'Read receipt sent');
      else if (msg.readByMe) content = h('span', { class: 'receipt-sent' }, 'Read');
      else {
        content = h('button', { type: 'button', class: 'mark-read' }, 'Mark read');
        content.addEventListener('click', () => this.markRead([msg.msgID]).catch(this.options.onError));
      }
    }
    row.receiptEl.replaceChildren(...(content ? [content] : []));
  }

  /** A new message (messageAdded): shown if it belongs to the open chat and is not shown yet. */
  async applyMessage(msg: Message) {
    if (msg.conversationID !== this.conversationID || this.rows.has(msg.msgID)) return;
    this.add(msg);
    if (!msg.isSelf) announce(`New message from ${displayName(msg.sender)}: ${msg.text}`);
    await this.readShown();
  }

  /** Live figures for one of the caller's messages, or (msgID null) "the peer read the whole chat". */
  applyReceipt(receipt: ReceiptFieldsFragment) {
    if (receipt.conversationID !== this.conversationID) return;
    for (const row of this.rows.values()) {
      const { msg } = row;
      if (!msg.isSelf || !msg.receipt) continue;
      if (receipt.msgID === null) {
        const at = receipt.timestamp ? Date.parse(receipt.timestamp) : 0;
        const coversIt = !msg.receipt.isPeerRead && Date.parse(msg.createdAt) <= at;
        if (!coversIt) continue;
        msg.receipt = { ...msg.receipt, isPeerRead: true, timestamp: receipt.timestamp, readCount: 1, unreadCount: 0 };
      } else if (receipt.msgID === msg.msgID) {
        msg.receipt = { ...receipt };
      } else continue;
      this.renderReceipt(row);
      announce(
        this.isGroup
          ? `“${msg.text}” read by ${msg.receipt.readCount} of ${msg.receipt.readCount + msg.receipt.unreadCount}`
          : `“${msg.text}” was read`,
      );
    }
  }

  /** Sends read receipts (at most 30 per call) and clears the chat's unread count. */
  async markRead(msgIDs: string[]) {
    for (let i = 0; i < msgIDs.length; i += 30) {
      const batch = msgIDs.slice(i, i + 30);
      await this.api.request(MarkReadDocument, { msgIDs: batch });
      for (const id of batch) {
        this.marked.add(id);
        const row = this.rows.get(id);
        if (!row) continue;
        row.msg = { ...row.msg, readByMe: true };
        this.renderReceipt(row);
      }
    }
  }

  async markChatRead() {
    const conversationID = this.conversationID;
    if (!conversationID) return;
    const pending = [...this.rows.values()]
      .filter(({ msg }) => !msg.isSelf && msg.needReadReceipt && !msg.readByMe && !this.marked.has(msg.msgID))
      .map(({ msg }) => msg.msgID);
    if (this.receipts) await this.markRead(pending);
    await this.api.request(MarkConversationReadDocument, { conversationID });
  }

  private async readShown() {
    if (this.options.autoRead() && document.visibilityState === 'visible') await this.markChatRead();
  }

  async send(text: string, needReadReceipt: boolean) {
    const conversationID = this.conversationID;
    if (!conversationID) return;
    const data = await this.api.request(SendMessageDocument, { conversationID, text, needReadReceipt });
    if (conversationID === this.conversationID && !this.rows.has(data.sendMessage.msgID)) this.add(data.sendMessage);
  }
}

function timeTag(iso: string) {
  return h('time', { datetime: iso }, timeOf(iso));
}
