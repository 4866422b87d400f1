import { defineChecker } from '../../sdk/define-checker.ts';
import { coverageConfigSchema, coverageFindings } from '../../sdk/focus-coverage.ts';

const META = { checkId: 'aws/commitment-coverage', checkVersion: '1.0.0', provider: 'aws', severity: 'medium' } as const;

/**
 * Compute Savings Plans cover EC2 instance hours (BoxUsage, DedicatedUsage, HostUsage), Fargate vCPU/GB hours and
 * Lambda duration; rows without a usage type (non-CUR sources) fall back to ServiceCategory Compute alone.
 */
export const SAVINGS_PLAN_ELIGIBLE_SQL = `"ServiceCategory" = 'Compute' AND ("x_UsageType" IS NULL OR regexp_matches("x_UsageType", '(BoxUsage|DedicatedUsage|HostUsage|Fargate-vCPU-Hours|Fargate-GB-Hours|Lambda-GB-Second)'))`;

export const awsCommitmentCoverageChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'On-demand compute not covered by Savings Plans',
  description:
    'On-demand compute (ChargeCategory Usage, PricingCategory Standard, ServiceCategory Compute, no commitment discount) of the last 30 days that a Compute Savings Plan could cover; saving = on-demand cost scaled to a month x the configured discount.',
  provider: META.provider,
  category: 'commitment',
  severity: META.severity,
  resourceTypes: ['account'],
  inputs: { focus: true },
  configSchema: coverageConfigSchema('0.28', 'Discount assumed for a Compute Savings Plan (0.28 ≈ 1-year no-upfront on common EC2 families)'),
  docsExample: { discount: '0.28', windowDays: 30, minMonthlySavings: '50' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await coverageFindings(ctx, META, SAVINGS_PLAN_ELIGIBLE_SQL, {
      resourceType: 'account',
      commitmentName: 'Savings Plan',
      recommendation:
        'Buy a Compute Savings Plan sized to the steady part of this usage (Cost Explorer → Savings Plans → Recommendations shows the hourly commitment); leave spiky usage on demand.',
    });
  },
});
