// The MessageReceipt shape that queries return and subscriptions carry, always in the view of
// the user who receives it (conversationID is that user's).
import { conversationIDFor } from './ids.ts';

export type ReceiptView = {
  /** Stable per view (see receiptID), so normalized client caches merge updates into what they hold. */
  id: string;
  msgID: string | null;
  conversationID: string;
  userID: string | null;
  groupID: string | null;
  isPeerRead: boolean;
  timestamp: Date | string | null;
  readCount: number;
  unreadCount: number;
};

/**
 * MessageReceipt ids. The sender's view of a message has one id, whatever path brings it
 * (Message.receipt, messageReceipts, receiptUpdated); a conversation-level one-to-one read has
 * one per chat and sender; a reader's own receipt (markRead's result) has its own, so a cache
 * never mixes a reader's figures into a sender's.
 */
export const receiptID = {
  sender: (msgID: number | string) => `MessageReceipt:${msgID}`,
  conversation: (senderID: string, readerID: string) => `ConversationRead:${senderID}:${readerID}`,
  reader: (msgID: number | string, readerID: string) => `ReaderReceipt:${msgID}:${readerID}`,
};

/** A group message's figures for its sender. */
export function groupReceipt(
  msg: { id: number; readCount: number; audienceCount: number },
  groupID: string,
): ReceiptView {
  const unreadCount = Math.max(0, msg.audienceCount - msg.readCount);
  return {
    id: receiptID.sender(msg.id),
    msgID: String(msg.id),
    conversationID: `GROUP${groupID}`,
    userID: null,
    groupID,
    isPeerRead: msg.audienceCount > 0 && unreadCount === 0,
    timestamp: null,
    readCount: msg.readCount,
    unreadCount,
  };
}

/**
 * A one-to-one receipt for `senderID`: `peerID` is the receiver; msgID null means "the whole chat".
 */
export function c2cReceipt(senderID: string, msgID: number | null, peerID: string, readAt: Date | null): ReceiptView {
  return {
    id: msgID === null ? receiptID.conversation(senderID, peerID) : receiptID.sender(msgID),
    msgID: msgID === null ? null : String(msgID),
    conversationID: `C2C${peerID}`,
    userID: peerID,
    groupID: null,
    isPeerRead: readAt !== null,
    timestamp: readAt,
    readCount: readAt ? 1 : 0,
    unreadCount: readAt ? 0 : 1,
  };
}

/**
 * What markRead returns to the reader: their own receipt (it never reveals group figures).
 * readAt is null for an earlier read whose time retention removed.
 */
export function readerReceipt(
  msgID: number,
  readerID: string,
  conversationKey: string,
  groupID: string | null,
  readAt: Date | null,
): ReceiptView {
  return {
    id: receiptID.reader(msgID, readerID),
    msgID: String(msgID),
    conversationID: conversationIDFor(readerID, conversationKey),
    userID: readerID,
    groupID,
    isPeerRead: true,
    timestamp: readAt,
    readCount: 1,
    unreadCount: 0,
  };
}
