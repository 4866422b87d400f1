import { defineChecker } from '../../sdk/define-checker.ts';
import { untaggedSpendConfigSchema, untaggedSpendFindings } from '../../sdk/focus-checks.ts';

const META = { checkId: 'aws/untagged-spend', checkVersion: '1.0.0', provider: 'aws', severity: 'low' } as const;

export const awsUntaggedSpendChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Spend missing required cost allocation tags',
  description:
    'Usage cost of the last full month, per service, whose rows lack any of the required tag keys (FOCUS Tags; AWS user: prefix ignored). Allocation, not savings: reported with savings 0 and the unallocated amount as observed cost.',
  provider: META.provider,
  category: 'governance',
  severity: META.severity,
  resourceTypes: ['service'],
  inputs: { focus: true },
  configSchema: untaggedSpendConfigSchema('tag'),
  docsExample: { requiredTags: ['owner', 'cost-center', 'environment'], minUnallocatedCost: '5' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await untaggedSpendFindings(ctx, META, 'tag');
  },
});
