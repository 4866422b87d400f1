import { defineChecker } from '../../sdk/define-checker.ts';
import { coverageConfigSchema, coverageFindings } from '../../sdk/focus-coverage.ts';

const META = { checkId: 'gcp/committed-use-coverage', checkVersion: '1.0.0', provider: 'gcp', severity: 'medium' } as const;

/** Compute Engine vCPU and memory SKUs ("N2 Instance Core running in Americas", "E2 Instance Ram …"), Spot/preemptible excluded. */
export const CUD_ELIGIBLE_SQL = `"ServiceName" = 'Compute Engine'
  AND (COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Instance Core%' OR COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Instance Ram%')
  AND NOT COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Preemptible%'
  AND NOT COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Spot%'`;

export const gcpCommittedUseCoverageChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Compute Engine vCPU and memory not covered by committed use discounts',
  description:
    'On-demand Compute Engine vCPU and RAM (PricingCategory Standard, no CUD credit) of the last 30 days; saving = that cost scaled to a month x the configured CUD discount.',
  provider: META.provider,
  category: 'commitment',
  severity: META.severity,
  resourceTypes: ['project'],
  inputs: { focus: true },
  configSchema: coverageConfigSchema(
    '0.28',
    'Discount assumed for the commitment: 0.28 = 1-year flexible (spend-based) CUD; resource-based CUDs give about 0.37 (1 year) and 0.55 (3 years) on most families',
  ),
  docsExample: { discount: '0.37', windowDays: 30, minMonthlySavings: '50' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await coverageFindings(ctx, META, CUD_ELIGIBLE_SQL, {
      resourceType: 'project',
      commitmentName: 'committed use discount',
      recommendation:
        'Buy a committed use discount for the steady part of this vCPU and memory usage (Billing → Committed use discounts → Recommendations), resource-based per region and machine family or flexible (spend-based) across families.',
    });
  },
});
