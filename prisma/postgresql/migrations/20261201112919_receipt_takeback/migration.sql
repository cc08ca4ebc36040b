-- CreateTable
CREATE TABLE "ReceiptTakeback" (
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinSeq" INTEGER NOT NULL,
    "leaveSeq" INTEGER NOT NULL,

    CONSTRAINT "ReceiptTakeback_pkey" PRIMARY KEY ("conversationId","leaveSeq","userId")
);

-- AddForeignKey
ALTER TABLE "ReceiptTakeback" ADD CONSTRAINT "ReceiptTakeback_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
