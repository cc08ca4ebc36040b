// The demo page: sign in as a seeded user (dev token) or with a pasted token, pick a chat, send
// messages that ask for read receipts, and watch "Read by N / M" and the double tick change live
// (receiptUpdated over graphql-ws) when someone else, e.g. in another tab, reads them. New
// messages (messageAdded) and the chat list (conversationUpdated) are live too: nothing polls.
import { type Api, createApi, devToken, type LiveState } from './api.ts';
import { ChatView } from './chat.ts';
import { type Conversation, ConversationList, conversationName } from './conversations.ts';
import { byId } from './dom.ts';
import {
  ConversationUpdatedDocument,
  MeDocument,
  MessageAddedDocument,
  ReceiptUpdatedDocument,
} from './gql/graphql.ts';
import { ReadersDialog } from './readers.ts';

const TOKEN_KEY = 'read-receipts-token';

const autoRead = byId<HTMLInputElement>('auto-read');
const composer = byId<HTMLFormElement>('composer');
const text = byId<HTMLInputElement>('text');
const needReceipt = byId<HTMLInputElement>('need-receipt');

let api: Api | null = null;
let session: { chat: ChatView; list: ConversationList; stop: () => void } | null = null;
const readers = new ReadersDialog(() => api!, showError);

function showError(error: unknown) {
  const box = byId('error');
  const closed = error as { code?: unknown; reason?: unknown };
  if (error instanceof Error) box.textContent = error.message;
  else if (typeof closed?.code === 'number') box.textContent = `Live updates stopped (${closed.code} ${closed.reason})`;
  else box.textContent = String(error);
  box.hidden = false;
}

function setLive(state: LiveState, reconnected: boolean) {
  byId('live').textContent = { connecting: 'connecting…', live: 'on', reconnecting: 'reconnecting…' }[state];
  byId('live').dataset.state = state;
  // Messages and receipts may have been missed while the socket was down: reload them.
  if (reconnected) Promise.all([session?.chat.refresh(true), session?.list.refresh()]).catch(showError);
}

function setParams(values: Record<string, string | null>) {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(values)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  history.replaceState(null, '', url);
}

async function openChat(chat: ChatView, conversation: Conversation) {
  const receipts = conversation.group?.readReceiptsEnabled ?? true;
  byId('chat-title').textContent = conversationName(conversation);
  byId('chat-kind').textContent = conversation.group
    ? `Group of ${conversation.group.memberCount}${receipts ? '' : ', no read receipts for this group type'}`
    : 'One-to-one chat';
  composer.querySelector('fieldset')!.disabled = false;
  needReceipt.disabled = !receipts;
  needReceipt.checked = receipts;
  setParams({ chat: conversation.conversationID });
  await chat.open(conversation.conversationID, receipts).catch(showError);
}

async function start(token: string) {
  byId('error').hidden = true;
  session?.stop();
  const next = createApi(token, setLive);
  let userID: string;
  try {
    userID = (await next.request(MeDocument, {})).me.userID;
  } catch (error) {
    next.dispose();
    throw error;
  }
  api = next;
  byId('whoami').textContent = userID;
  document.title = `${userID} · Read receipts demo`;
  const chat = new ChatView(next, {
    list: byId<HTMLOListElement>('messages'),
    autoRead: () => autoRead.checked,
    openReaders: (msg) => readers.open(msg),
    onError: showError,
  });
  const list = new ConversationList(next, byId<HTMLUListElement>('conversations'), (c) => void openChat(chat, c));
  const stops = [
    next.subscribe(
      ReceiptUpdatedDocument,
      {},
      ({ receiptUpdated }) => {
        chat.applyReceipt(receiptUpdated);
        readers.refresh(receiptUpdated.msgID);
      },
      showError,
    ),
    next.subscribe(
      MessageAddedDocument,
      {},
      ({ messageAdded }) => void chat.applyMessage(messageAdded).catch(showError),
      showError,
    ),
    next.subscribe(
      ConversationUpdatedDocument,
      {},
      ({ conversationUpdated }) => list.upsert(conversationUpdated),
      showError,
    ),
  ];
  session = {
    chat,
    list,
    stop: () => {
      for (const stop of stops) stop();
      next.dispose();
    },
  };
  await list.refresh();
  // ?chat= (a shared link) wins; otherwise the chat with the latest message.
  const wanted = new URLSearchParams(location.search).get('chat');
  if (wanted && list.open(wanted)) return;
  const recent = await list.mostRecent();
  if (recent) list.select(recent.conversationID);
}

async function signInAs(userID: string) {
  const token = await devToken(userID);
  if (token === null) {
    byId<HTMLDetailsElement>('token-details').open = true;
    throw new Error('This server hands out no dev tokens (production): paste a token instead.');
  }
  sessionStorage.removeItem(TOKEN_KEY);
  setParams({ user: userID });
  await start(token);
}

byId<HTMLFormElement>('signin').addEventListener('submit', (event) => {
  event.preventDefault();
  setParams({ chat: null });
  signInAs(byId<HTMLInputElement>('user').value.trim()).catch(showError);
});

byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = byId<HTMLInputElement>('token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  setParams({ user: null, chat: null });
  start(token)
    .then(() => sessionStorage.setItem(TOKEN_KEY, token))
    .catch(showError);
});

byId<HTMLFormElement>('new-chat').addEventListener('submit', (event) => {
  event.preventDefault();
  const peer = byId<HTMLInputElement>('peer');
  if (session?.list.open(`C2C${peer.value.trim()}`)) peer.value = '';
});

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const message = text.value.trim();
  if (!message || !session) return;
  session.chat
    .send(message, needReceipt.checked && !needReceipt.disabled)
    .then(() => {
      text.value = '';
      text.focus();
    })
    .catch(showError);
});

autoRead.addEventListener('change', () => {
  if (autoRead.checked) session?.chat.markChatRead().catch(showError);
});

// ?user=bob signs in as bob (dev servers); a pasted token is kept for this tab only.
const initialUser = new URLSearchParams(location.search).get('user');
const savedToken = sessionStorage.getItem(TOKEN_KEY);
if (initialUser) {
  byId<HTMLInputElement>('user').value = initialUser;
  signInAs(initialUser).catch(showError);
} else if (savedToken) start(savedToken).catch(showError);
