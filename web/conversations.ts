// The chat list: the caller's conversations, most recently active first, with unread counts.
// Loaded once, then kept current by conversationUpdated (see upsert).
import type { Api } from './api.ts';
import { displayName, h } from './dom.ts';
import { type ConversationFieldsFragment, ConversationsDocument, LatestMessageDocument } from './gql/graphql.ts';

export type Conversation = ConversationFieldsFragment;

export function conversationName(c: Conversation): string {
  return c.group?.name ?? (c.peer ? displayName(c.peer) : c.conversationID);
}

const newest = (a: Conversation, b: Conversation) => Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);

export class ConversationList {
  items: Conversation[] = [];
  selected: string | null = null;

  private readonly api: Api;
  private readonly list: HTMLUListElement;
  private readonly onSelect: (conversation: Conversation) => void;

  constructor(api: Api, list: HTMLUListElement, onSelect: (conversation: Conversation) => void) {
    this.api = api;
    this.list = list;
    this.onSelect = onSelect;
  }

  async refresh() {
    const data = await this.api.request(ConversationsDocument, { first: 50 });
    const items = data.conversations.edges.map((e) => e.node);
    // A new one-to-one chat is not listed until it has a message: keep it while it is open.
    const open = this.items.find((c) => c.conversationID === this.selected);
    if (open && !items.some((c) => c.conversationID === open.conversationID)) items.unshift(open);
    this.items = items;
    this.render();
  }

  /** A live change: the chat is replaced (or added) and the list re-sorted by activity. */
  upsert(conversation: Conversation) {
    const others = this.items.filter((c) => c.conversationID !== conversation.conversationID);
    this.items = [conversation, ...others].sort(newest);
    this.render();
  }

  /**
   * The chat with the latest message. lastMessageAt can tie to the millisecond (seeded chats), and
   * the server then orders by key; message IDs only grow, so the newest message decides.
   */
  async mostRecent(): Promise<Conversation | undefined> {
    const [first] = this.items;
    if (!first) return undefined;
    const tied = this.items.filter((c) => c.lastMessageAt === first.lastMessageAt);
    if (tied.length === 1) return first;
    const latest = await Promise.all(
      tied.map(async (c) => {
        const data = await this.api.request(LatestMessageDocument, { conversationID: c.conversationID });
        return Number(data.messages.edges[0]?.node.msgID ?? 0);
      }),
    );
    return tied[latest.indexOf(Math.max(...latest))];
  }

  /** Opens a listed chat, or a one-to-one chat (C2C<userID>) that has no messages yet. */
  open(conversationID: string): boolean {
    const known = this.items.some((c) => c.conversationID === conversationID);
    if (!known && conversationID.startsWith('C2C') && conversationID.length > 3) {
      const peer = { userID: conversationID.slice(3), nickname: null, faceURL: null };
      const at = new Date().toISOString();
      this.items.unshift({
        id: conversationID,
        conversationID,
        unreadCount: 0,
        type: 'C2C',
        lastMessageAt: at,
        peerReadAt: null,
        group: null,
        peer,
      });
    }
    return this.select(conversationID);
  }

  select(conversationID: string) {
    const conversation = this.items.find((c) => c.conversationID === conversationID);
    if (!conversation) return false;
    this.selected = conversationID;
    this.render();
    this.onSelect(conversation);
    return true;
  }

  private render() {
    const focused = (document.activeElement as HTMLElement | null)?.dataset.conversationId;
    this.list.replaceChildren(
      ...this.items.map((c) => {
        const unread = c.conversationID === this.selected ? 0 : c.unreadCount;
        const button = h(
          'button',
          {
            type: 'button',
            'data-conversation-id': c.conversationID,
            'aria-current': c.conversationID === this.selected ? 'true' : undefined,
          },
          h('span', { class: 'kind' }, c.group ? 'Group' : 'Chat'),
          ' ',
          h('span', { class: 'name' }, conversationName(c)),
          unread > 0
            ? h('span', { class: 'badge' }, h('span', { class: 'visually-hidden' }, ', unread: '), `${unread}`)
            : null,
        );
        button.addEventListener('click', () => this.select(c.conversationID));
        return h('li', {}, button);
      }),
    );
    // Re-rendering must not steal keyboard focus.
    if (focused) this.list.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(focused)}"]`)?.focus();
  }
}
