import { defineChecker } from '../../sdk/define-checker.ts';
import { costAnomalyConfigSchema, costAnomalyFindings } from '../../sdk/focus-checks.ts';

const META = { checkId: 'aws/cost-anomaly', checkVersion: '1.0.0', provider: 'aws', severity: 'medium' } as const;

export const awsCostAnomalyChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Daily cost anomaly per service',
  description:
    'Flags the latest full day(s) whose EffectiveCost per service exceeds the median + k x 1.4826 x MAD of the 28 days before (at least 14 days of history), read from the daily FOCUS rollup. The amount is the excess over the expected range (basis unknown).',
  provider: META.provider,
  category: 'anomaly',
  severity: META.severity,
  resourceTypes: ['service'],
  inputs: { focus: true },
  configSchema: costAnomalyConfigSchema(),
  docsExample: { k: '5', minAbsoluteDelta: '25', baselineDays: 28, minHistoryDays: 14, evaluateDays: 2 },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    yield* await costAnomalyFindings(ctx, META);
  },
});
