-- CreateTable
CREATE TABLE "Departure" (
    "conversationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinSeq" INTEGER NOT NULL,
    "leaveSeq" INTEGER NOT NULL,

    CONSTRAINT "Departure_pkey" PRIMARY KEY ("conversationId","leaveSeq","userId")
);

-- CreateIndex
CREATE INDEX "Receipt_userId_messageId_idx" ON "Receipt"("userId", "messageId");

-- AddForeignKey
ALTER TABLE "Departure" ADD CONSTRAINT "Departure_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
