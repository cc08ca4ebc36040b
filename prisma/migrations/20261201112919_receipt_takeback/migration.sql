-- CreateTable
CREATE TABLE "ReceiptTakeback" (
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinSeq" INTEGER NOT NULL,
    "leaveSeq" INTEGER NOT NULL,

    PRIMARY KEY ("conversationId", "leaveSeq", "userId"),
    CONSTRAINT "ReceiptTakeback_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
