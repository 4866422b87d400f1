-- AlterTable
ALTER TABLE "Run" ADD COLUMN "cancelAskedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RunLog" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "RunLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RunLog_tenantId_runId_at_idx" ON "RunLog"("tenantId", "runId", "at");

-- AddForeignKey
ALTER TABLE "RunLog" ADD CONSTRAINT "RunLog_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLog" ADD CONSTRAINT "RunLog_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the levels the run logger writes; anything else is a bug in the writer.
ALTER TABLE "RunLog" ADD CONSTRAINT "RunLog_level_check" CHECK ("level" IN ('debug', 'info', 'warn', 'error'));
