// What a markRead batch (src/resolvers/read-batch.ts) asks of the database, inside one
// transaction, on statements written for each database: PostgreSQL on pooled pg connections
// (postgres.ts), SQLite on the connection better-sqlite3 holds (sqlite.ts), because on the hottest path Prisma's fixed cost
// per statement was most of the time spent.
import type { MessageRow } from '../message-rows.ts';
import { earlierRead } from '../peer-reads.ts';

export type ReaderState = { joinSeq: number; readReceiptsEnabled: boolean };
export type Counters = { readCount: number; audienceCount: number; lastReadRank: number };
/** `expired`: the message's reader list was removed by retention, so only the pair is kept (ExpiredReceipt). */
export type NewReceipt = { messageId: number; userId: string; rank: number; expired: boolean };

export const readerKey = (conversationId: string, userId: string) => `${conversationId}\n${userId}`;
export const pairKey = (messageId: number, userId: string) => `${messageId}\n${userId}`;

/**
 * readTimes' rows keyed by pairKey: a pair may come twice (a one-to-one message's receipt and the
 * conversation read covering it), and the earlier read counts.
 */
export function firstReadsByPair(
  rows: { messageId: number; userId: string; readAt: Date | string | null }[],
): Map<string, Date | null> {
  const first = new Map<string, Date | null>();
  for (const r of rows) {
    const key = pairKey(r.messageId, r.userId);
    first.set(key, earlierRead(first.get(key), r.readAt === null ? null : new Date(r.readAt)));
  }
  return first;
}

/** The id lists a batch passes have no repeats. */
export interface ReadStore {
  /** The messages among `ids` that exist, with their conversation and group type. */
  messages(ids: number[]): Promise<Map<number, MessageRow>>;
  /**
   * Memberships and privacy switches of these users in these conversations, keyed by
   * readerKey; a non-member has no entry. On PostgreSQL the rows are held until commit.
   */
  readers(conversationIds: string[], userIds: string[]): Promise<Map<string, ReaderState>>;
  /**
   * Row locks in id order (PostgreSQL); SQLite's single writer needs none. PostgreSQL also
   * refreshes receiptsExpiredAt on the rows `messages` gave, as retention may have set it since.
   */
  lockMessages(ids: number[]): Promise<void>;
  /**
   * When these users first read these messages, keyed by pairKey: a receipt, or for a one-to-one
   * message a conversation read that covers it; null for a read whose time retention removed (an
   * ExpiredReceipt pair): still read, so never counted again.
   */
  readTimes(messageIds: number[], userIds: string[]): Promise<Map<string, Date | null>>;
  /** Adds readers to each message's readCount and lastReadRank; returns the counters after. */
  addReaders(added: Map<number, number>): Promise<Map<number, Counters>>;
  insertReceipts(receipts: NewReceipt[], readAt: Date): Promise<void>;
}

/** Runs `work` in one transaction; a throw rolls it all back. */
export type ReadTransaction = <T>(work: (store: ReadStore) => Promise<T>) => Promise<T>;
