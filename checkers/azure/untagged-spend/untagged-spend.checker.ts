import { defineChecker } from '../../sdk/define-checker.ts';
import { untaggedSpendConfigSchema, untaggedSpendFindings } from '../../sdk/focus-checks.ts';

const META = { checkId: 'azure/untagged-spend', checkVersion: '1.0.0', provider: 'azure', severity: 'low' } as const;

export const azureUntaggedSpendChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Spend missing required tags',
  description:
    'Usage cost of the last full month, per service, whose rows lack any of the required Azure tag keys (FOCUS Tags). Allocation, not savings: reported with savings 0 and the unallocated amount as observed cost.',
  provider: META.provider,
  category: 'governance',
  severity: META.severity,
  resourceTypes: ['service'],
  inputs: { focus: true },
  configSchema: untaggedSpendConfigSchema('tag'),
  docsExample: { requiredTags: ['owner', 'cost-center'], minUnallocatedCost: '5' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await untaggedSpendFindings(ctx, META, 'tag');
  },
});
