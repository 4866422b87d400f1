-- Status of a cloud account's connection: latest dry run and latest connector import.
-- AlterTable
ALTER TABLE "CloudAccount" ADD COLUMN "lastTestedAt" TIMESTAMP(3),
ADD COLUMN "lastTestOk" BOOLEAN,
ADD COLUMN "lastImportedAt" TIMESTAMP(3),
ADD COLUMN "lastError" TEXT;
