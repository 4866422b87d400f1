import { defineChecker } from '../../sdk/define-checker.ts';
import { untaggedSpendConfigSchema, untaggedSpendFindings } from '../../sdk/focus-checks.ts';

const META = { checkId: 'gcp/unlabeled-spend', checkVersion: '1.0.0', provider: 'gcp', severity: 'low' } as const;

export const gcpUnlabeledSpendChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Spend missing required labels',
  description:
    'Usage cost of the last full month, per service, whose rows lack any of the required GCP label keys (labels and resource-manager tags land in FOCUS Tags). Allocation, not savings: reported with savings 0 and the unallocated amount as observed cost.',
  provider: META.provider,
  category: 'governance',
  severity: META.severity,
  resourceTypes: ['service'],
  inputs: { focus: true },
  configSchema: untaggedSpendConfigSchema('label'),
  docsExample: { requiredTags: ['owner', 'cost-center'], minUnallocatedCost: '5' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await untaggedSpendFindings(ctx, META, 'label');
  },
});
