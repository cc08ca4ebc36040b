-- AlterTable
ALTER TABLE "User" ADD COLUMN     "faceURL" TEXT,
ADD COLUMN     "nickname" TEXT;

-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "sharedReadAt" TIMESTAMP(3),
ADD COLUMN     "sharedReadSeq" INTEGER;
