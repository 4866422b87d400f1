import { defineChecker } from '../../sdk/define-checker.ts';
import { unusedCommitmentConfigSchema, unusedCommitmentFindings } from '../../sdk/focus-checks.ts';

const awsRecommendation = (resourceType: string): string =>
  resourceType === 'savings-plan'
    ? 'Move eligible on-demand usage under this Savings Plan (other accounts of the organisation share it when sharing is on), and size future Savings Plan purchases to the steady usage so the hourly commitment is used.'
    : 'Exchange the Convertible Reserved Instance for one that matches running usage, modify its scope, size or Availability Zone, or sell a Standard RI on the Reserved Instance Marketplace.';

const META = { checkId: 'aws/unused-commitment', checkVersion: '1.0.0', provider: 'aws', severity: 'high' } as const;

export const awsUnusedCommitmentChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Unused Savings Plan and Reserved Instance commitment',
  description:
    'Commitment cost (Savings Plans, Reserved Instances) marked CommitmentDiscountStatus Unused in the last full month, per commitment. The unused amount is paid for nothing, so it is the exact monthly waste.',
  provider: META.provider,
  category: 'commitment',
  severity: META.severity,
  resourceTypes: ['savings-plan', 'reserved-instance'],
  inputs: { focus: true },
  configSchema: unusedCommitmentConfigSchema(),
  docsExample: { minUnusedCost: '10' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await unusedCommitmentFindings(ctx, META, awsRecommendation);
  },
});
