// Interactive transactions with retry, and the row locks PostgreSQL needs for exact counters.
// SQLite needs no locks: the driver adapter runs one transaction at a time.
import { Prisma } from '../generated/prisma/client.ts';
import type { Db, Provider } from './client.ts';

export type Tx = Prisma.TransactionClient;

const RETRYABLE = /deadlock detected|could not serialize|40P01|40001|SQLITE_BUSY|database is locked/i;

/** A deadlock, a serialization failure or a concurrent insert of the same key: worth another try. */
function isRetryable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    // P2002: a concurrent insert of the same key (for example two first requests of one user).
    // P2034: write conflict or deadlock, as Prisma reports it.
    if (error.code === 'P2002' || error.code === 'P2034') return true;
  }
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : '';
  return RETRYABLE.test(text);
}

/**
 * Runs `transaction` (a whole transaction, begun and ended by it) again after a deadlock, a
 * serialization failure or a duplicate key, up to `attempts` tries, with a short random pause
 * that grows with each try; any other error, or the last try's, is the caller's.
 */
export async function withRetries<T>(transaction: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts?: number): Promise<T> {
  return withRetries(() => db.$transaction(work, { maxWait: 15_000, timeout: 30_000 }), attempts);
}

/** Locks rows by primary key in key order, so two transactions never wait on each other in a cycle. */
export async function lockMessages(tx: Tx, provider: Provider, ids: number[]): Promise<void> {
  if (provider !== 'postgresql' || ids.length === 0) return;
  await tx.$queryRaw`SELECT "id" FROM "Message" WHERE "id" IN (${Prisma.join(ids)}) ORDER BY "id" FOR UPDATE`;
}

/**
 * Serializes with sends (which update the conversation row) and returns the current lastSeq.
 * `share` lets other readers of the seq through; `update` is for a membership change, which
 * writes the row next (two share holders that both go on to write it would deadlock).
 */
export async function lockConversationSeq(
  tx: Tx,
  provider: Provider,
  id: string,
  mode: 'share' | 'update' = 'share',
): Promise<number | null> {
  if (provider !== 'postgresql') {
    return (await tx.conversation.findUnique({ where: { id }, select: { lastSeq: true } }))?.lastSeq ?? null;
  }
  const rows = await tx.$queryRaw<{ lastSeq: number }[]>`
    SELECT "lastSeq" FROM "Conversation" WHERE "id" = ${id} ${mode === 'update' ? Prisma.sql`FOR UPDATE` : Prisma.sql`FOR SHARE`}`;
  return rows.length ? Number(rows[0].lastSeq) : null;
}
