// Conversation IDs follow Tencent's form and are seen from the viewer: alice's chat with bob is
// "C2Cbob" for alice and "C2Calice" for bob. Storage uses one key per chat ("C2C<a>:<b>",
// sorted), so both views point to the same row.
import { badInput } from './errors.ts';

/**
 * The largest value of an Int column (PostgreSQL's int4; Prisma's Int on SQLite too). Message
 * ids, seqs and read ranks live in such columns: a larger number in a query fails the statement
 * (and on PostgreSQL the whole transaction it is in), so input is bounded to it before any query.
 */
export const MAX_INT_COLUMN = 2_147_483_647;

/** A value an Int column can hold, at least `min`: what a cursor's number must be. */
export const fitsIntColumn = (value: unknown, min = 0): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= MAX_INT_COLUMN;

/**
 * The one definition of a valid message ID, for every entry point (arguments, node ids,
 * markRead batches): a positive decimal integer with no sign, exponent or leading zero, that
 * fits its column. Null for anything else.
 */
export function parseMessageID(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_INT_COLUMN ? id : null;
}

/** Letters, digits and `_ - . @`, 1 to 64 characters: no `:`, so storage keys stay unambiguous. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
/** Like user IDs, plus `#` for generated IDs (Tencent style: @TGS#...). */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_.@#-]{1,64}$/;

export type ConversationRef =
  | { kind: 'C2C'; key: string; peerID: string }
  | { kind: 'GROUP'; key: string; groupID: string };

export function c2cKey(a: string, b: string): string {
  return a < b ? `C2C${a}:${b}` : `C2C${b}:${a}`;
}

export function groupKey(groupID: string): string {
  return `GROUP${groupID}`;
}

/** Parses a viewer's conversationID ("C2C<peer>" or "GROUP<groupID>"). */
export function parseConversationID(
  viewerID: string,
  conversationID: string,
  argName = 'conversationID',
): ConversationRef {
  if (conversationID.startsWith('C2C')) {
    const peerID = conversationID.slice(3);
    if (!USER_ID_PATTERN.test(peerID)) throw badInput(argName, 'C2C must be followed by a valid userID');
    if (peerID === viewerID) throw badInput(argName, 'a one-to-one conversation needs another user');
    return { kind: 'C2C', key: c2cKey(viewerID, peerID), peerID };
  }
  if (conversationID.startsWith('GROUP')) {
    const groupID = conversationID.slice(5);
    if (!GROUP_ID_PATTERN.test(groupID)) throw badInput(argName, 'GROUP must be followed by a valid groupID');
    return { kind: 'GROUP', key: groupKey(groupID), groupID };
  }
  throw badInput(argName, 'must start with C2C or GROUP');
}

/** The conversationID a given viewer uses for a stored conversation key. */
export function conversationIDFor(viewerID: string, key: string): string {
  if (key.startsWith('GROUP')) return key;
  const [a, b] = key.slice(3).split(':');
  return `C2C${a === viewerID ? b : a}`;
}

/** The other user of a stored one-to-one key. */
export function peerOf(viewerID: string, key: string): string {
  return conversationIDFor(viewerID, key).slice(3);
}
