// GraphiQL at /graphql in a real browser: it loads with no internet (bundled, not from a CDN),
// runs a query with an Authorization header typed into its Headers editor, and runs a
// subscription over WebSocket (graphql-ws) that receives a receipt triggered from the test.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startTestApp, type TestApp } from '../helpers/app.ts';
import { CREATE_GROUP, MARK_READ, SEND } from '../helpers/operations.ts';
import { artifactPath, haveChromium, launchChromium } from './chromium.ts';

describe.skipIf(!haveChromium)('GraphiQL', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    url = await t.app.start(0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** Replaces the text of a Monaco editor, as a person would: click, select all, type. */
  async function setEditor(page: Page, selector: string, text: string) {
    await page.locator(selector).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }

  /**
   * GraphiQL takes typed text into its state after a short debounce. Clicking Execute before
   * that runs the previous text: the default examples, several operations, so nothing is sent.
   * The tab takes the operation's name once the new text is in, so the test waits for it.
   */
  async function run(page: Page, operationName: string) {
    await page.getByRole('tab', { name: operationName }).waitFor();
    await page.getByRole('button', { name: /^Execute query/ }).click();
  }
  const result = (page: Page) => page.locator('.graphiql-response .result-window');

  it('runs a query with an Authorization header, and a subscription over WebSocket', async () => {
    await t.ok('alice', CREATE_GROUP, { groupID: 'ops', name: 'Ops', type: 'WORK', memberIDs: ['bob', 'carol'] });
    const { sendMessage } = await t.ok('alice', SEND, {
      conversationID: 'GROUPops',
      text: 'Deploy?',
      needReadReceipt: true,
    });

    const page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const offSite: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url.replace(/\/graphql$/, '')) && !/^(data|blob):/.test(request.url())) {
        offSite.push(request.url());
      }
    });
    const subscribed = new Promise<string>((resolve) => {
      page.on('websocket', (socket) => {
        socket.on('framesent', ({ payload }) => {
          if (String(payload).includes('"type":"subscribe"')) resolve(socket.url());
        });
      });
    });

    await page.goto(url);
    await page.getByRole('button', { name: 'Headers' }).click();
    const token = await t.token('alice');
    await setEditor(
      page,
      '.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor',
      `{"Authorization": "Bearer ${token}"}`,
    );
    await setEditor(page, '.graphiql-query-editor .monaco-editor', 'query Who { me { userID } }');
    await run(page, 'Who');
    await result(page).getByText('"alice"').waitFor();

    await setEditor(
      page,
      '.graphiql-query-editor .monaco-editor',
      'subscription Live { receiptUpdated { msgID readCount unreadCount } }',
    );
    await run(page, 'Live');
    expect(await subscribed).toBe(url.replace(/^http/, 'ws'));
    await settle(300);
    await t.ok('bob', MARK_READ, { msgIDs: [sendMessage.msgID] });
    await result(page).getByText('"readCount"').waitFor();
    // Monaco renders spaces as no-break spaces, one element per line.
    const shown = ((await result(page).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(shown).toContain(`"receiptUpdated": { "msgID": "${sendMessage.msgID}", "readCount": 1, "unreadCount": 1 }`);
    await page.screenshot({ path: artifactPath('graphiql-subscription.png') });
    expect(pageErrors).toEqual([]);
    expect(offSite).toEqual([]);
  }, 90_000);
});
