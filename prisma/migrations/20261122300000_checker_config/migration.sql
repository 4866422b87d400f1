-- AlterTable
ALTER TABLE "FindingState" ADD COLUMN "assignee" TEXT,
ADD COLUMN "assignedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "TenantCheckerConfig" (
    "tenantId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "TenantCheckerConfig_pkey" PRIMARY KEY ("tenantId","checkId")
);

-- AddForeignKey
ALTER TABLE "TenantCheckerConfig" ADD CONSTRAINT "TenantCheckerConfig_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: a config is a JSON object, never an array or scalar.
ALTER TABLE "TenantCheckerConfig" ADD CONSTRAINT "TenantCheckerConfig_config_object_check" CHECK (jsonb_typeof("config") = 'object');
