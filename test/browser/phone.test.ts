// The demo page on a 390×844 phone, and the round-two fixes (issue 15): live messages without
// polling, nicknames and avatars in "Read by", "Mark read" only on unread messages, bubbles sized
// to their text, a readers dialog that keeps its size, sign-in on the latest chat. With
// UPDATE_DOCS_SCREENSHOTS=1 it also refreshes the README's screenshots in docs/.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CREATE_GROUP, MARK_READ, SEND } from '../helpers/operations.ts';
import { artifactPath, haveChromium, launchChromium, watchErrors } from './chromium.ts';

const PHONE = { width: 390, height: 844 };
/** README screenshots: rewritten in docs/ only on request, so a plain test run changes no tracked file. */
const docsPath = (name: string) =>
  process.env.UPDATE_DOCS_SCREENSHOTS
    ? fileURLToPath(new URL(`../../docs/${name}`, import.meta.url))
    : artifactPath(`docs-${name}`);
const UPDATE_PROFILE = `mutation($nickname: String, $faceURL: String) { updateProfile(nickname: $nickname, faceURL: $faceURL) { userID } }`;

/** Avatars are served by the browser itself (the test network is loopback only). */
const AVATAR_HOST = 'https://avatars.example';
const avatarSvg = (color: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="${color}"/></svg>`;

describe.skipIf(!haveChromium)('demo page, round two', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = (await t.app.start(0)).replace(/\/graphql$/, '');
    browser = await launchChromium();
    await t.ok('bob', UPDATE_PROFILE, { nickname: 'Bob Builder', faceURL: `${AVATAR_HOST}/bob.svg` });
    await t.ok('carol', UPDATE_PROFILE, { nickname: 'Carol', faceURL: `${AVATAR_HOST}/carol.svg` });
    await t.ok('alice', UPDATE_PROFILE, { nickname: 'Alice' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signIn(user: string, viewport = PHONE, chat?: string): Promise<Page> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2 });
    await context.route(`${AVATAR_HOST}/**`, (route) =>
      route.fulfill({
        contentType: 'image/svg+xml',
        body: avatarSvg(route.request().url().includes('bob') ? '#2da44e' : '#bf3989'),
      }),
    );
    const page = await context.newPage();
    errors.push(...watchErrors(page));
    await page.goto(`${base}/?user=${user}${chat ? `&chat=${chat}` : ''}`);
    await page.locator('#live[data-state="live"]').waitFor();
    return page;
  }

  const send = (from: string, conversationID: string, text: string, needReadReceipt = true) =>
    t.ok(from, SEND, { conversationID, text, needReadReceipt }).then((d) => d.sendMessage.msgID as string);

  it('signs in on the chat with the latest message, even when chats tie to the millisecond', async () => {
    await t.ok('alice', CREATE_GROUP, { groupID: 'crew', name: 'Crew', type: 'WORK', memberIDs: ['bob', 'carol'] });
    await send('alice', 'GROUPcrew', 'Stand-up in 5 minutes, please confirm');
    await send('bob', 'GROUPcrew', 'On my way', false);
    await send('carol', 'C2Calice', 'Lunch today?');
    // The same lastMessageAt for both chats: the server then orders by key ("GROUP…" first).
    const at = new Date();
    await t.db.conversation.updateMany({ data: { lastMessageAt: at } });
    const alice = await signIn('alice');
    await expect.poll(() => alice.locator('#chat-title').textContent()).toBe('Carol');
    expect(errors).toEqual([]);
  }, 60_000);

  it('on a phone: Send is on screen, the header says "live updates", incoming bubbles fit their text', async () => {
    await send('alice', 'GROUPcrew', 'Ok');
    const bob = await signIn('bob', PHONE, 'GROUPcrew');
    await bob.locator('#messages li', { hasText: 'Ok' }).waitFor();
    const sendButton = bob.getByRole('button', { name: 'Send' });
    const box = await sendButton.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    expect(await bob.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(PHONE.height);
    expect((await bob.locator('.status').textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/live updates on$/);

    const list = await bob.locator('#messages').boundingBox();
    const incoming = await bob.locator('#messages li', { hasText: 'Ok' }).boundingBox();
    const mine = await bob.locator('#messages li', { hasText: 'On my way' }).boundingBox();
    // Short texts: both bubbles well under the 80% cap; the incoming one sits on the left.
    expect(incoming!.width).toBeLessThan(list!.width * 0.6);
    expect(mine!.width).toBeLessThan(list!.width * 0.6);
    expect(incoming!.x).toBeLessThan(list!.x + 10);
    expect(mine!.x + mine!.width).toBeGreaterThan(list!.x + list!.width - 10);
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows new messages live, and offers "Mark read" only on messages not read yet', async () => {
    // Read on another device before this page opens: history says readByMe.
    const readElsewhere = await send('alice', 'GROUPcrew', 'Read on another device');
    await t.ok('bob', MARK_READ, { msgIDs: [readElsewhere] });
    const bob = await signIn('bob', PHONE, 'GROUPcrew');
    await bob.getByRole('checkbox', { name: 'Send read receipts for messages I see' }).uncheck();
    // A new message arrives over messageAdded: the page has no timer that polls.
    await send('alice', 'GROUPcrew', 'Not read yet');
    const already = bob.locator('#messages li', { hasText: 'Read on another device' });
    const fresh = bob.locator('#messages li', { hasText: 'Not read yet' });
    await fresh.waitFor();
    expect(await already.getByRole('button', { name: 'Mark read' }).count()).toBe(0);
    await already.getByText('Read', { exact: true }).waitFor();
    await fresh.getByRole('button', { name: 'Mark read' }).click();
    await fresh.getByText('Read receipt sent').waitFor();
    // Sender names are nicknames, with avatars.
    expect(await fresh.locator('.sender').textContent()).toBe('Alice');
    await bob.screenshot({ path: docsPath('demo-phone.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('"Read by" shows nicknames and avatars, and the dialog keeps its size between tabs', async () => {
    const msgID = await send('alice', 'GROUPcrew', 'Ship it on Friday?');
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    const alice = await signIn('alice', { width: 1000, height: 700 }, 'GROUPcrew');
    const mine = alice.locator('#messages li', { hasText: 'Ship it on Friday?' });
    await mine.getByRole('button', { name: 'Read by 1 / 2' }).click();
    const dialog = alice.getByRole('dialog');
    const names = () => dialog.locator('#reader-list li .member').allTextContents();
    await expect.poll(names).toEqual(['Bob Builder']);
    await expect
      .poll(() => dialog.locator('#reader-list img.avatar').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    const onRead = await dialog.boundingBox();
    await alice.screenshot({ path: docsPath('demo-readers.png') });
    await dialog.getByRole('tab', { name: 'Unread' }).click();
    await expect.poll(names).toEqual(['Carol']);
    const onUnread = await dialog.boundingBox();
    expect(onUnread).toEqual(onRead);
    await alice.keyboard.press('Escape');
    await alice.screenshot({ path: docsPath('demo.png') });
    await alice.screenshot({ path: artifactPath('demo-round-two.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
