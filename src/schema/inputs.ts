// Argument rules, shared by the fields that take them (zod, through the validation plugin).
import { z } from 'zod';
import { GROUP_ID_PATTERN, parseMessageID, USER_ID_PATTERN } from '../resolvers/ids.ts';
import { MAX_RECEIPT_BATCH } from '../resolvers/receipts.ts';

export const MAX_TEXT_BYTES = 8 * 1024;
export const MAX_IDS_PER_CALL = 500;

const noDuplicates = (ids: readonly unknown[]) => new Set(ids).size === ids.length;

export const userIdSchema = z.string().regex(USER_ID_PATTERN, 'userIDs are 1 to 64 letters, digits, or _ . @ -');
export const groupIdSchema = z
  .string()
  .regex(GROUP_ID_PATTERN, 'groupIDs are 1 to 64 letters, digits, or _ . @ - #')
  .optional()
  .nullable();
export const groupNameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters');
export const conversationIdSchema = z.string().min(4).max(80);

export const userIdListSchema = z
  .array(userIdSchema)
  .max(MAX_IDS_PER_CALL, `at most ${MAX_IDS_PER_CALL} users per call`)
  .refine(noDuplicates, 'has the same userID twice');

export const cursorSchema = z.string().max(512, 'is not a cursor').optional().nullable();

export const msgIdSchema = z.string().refine((id) => parseMessageID(id) !== null, 'not a message ID');

export const msgIdListSchema = z
  .array(msgIdSchema)
  .min(1, 'give at least one message ID')
  .max(MAX_RECEIPT_BATCH, `at most ${MAX_RECEIPT_BATCH} message IDs per call`)
  .refine(noDuplicates, 'has the same message ID twice');

/** An idempotency key as clients make them (UUIDs, ULIDs, Tencent's random ids): short and plain. */
export const clientMsgIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:@#-]{1,64}$/, '1 to 64 letters, digits, or _ . : @ # -')
  .optional()
  .nullable();
/** With the u flag, only a surrogate that is not half of a pair matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

export const textSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES, `must be at most ${MAX_TEXT_BYTES} bytes`)
  // A lone surrogate is not text: stored as UTF-8 it would silently become U+FFFD.
  .refine((text) => !LONE_SURROGATE.test(text), 'must be well-formed Unicode (no lone surrogate)');

/** Tencent's limits for a profile's nickname and faceURL, so profiles copied from there fit. */
export const MAX_NICKNAME_CHARS = 64;
export const MAX_FACE_URL_CHARS = 500;

export const nicknameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty (pass null to clear it)')
  .max(MAX_NICKNAME_CHARS, `at most ${MAX_NICKNAME_CHARS} characters`)
  .optional()
  .nullable();

/** http(s) only: a javascript: or data: URL in an <img src> is the client's problem we can spare it. */
export const faceUrlSchema = z
  .string()
  .max(MAX_FACE_URL_CHARS, `at most ${MAX_FACE_URL_CHARS} characters`)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
  .optional()
  .nullable();

export const pageSizeSchema = (max: number) =>
  z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`);

/** After msgIdSchema: every id parses. */
export const toMsgIds = (ids: readonly string[]) => ids.map((id) => parseMessageID(id) as number);
