// The demo page (web/) in a real browser: two users in two browser contexts, receipts live over
// graphql-ws, no reloads. Screenshots go to test/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CREATE_GROUP, MARK_READ, RECEIPTS, SEND } from '../helpers/operations.ts';
import { artifactPath, haveChromium, launchChromium, watchErrors } from './chromium.ts';

describe.skipIf(!haveChromium)('demo page', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = (await t.app.start(0)).replace(/\/graphql$/, '');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** A fresh browser context (its own storage) signed in as `user`, with `chat` open. */
  async function open(user: string, chat: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 620 } });
    const page = await context.newPage();
    errors.push(...watchErrors(page));
    await page.goto(`${base}/?user=${user}&chat=${chat}`);
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#whoami', { hasText: user }).waitFor();
    // Set once: still there at the end means the page was never reloaded.
    await page.evaluate(() => {
      (window as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
    return page;
  }

  async function send(page: Page, text: string) {
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await page.getByRole('checkbox', { name: 'Request read receipt' }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    return page.locator('#messages li', { hasText: text });
  }

  const neverReloaded = (page: Page) => page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce);

  it('group: bob reads alice’s message and her "Read by" count changes live', async () => {
    await t.ok('alice', CREATE_GROUP, {
      groupID: 'web-team',
      name: 'Web team',
      type: 'WORK',
      memberIDs: ['bob', 'carol'],
    });
    const alice = await open('alice', 'GROUPweb-team');
    const bob = await open('bob', 'GROUPweb-team');
    await bob.getByRole('checkbox', { name: 'Send read receipts for messages I see' }).uncheck();

    const mine = await send(alice, 'Ship it on Friday?');
    await mine.getByRole('button', { name: 'Read by 0 / 2' }).waitFor();

    // Bob's page gets the message live (messageAdded); he reads it with the button.
    const his = bob.locator('#messages li', { hasText: 'Ship it on Friday?' });
    await his.getByRole('button', { name: 'Mark read' }).click();
    await his.getByText('Read receipt sent').waitFor();

    await mine.getByRole('button', { name: 'Read by 1 / 2' }).waitFor();
    expect(await neverReloaded(alice)).toBe(true);
    expect(await alice.locator('#announcer').textContent()).toBe('“Ship it on Friday?” read by 1 of 2');
    await alice.screenshot({ path: artifactPath('demo-group-alice.png') });
    await bob.screenshot({ path: artifactPath('demo-group-bob.png') });

    // Who has read it: READ and UNREAD tabs.
    await mine.getByRole('button', { name: 'Read by 1 / 2' }).click();
    const dialog = alice.getByRole('dialog');
    await expect.poll(() => dialog.locator('#reader-list li .member').allTextContents()).toEqual(['bob']);
    await dialog.getByRole('tab', { name: 'Unread' }).click();
    await expect.poll(() => dialog.locator('#reader-list li .member').allTextContents()).toEqual(['carol']);
    await alice.screenshot({ path: artifactPath('demo-group-readers.png') });
    await alice.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  }, 60_000);

  it('group: the readers list pages with "Load more" and follows new reads live', async () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
    await t.ok('alice', CREATE_GROUP, { groupID: 'big', name: 'Big', type: 'WORK', memberIDs: members });
    const { sendMessage } = await t.ok('alice', SEND, {
      conversationID: 'GROUPbig',
      text: 'Poll',
      needReadReceipt: true,
    });
    for (const m of ['m4', 'm2', 'm5', 'm1']) await t.ok(m, MARK_READ, { msgIDs: [sendMessage.msgID] });

    const alice = await open('alice', 'GROUPbig');
    const mine = alice.locator('#messages li', { hasText: 'Poll' });
    await mine.getByRole('button', { name: 'Read by 4 / 5' }).click();
    const dialog = alice.getByRole('dialog');
    const names = () => dialog.locator('#reader-list li .member').allTextContents();
    await expect.poll(names).toEqual(['m4', 'm2', 'm5']);
    await dialog.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(names).toEqual(['m4', 'm2', 'm5', 'm1']);
    expect(await dialog.getByRole('button', { name: 'Load more' }).isVisible()).toBe(false);

    // The last member reads while the dialog is open: count and list follow.
    await t.ok('m3', MARK_READ, { msgIDs: [sendMessage.msgID] });
    await mine.getByRole('button', { name: 'Read by 5 / 5' }).waitFor();
    await dialog.getByRole('tab', { name: 'Unread' }).click();
    await expect.poll(() => dialog.locator('#reader-list li').allTextContents()).toEqual(['Everyone has read it']);
    expect(errors).toEqual([]);
  }, 60_000);

  it('one-to-one: a single tick turns into a blue double tick when bob reads it', async () => {
    const alice = await open('alice', 'C2Cbob');
    const bob = await open('bob', 'C2Calice');
    await bob.getByRole('checkbox', { name: 'Send read receipts for messages I see' }).uncheck();

    const mine = await send(alice, 'Coffee at 4?');
    const tick = mine.locator('.tick');
    await expect.poll(() => tick.getAttribute('title')).toBe('Sent, not read yet');
    expect(await tick.getAttribute('data-read')).toBeNull();

    await bob.locator('#messages li', { hasText: 'Coffee at 4?' }).getByRole('button', { name: 'Mark read' }).click();
    await mine.locator('.tick[data-read]').waitFor();
    expect(await tick.getAttribute('title')).toMatch(/^Read at /);
    expect(await neverReloaded(alice)).toBe(true);
    await alice.screenshot({ path: artifactPath('demo-c2c-alice.png') });

    // The server agrees.
    const msgID = await mine.getAttribute('data-msg-id');
    const { messageReceipts } = await t.ok('alice', RECEIPTS, { msgIDs: [msgID] });
    expect(messageReceipts[0]).toMatchObject({ isPeerRead: true, readCount: 1, unreadCount: 0 });
    expect(errors).toEqual([]);
  }, 60_000);
});
