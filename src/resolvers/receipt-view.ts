// The MessageReceipt shape that queries return and subscriptions carry, always in the view of
// the user who receives it (conversationID is that user's).
import { conversationIDFor } from './ids.ts';

export type ReceiptView = {
  msgID: string | null;
  conversationID: string;
  userID: string | null;
  groupID: string | null;
  isPeerRead: boolean;
  timestamp: Date | string | null;
  readCount: number;
  unreadCount: number;
};

/** A group message's figures for its sender. */
export function groupReceipt(
  msg: { id: number; readCount: number; audienceCount: number },
  groupID: string,
): ReceiptView {
  const unreadCount = Math.max(0, msg.audienceCount - msg.readCount);
  return {
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

/** A one-to-one receipt for the sender: `peerID` is the receiver; msgID null means "the whole chat". */
export function c2cReceipt(msgID: number | null, peerID: string, readAt: Date | null): ReceiptView {
  return {
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
