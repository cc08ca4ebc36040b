// GraphQL the way a frontend sends it, in-process: yoga.fetch with a real signed JWT per user,
// and graphql-ws clients on the real port. Tokens are signed before timing starts.
import type { Client } from 'graphql-ws';
import { signToken } from '../src/auth/jwt.ts';
import type { App } from '../src/server/app.ts';
import { connectSocket } from './sockets/connect.ts';

export const MARK_READ = `mutation($msgIDs: [ID!]!) { markRead(msgIDs: $msgIDs) { msgID timestamp } }`;
export const RECEIPTS = `query($msgIDs: [ID!]!) { messageReceipts(msgIDs: $msgIDs) { msgID readCount unreadCount isPeerRead } }`;
export const READ_MEMBERS = `query($msgID: ID!, $filter: ReadMembersFilter!, $first: Int, $after: String) {
  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {
    edges { cursor readAt node { userID } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const RECEIPT_UPDATED = `subscription($conversationID: String) {
  receiptUpdated(conversationID: $conversationID) { msgID readCount unreadCount } }`;

export type ReceiptFigures = { msgID: string; readCount: number; unreadCount: number };

/** A server's in-process fetch (yoga.fetch). */
export type Fetch = (url: string, init: RequestInit) => Response | Promise<Response>;

/**
 * One operation POSTed to `fetch` and read back, as a frontend sends it; any GraphQL error
 * throws. The service (BenchClient) and the bare Yoga beside it (W1) are called through this.
 */
export async function postOperation<T>(
  fetch: Fetch,
  authorization: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export class BenchClient {
  private readonly tokens = new Map<string, string>();

  private readonly app: App;
  private readonly secret: string;

  constructor(app: App, secret: string) {
    this.app = app;
    this.secret = secret;
  }

  /** Signs tokens for these users now, so timed requests only verify them. */
  async signIn(userIDs: string[]): Promise<void> {
    for (const id of userIDs) {
      if (!this.tokens.has(id)) this.tokens.set(id, await signToken(this.secret, id, '1h'));
    }
    // The server creates (or remembers) the user on a first request: do it before timing.
    for (const id of userIDs) await this.app.services.users.ensureSignedIn(id);
  }

  /** The Authorization header value for userID (signed now if it was not yet). */
  async authorization(userID: string): Promise<string> {
    if (!this.tokens.has(userID)) await this.signIn([userID]);
    return `Bearer ${this.tokens.get(userID)}`;
  }

  /** One operation through yoga.fetch; any GraphQL error throws. */
  async gql<T>(userID: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const fetch: Fetch = (url, init) => this.app.yoga.fetch(url, init);
    return postOperation<T>(fetch, await this.authorization(userID), query, variables);
  }

  markRead(readerID: string, msgIDs: number[]) {
    return this.gql(readerID, MARK_READ, { msgIDs: msgIDs.map(String) });
  }

  async receipts(senderID: string, msgIDs: number[]): Promise<ReceiptFigures[]> {
    const data = await this.gql<{ messageReceipts: ReceiptFigures[] }>(senderID, RECEIPTS, {
      msgIDs: msgIDs.map(String),
    });
    return data.messageReceipts;
  }

  /** A connected graphql-ws client for userID (resolves once the server has acknowledged it). */
  async socket(url: string, userID: string): Promise<Client> {
    return connectSocket(url, await this.authorization(userID));
  }
}
