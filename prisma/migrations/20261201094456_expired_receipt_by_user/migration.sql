-- CreateIndex
CREATE INDEX "ExpiredReceipt_userId_messageId_idx" ON "ExpiredReceipt"("userId", "messageId");
