import { defineChecker } from '../../sdk/define-checker.ts';
import { unusedCommitmentConfigSchema, unusedCommitmentFindings } from '../../sdk/focus-checks.ts';

const azureRecommendation = (resourceType: string): string =>
  resourceType === 'savings-plan'
    ? 'Widen the savings plan scope (shared or management group) so more eligible compute uses the hourly commitment, and size renewals to steady usage.'
    : 'Exchange the reservation for one matching running resources, widen its scope to shared or a management group, turn on instance size flexibility, or return it (within the refund limit).';

const META = { checkId: 'azure/unused-commitment', checkVersion: '1.0.0', provider: 'azure', severity: 'high' } as const;

export const azureUnusedCommitmentChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Unused reservation and savings plan commitment',
  description:
    'Reservation and savings plan cost marked CommitmentDiscountStatus Unused (UnusedReservation / UnusedSavingsPlan charges) in the last full month, per commitment. The unused amount is paid for nothing, so it is the exact monthly waste.',
  provider: META.provider,
  category: 'commitment',
  severity: META.severity,
  resourceTypes: ['reservation', 'savings-plan'],
  inputs: { focus: true },
  configSchema: unusedCommitmentConfigSchema(),
  docsExample: { minUnusedCost: '10' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await unusedCommitmentFindings(ctx, META, azureRecommendation);
  },
});
