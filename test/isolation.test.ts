// A failed transaction must take only its own writes with it, and nobody may read its
// uncommitted rows — also on embedded SQLite, where every request shares one connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.db.user.createMany({ data: [{ id: 'iso-a' }, { id: 'iso-b' }] });
});
afterAll(() => t.stop());

/**
 * Opens a transaction that creates user `userID`, then waits for release(); it commits, or
 * rolls back when `fail` is set. Resolves once the transaction is open.
 */
async function holdTransaction(userID: string, fail: boolean) {
  let inside!: () => void;
  const transactionIsOpen = new Promise<void>((resolve) => {
    inside = resolve;
  });
  let release!: () => void;
  const mayFinish = new Promise<void>((resolve) => {
    release = resolve;
  });
  const done = t.db.$transaction(async (tx) => {
    await tx.user.create({ data: { id: userID } });
    inside();
    await mayFinish;
    if (fail) throw new Error('roll back');
  });
  await transactionIsOpen;
  return { done, release };
}

describe('transaction isolation', () => {
  it('keeps a concurrent plain write when another transaction rolls back, and hides uncommitted rows', async () => {
    const { done: failing, release } = await holdTransaction('iso-uncommitted', true);

    // Started while the transaction is open: they must neither join it nor see into it.
    const plainWrite = t.db.user.update({ where: { id: 'iso-b' }, data: { readReceiptsEnabled: false } });
    const plainRead = t.db.user.count({ where: { id: 'iso-uncommitted' } });
    // Give them every chance to run inside the open transaction before it rolls back.
    await Promise.race([Promise.all([plainWrite, plainRead]), new Promise((resolve) => setTimeout(resolve, 300))]);
    release();

    await expect(failing).rejects.toThrow('roll back');
    await plainWrite;
    expect(await plainRead).toBe(0);
    expect(await t.db.user.count({ where: { id: 'iso-uncommitted' } })).toBe(0);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: 'iso-b' } })).readReceiptsEnabled).toBe(false);
  });

  it('answers a plain read while a transaction is open, from the last committed state', async () => {
    const { done: writing, release } = await holdTransaction('iso-pending', false);

    // The read must finish while the transaction still holds the writer. If reads queued
    // behind it (one connection for everything), only the fallback would release it.
    const read = t.db.user.count({ where: { id: { in: ['iso-a', 'iso-pending'] } } });
    const fallback = setTimeout(release, 3_000);
    const first = await Promise.race([read.then(() => 'read'), writing.then(() => 'transaction')]);
    expect(first).toBe('read');
    expect(await read).toBe(1);
    clearTimeout(fallback);
    release();
    await writing;
    // Once committed, the next read sees it.
    expect(await t.db.user.count({ where: { id: { in: ['iso-a', 'iso-pending'] } } })).toBe(2);
  });
});
