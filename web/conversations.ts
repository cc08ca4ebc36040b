// The chat list: the caller's conversations, most recently active first, with unread counts.
import type { Api } from './api.ts';
import { h } from './dom.ts';
import { ConversationsDocument, type ConversationsQuery } from './gql/graphql.ts';

export type Conversation = ConversationsQuery['conversations']['edges'][number]['node'];

export function conversationName(c: Conversation): string {
  return c.group?.name ?? c.peer?.userID ?? c.conversationID;
}

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

  /** Opens a listed chat, or a one-to-one chat (C2C<userID>) that has no messages yet. */
  open(conversationID: string): boolean {
    const known = this.items.some((c) => c.conversationID === conversationID);
    if (!known && conversationID.startsWith('C2C') && conversationID.length > 3) {
      const peer = { userID: conversationID.slice(3) };
      this.items.unshift({ conversationID, unreadCount: 0, type: 'C2C', group: null, peer });
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
