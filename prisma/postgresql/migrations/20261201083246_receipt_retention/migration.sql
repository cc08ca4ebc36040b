-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "receiptsExpiredAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ExpiredReceipt" (
    "messageId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "ExpiredReceipt_pkey" PRIMARY KEY ("messageId","userId")
);

-- CreateTable
CREATE TABLE "ReceiptSweep" (
    "id" INTEGER NOT NULL,
    "afterMessageId" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReceiptSweep_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "ExpiredReceipt" ADD CONSTRAINT "ExpiredReceipt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;
