// Tiny DOM helpers: no framework, just elements.
type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element; boolean attributes are set when true and left out when false. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/** The element with this id; the page is static, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

/** Says `text` to screen readers (the polite live region). */
export function announce(text: string) {
  byId('announcer').textContent = text;
}

export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export type Person = { userID: string; nickname?: string | null; faceURL?: string | null };

/** A user's nickname, or their userID when they have none. */
export const displayName = (p: Person) => p.nickname || p.userID;

/** A small round avatar: the user's faceURL (http(s) only, the server checks), or their initial. */
export function avatar(p: Person): HTMLElement {
  // No referrer: the avatar's host learns nothing of which chat is open.
  if (p.faceURL)
    return h('img', { class: 'avatar', src: p.faceURL, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' });
  return h('span', { class: 'avatar', 'aria-hidden': 'true' }, displayName(p).slice(0, 1).toUpperCase());
}
