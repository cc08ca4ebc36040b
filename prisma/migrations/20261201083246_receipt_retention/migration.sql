-- AlterTable
ALTER TABLE "Message" ADD COLUMN "receiptsExpiredAt" DATETIME;

-- CreateTable
-- WITHOUT ROWID added by hand: the table is nothing but its key, so SQLite stores it once (in
-- the primary key's b-tree) instead of twice (a rowid table plus its key index).
CREATE TABLE "ExpiredReceipt" (
    "messageId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("messageId", "userId"),
    CONSTRAINT "ExpiredReceipt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "ReceiptSweep" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "afterMessageId" INTEGER NOT NULL DEFAULT 0
);
