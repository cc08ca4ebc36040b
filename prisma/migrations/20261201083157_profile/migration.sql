-- AlterTable
ALTER TABLE "User" ADD COLUMN "faceURL" TEXT;
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;

-- AlterTable
ALTER TABLE "Participant" ADD COLUMN "sharedReadAt" DATETIME;
ALTER TABLE "Participant" ADD COLUMN "sharedReadSeq" INTEGER;
