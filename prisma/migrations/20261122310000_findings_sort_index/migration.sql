-- CreateIndex
CREATE INDEX "FindingState_tenantId_estimatedMonthlySavings_fingerprint_idx" ON "FindingState"("tenantId", "estimatedMonthlySavings" DESC, "fingerprint");
