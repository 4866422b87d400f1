import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { billingAsOf, decimalString, PROVIDER_FILTER_SQL, providerNamesParam, regionOf, trailingDays, type Period } from '../../sdk/focus-checks.ts';
import type { FocusInput, FocusRow } from '../../sdk/focus-input.ts';

const META = { checkId: 'aws/data-transfer-spike', checkVersion: '1.0.0' } as const;

/** CUR usage types of data transfer: `DataTransfer-Out-Bytes`, `USE1-EUC1-AWS-Out-Bytes`, `DataTransfer-Regional-Bytes`, NAT bytes. */
const DATA_TRANSFER_SQL = `(regexp_matches(COALESCE("x_UsageType", ''), 'DataTransfer|-(In|Out)-Bytes|-Regional-Bytes|NatGateway-Bytes')
  OR "x_ProductFamily" = 'Data Transfer' OR "ServiceName" = 'AWS Data Transfer' OR "ServiceSubcategory" = 'Network Traffic')`;

export interface DataTransferRow extends FocusRow {
  currency: string;
  recent_cost: string;
  baseline_cost: string;
  regions: string[];
}

/** Data transfer cost of the recent window and of the baseline window before it, per currency. */
export function queryDataTransfer(focus: FocusInput, p: { accountId: string; recent: Period; baseline: Period }): Promise<DataTransferRow[]> {
  return focus.query<DataTransferRow>(
    `SELECT "BillingCurrency" AS currency,
            CAST(COALESCE(SUM("EffectiveCost") FILTER (WHERE "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ)), 0) AS DECIMAL(38,18)) AS recent_cost,
            CAST(COALESCE(SUM("EffectiveCost") FILTER (WHERE "ChargePeriodStart" < CAST($3 AS TIMESTAMPTZ)), 0) AS DECIMAL(38,18)) AS baseline_cost,
            COALESCE(list_sort(list_distinct(list("RegionId") FILTER (WHERE "RegionId" IS NOT NULL AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ)))), []) AS regions
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND "ChargePeriodStart" >= CAST($5 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
        AND ${DATA_TRANSFER_SQL}
      GROUP BY "BillingCurrency"
      ORDER BY currency`,
    [providerNamesParam('aws'), p.accountId, p.recent.start.toISOString(), p.recent.end.toISOString(), p.baseline.start.toISOString()],
  );
}

export const awsDataTransferSpikeChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Data transfer cost spike',
  description:
    "Compares an account's data transfer cost of the last 7 full days with its weekly average over the 4 weeks before; flags a rise above spikeFactor x that average. The amount is the excess over the threshold (basis unknown).",
  provider: 'aws',
  category: 'anomaly',
  severity: 'medium',
  resourceTypes: ['data-transfer'],
  inputs: { focus: true },
  configSchema: z
    .object({
      spikeFactor: decimalString('2', 'Flag when the last week costs more than this multiple of the trailing weekly average'),
      minWeeklyIncrease: decimalString('10', 'Ignore increases over the weekly average below this amount (billing currency)'),
      baselineWeeks: z.number().int().min(1).max(12).default(4).describe('Weeks before the last one that form the baseline'),
    })
    .strict(),
  docsExample: { spikeFactor: '1.5', minWeeklyIncrease: '50', baselineWeeks: 4 },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    const asOf = (await billingAsOf(ctx, 'aws')).day;
    const recent = trailingDays(asOf, 7);
    const baseline = trailingDays(asOf, 7 * ctx.config.baselineWeeks, 7);
    for (const r of await queryDataTransfer(ctx.inputs.focus, { accountId: ctx.accountId, recent, baseline })) {
      const week = new Decimal(r.recent_cost);
      const weeklyAverage = new Decimal(r.baseline_cost).div(ctx.config.baselineWeeks);
      const threshold = weeklyAverage.times(ctx.config.spikeFactor);
      if (!week.gt(threshold) || week.minus(weeklyAverage).lt(ctx.config.minWeeklyIncrease)) continue;
      const factor = weeklyAverage.isZero() ? null : week.div(weeklyAverage).toDecimalPlaces(2).toFixed();
      yield {
        provider: 'aws',
        accountId: ctx.accountId,
        region: regionOf(r.regions),
        resourceType: 'data-transfer',
        resourceId: ctx.accountId,
        checkId: META.checkId,
        checkVersion: META.checkVersion,
        category: 'anomaly',
        severity: 'medium',
        title: `Data transfer cost ${money(week)} ${r.currency} in ${recent.label}${factor ? `, ${factor}x the weekly average` : ', up from nothing'}`,
        recommendation:
          'Find the traffic behind the rise (usage types by region pair, NAT gateways, cross-AZ traffic, internet egress); keep traffic in one AZ/region, use VPC endpoints or a CDN, and fix unintended replication or logging loops.',
        // Not a validated saving: the excess over the spike threshold for one week, so totals never count normal traffic.
        estimatedMonthlySavings: money(week.minus(threshold)),
        currency: r.currency,
        savingsBasis: 'unknown',
        evidence: {
          recentWindow: { start: recent.start.toISOString(), end: recent.end.toISOString(), label: recent.label },
          baselineWindow: { start: baseline.start.toISOString(), end: baseline.end.toISOString(), label: baseline.label, weeks: ctx.config.baselineWeeks },
          recentCost: money(week),
          baselineCost: money(r.baseline_cost),
          baselineWeeklyAverage: money(weeklyAverage),
          spikeFactor: ctx.config.spikeFactor,
          threshold: money(threshold),
          observedFactor: factor,
          regions: r.regions,
        },
      };
    }
  },
});
