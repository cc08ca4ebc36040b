// "Read by N / M": who has read one of the caller's group messages (in reading order) and who
// has not, a page at a time with readMembers' cursors.
import type { Api } from './api.ts';
import type { Message } from './chat.ts';
import { avatar, byId, displayName, h, timeOf } from './dom.ts';
import { ReadMembersDocument, type ReadMembersFilter } from './gql/graphql.ts';

/** Small on purpose: the demo's groups are small, and this shows the cursor paging. */
export const READERS_PAGE_SIZE = 3;

export class ReadersDialog {
  private readonly dialog = byId<HTMLDialogElement>('readers');
  private readonly list = byId<HTMLUListElement>('reader-list');
  private readonly more = byId<HTMLButtonElement>('readers-more');
  private readonly tabs: Record<ReadMembersFilter, HTMLButtonElement> = {
    READ: byId<HTMLButtonElement>('tab-read'),
    UNREAD: byId<HTMLButtonElement>('tab-unread'),
  };
  private msgID: string | null = null;
  private filter: ReadMembersFilter = 'READ';
  private after: string | null = null;
  /** Answers to an older request (another message or tab) are dropped. */
  private generation = 0;

  private readonly api: () => Api;
  private readonly onError: (error: unknown) => void;

  constructor(api: () => Api, onError: (error: unknown) => void) {
    this.api = api;
    this.onError = onError;
    for (const [filter, tab] of Object.entries(this.tabs) as [ReadMembersFilter, HTMLButtonElement][]) {
      tab.addEventListener('click', () => this.show(filter));
      tab.addEventListener('keydown', (event) => {
        if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
        const other = filter === 'READ' ? 'UNREAD' : 'READ';
        this.tabs[other].focus();
        this.show(other);
      });
    }
    this.more.addEventListener('click', () => this.load());
    byId('readers-close').addEventListener('click', () => this.dialog.close());
  }

  open(msg: Message) {
    this.msgID = msg.msgID;
    byId('readers-message').textContent = `“${msg.text}”`;
    this.show('READ');
    this.dialog.showModal();
  }

  /** A live receipt: when it is for the message on show, its lists are reloaded. */
  refresh(msgID: string | null) {
    if (this.dialog.open && msgID === this.msgID) this.show(this.filter);
  }

  private show(filter: ReadMembersFilter) {
    this.filter = filter;
    for (const [name, tab] of Object.entries(this.tabs)) {
      const selected = name === filter;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    this.list.setAttribute('aria-labelledby', this.tabs[filter].id);
    // The old list stays until the new one arrives (load replaces it), so nothing jumps.
    this.list.setAttribute('aria-busy', 'true');
    this.after = null;
    this.generation++;
    this.load();
  }

  private async load() {
    const { msgID, filter, after, generation } = this;
    if (!msgID) return;
    this.more.disabled = true;
    try {
      const data = await this.api().request(ReadMembersDocument, { msgID, filter, first: READERS_PAGE_SIZE, after });
      if (generation !== this.generation) return;
      const { edges, pageInfo } = data.readMembers;
      const items = edges.map((edge) => {
        const when = edge.readAt ? h('time', { datetime: edge.readAt }, ` read at ${timeOf(edge.readAt)}`) : null;
        const name = h('span', { class: 'member', title: edge.node.userID }, displayName(edge.node));
        return h('li', {}, avatar(edge.node), name, when);
      });
      if (after === null && items.length === 0) {
        items.push(h('li', { class: 'empty' }, filter === 'READ' ? 'Nobody yet' : 'Everyone has read it'));
      }
      if (after === null) this.list.replaceChildren(...items);
      else this.list.append(...items);
      this.list.removeAttribute('aria-busy');
      this.after = pageInfo.endCursor ?? null;
      const hadFocus = document.activeElement === this.more;
      this.more.hidden = !pageInfo.hasNextPage;
      if (hadFocus && this.more.hidden) this.tabs[filter].focus();
    } catch (error) {
      this.onError(error);
    } finally {
      this.more.disabled = false;
    }
  }
}
