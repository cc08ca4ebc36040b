// Every error a client can see carries extensions.code (see the contract's list).
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'READ_RECEIPT_NOT_FOUND'
  | 'READ_RECEIPT_EXPIRED';

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (argumentName: string, problem: string) =>
  appError('BAD_USER_INPUT', `${argumentName}: ${problem}`, { argumentName });
export const forbidden = (message: string) => appError('FORBIDDEN', message);
export const notFound = (message: string) => appError('NOT_FOUND', message);
export const unauthenticated = (message = 'sign in: send Authorization: Bearer <token>') =>
  appError('UNAUTHENTICATED', message);
/** Tencent's 10062: no receipt information exists for this group message. */
export const receiptNotFound = (msgID: string) =>
  appError('READ_RECEIPT_NOT_FOUND', `message ${msgID} has no read receipt information`, { errorCode: 10062 });
/** Retention removed this group message's reader list at `expiredAt`; its counts are still exact. */
export const receiptExpired = (msgID: string, expiredAt: Date) =>
  appError('READ_RECEIPT_EXPIRED', `the reader list of message ${msgID} was removed by retention`, {
    expiredAt: expiredAt.toISOString(),
  });
/** READ_RECEIPT_PRIVACY=RECIPROCAL: a user whose own receipts are off sees none for their messages. */
export const receiptsWithheld = () =>
  appError('FORBIDDEN', 'your read receipts are off: turn them on to see who read your messages', {
    reason: 'READ_RECEIPTS_OFF',
  });
