// The conversation_read migration carries the read state that Participant.sharedReadSeq held
// into ConversationRead ranges: run on a database as the migrations before it left it, with
// one-to-one reads made every way the old code could make them.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../src/db/migrate.ts';
import { freshDatabase, testProvider } from './helpers/databases.ts';

const MIGRATION = 'conversation_read';

type Driver = { exec(sql: string): Promise<void>; all<T>(sql: string): Promise<T[]>; close(): Promise<void> };

async function open(url: string): Promise<Driver> {
  if (testProvider === 'sqlite') {
    const db = new Database(url.slice('file:'.length));
    db.pragma('foreign_keys = OFF'); // as src/db/migrate.ts runs migrations
    return {
      exec: async (sql) => void db.exec(sql),
      all: async <T>(sql: string) => db.prepare(sql).all() as T[],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    all: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    close: () => client.end(),
  };
}

const at = (second: number) =>
  testProvider === 'sqlite' ? `'2026-01-01T00:00:0${second}.000+00:00'` : `'2026-01-01 00:00:0${second}'`;
const TRUE = testProvider === 'sqlite' ? '1' : 'true';
const FALSE = testProvider === 'sqlite' ? '0' : 'false';

let drop: () => Promise<void>;
let db: Driver;
beforeAll(async () => {
  const database = await freshDatabase();
  drop = database.drop;
  db = await open(database.url);
  const migrations = readMigrations(testProvider);
  const index = migrations.findIndex((m) => m.name.endsWith(`_${MIGRATION}`));
  for (const m of migrations.slice(0, index)) await db.exec(m.sql);

  // amy writes to bob. bob read seq 1 by markRead (at 1); read the chat in private up to 2; then
  // shared a chat read up to 5 (at 2), which wrote receipts for 4 only (3 and 5 ask for none);
  // later markRead 2 with receipts on (at 3). cid never shared a read; dan's last shared read
  // (up to 1, at 2) covers a message that asked for a receipt and has none from before it.
  await db.exec(`INSERT INTO "User" ("id") VALUES ('amy'), ('bob'), ('cid'), ('dan');
    INSERT INTO "Conversation" ("id", "memberCount", "lastSeq") VALUES ('C2Camy:bob', 2, 6), ('C2Camy:cid', 2, 1), ('C2Camy:dan', 2, 1);
    INSERT INTO "Participant" ("conversationId", "userId", "joinSeq", "readSeq", "receiptSeq", "sharedReadSeq", "sharedReadAt") VALUES
      ('C2Camy:bob', 'amy', 0, 0, 0, NULL, NULL), ('C2Camy:bob', 'bob', 0, 5, 5, 5, ${at(2)}),
      ('C2Camy:cid', 'amy', 0, 0, 0, NULL, NULL), ('C2Camy:cid', 'cid', 0, 1, 1, NULL, NULL),
      ('C2Camy:dan', 'amy', 0, 0, 0, NULL, NULL), ('C2Camy:dan', 'dan', 0, 1, 1, 1, ${at(2)});
    INSERT INTO "Message" ("id", "conversationId", "seq", "senderId", "text", "needReadReceipt") VALUES
      (1, 'C2Camy:bob', 1, 'amy', 'm1', ${TRUE}), (2, 'C2Camy:bob', 2, 'amy', 'm2', ${TRUE}),
      (3, 'C2Camy:bob', 3, 'amy', 'm3', ${FALSE}), (4, 'C2Camy:bob', 4, 'amy', 'm4', ${TRUE}),
      (5, 'C2Camy:bob', 5, 'bob', 'm5', ${TRUE}), (6, 'C2Camy:bob', 6, 'amy', 'm6', ${TRUE}),
      (7, 'C2Camy:cid', 1, 'amy', 'c1', ${TRUE}), (8, 'C2Camy:dan', 1, 'amy', 'd1', ${TRUE});
    INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt") VALUES
      (1, 'bob', 1, ${at(1)}), (4, 'bob', 1, ${at(2)}), (2, 'bob', 1, ${at(3)});`);
  await db.exec(migrations[index].sql);
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

describe(`the ${MIGRATION} migration`, () => {
  it('turns each last shared read into one range that leaves the private reads out', async () => {
    const ranges = await db.all<{ conversationId: string; readerId: string; fromSeq: number; toSeq: number }>(
      `SELECT "conversationId", "readerId", "fromSeq", "toSeq" FROM "ConversationRead" ORDER BY "conversationId"`,
    );
    // bob: after m2 (read in private; its receipt came later), up to his shared read's seq.
    // cid shared nothing; dan's range would be empty.
    expect(ranges).toEqual([{ conversationId: 'C2Camy:bob', readerId: 'bob', fromSeq: 2, toSeq: 5 }]);
    const [{ readAt }] = await db.all<{ readAt: Date | string }>(`SELECT "readAt" FROM "ConversationRead"`);
    expect(new Date(readAt).toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });

  it('drops Participant.sharedReadSeq and keeps every other column', async () => {
    const columns = await db.all<{ name: string }>(
      testProvider === 'sqlite'
        ? `SELECT "name" FROM pragma_table_info('Participant')`
        : `SELECT column_name AS "name" FROM information_schema.columns WHERE table_name = 'Participant'`,
    );
    const names = columns.map((c) => c.name);
    expect(names).not.toContain('sharedReadSeq');
    expect(names).toContain('sharedReadAt');
    const [bob] = await db.all<{ receiptSeq: number }>(`SELECT "receiptSeq" FROM "Participant" WHERE "userId" = 'bob'`);
    expect(Number(bob.receiptSeq)).toBe(5);
  });
});
