-- CreateTable
CREATE TABLE "ConversationRead" (
    "conversationId" TEXT NOT NULL,
    "readerId" TEXT NOT NULL,
    "fromSeq" INTEGER NOT NULL,
    "toSeq" INTEGER NOT NULL,
    "readAt" DATETIME NOT NULL,

    PRIMARY KEY ("conversationId", "readerId", "toSeq"),
    CONSTRAINT "ConversationRead_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ConversationRead_readerId_fkey" FOREIGN KEY ("readerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Backfill (hand-written): each chat's last shared read becomes one range ending at its
-- sharedReadSeq, which isPeerRead read until now. The range starts after the last message from
-- the peer that asked for a receipt and has none from before that read: a read made with receipts
-- off (or not yet made) stays out of it. Messages that asked for a receipt inside it all have
-- their receipt row, which is earlier, so their times do not change. Messages before the range
-- that asked for no receipt no longer read as isPeerRead: which of them were read in private
-- cannot be told apart any more, so none is shown.
INSERT INTO "ConversationRead" ("conversationId", "readerId", "fromSeq", "toSeq", "readAt")
SELECT x."conversationId", x."userId", x."fromSeq", x."sharedReadSeq", x."sharedReadAt" FROM (
  SELECT p."conversationId", p."userId", p."sharedReadSeq", p."sharedReadAt",
    COALESCE((SELECT MAX(m."seq") FROM "Message" m
      WHERE m."conversationId" = p."conversationId" AND m."senderId" <> p."userId" AND m."needReadReceipt"
        AND m."seq" <= p."sharedReadSeq"
        AND NOT EXISTS (SELECT 1 FROM "Receipt" r
          WHERE r."messageId" = m."id" AND r."userId" = p."userId" AND r."readAt" <= p."sharedReadAt")), 0) AS "fromSeq"
  FROM "Participant" p
  WHERE p."sharedReadSeq" IS NOT NULL AND p."sharedReadAt" IS NOT NULL
) x
WHERE x."fromSeq" < x."sharedReadSeq";

-- AlterTable (hand-written for SQLite too: a plain DROP COLUMN instead of copying the table)
ALTER TABLE "Participant" DROP COLUMN "sharedReadSeq";
