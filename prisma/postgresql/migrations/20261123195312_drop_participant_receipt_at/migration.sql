-- AlterTable
ALTER TABLE "Participant" DROP COLUMN "receiptAt";
