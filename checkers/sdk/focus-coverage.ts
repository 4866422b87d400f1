import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { HOURS_PER_MONTH, money } from './checker-helpers.ts';
import type { CheckerContext } from './define-checker.ts';
import { billingAsOf, type BillingCheckMeta, decimalString, PROVIDER_FILTER_SQL, providerNamesParam, ratioString, regionOf, trailingDays, type Period } from './focus-checks.ts';
import type { FocusInput, FocusRow } from './focus-input.ts';

/** On-demand usage that a commitment (Savings Plan, CUD) could cover, shared by the AWS and GCP coverage checks. */

export interface OnDemandRow extends FocusRow {
  currency: string;
  on_demand_cost: string;
  pricing_quantity: string | null;
  rows: number;
  regions: string[];
  services: string[];
}

/**
 * Usage rows at standard (on-demand) prices with no commitment discount applied, in [start, end), for one sub account.
 * `usageSql` is a fixed predicate of the calling check (never user input) narrowing the rows to commitment-eligible usage.
 */
export function queryOnDemandUsage(
  focus: FocusInput,
  p: { meta: BillingCheckMeta; accountId: string; period: Period; usageSql: string },
): Promise<OnDemandRow[]> {
  return focus.query<OnDemandRow>(
    `SELECT "BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS on_demand_cost,
            CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS pricing_quantity,
            count(*) AS rows,
            COALESCE(list_sort(list_distinct(list("RegionId") FILTER (WHERE "RegionId" IS NOT NULL))), []) AS regions,
            COALESCE(list_sort(list_distinct(list("ServiceName") FILTER (WHERE "ServiceName" IS NOT NULL))), []) AS services
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND "PricingCategory" = 'Standard'
        AND "CommitmentDiscountId" IS NULL
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
        AND (${p.usageSql})
      GROUP BY "BillingCurrency"
     HAVING SUM("EffectiveCost") > 0
      ORDER BY currency`,
    [providerNamesParam(p.meta.provider), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export const coverageConfigSchema = (defaultDiscount: string, discountText: string) =>
  z
    .object({
      discount: ratioString(defaultDiscount, discountText),
      windowDays: z.number().int().min(7).max(90).default(30).describe('Days of on-demand usage the estimate is based on (the full days before the billing data of the account ends, or before today)'),
      minMonthlySavings: decimalString('10', 'Skip accounts whose estimated monthly saving is below this amount (billing currency)'),
    })
    .strict();

export interface CoverageWording {
  resourceType: string;
  commitmentName: string;
  recommendation: string;
}

/**
 * Savings = on-demand EffectiveCost of the window × discount × (730 h / window hours): the window's cost scaled to an
 * average month, at the configured commitment discount. Estimated, since the right commitment size depends on how
 * steady the usage is.
 */
export async function coverageFindings<C extends { discount: string; windowDays: number; minMonthlySavings: string }>(
  ctx: CheckerContext<C>,
  meta: BillingCheckMeta,
  usageSql: string,
  wording: CoverageWording,
): Promise<FindingWireInput[]> {
  const period = trailingDays((await billingAsOf(ctx, meta.provider)).day, ctx.config.windowDays);
  const rows = await queryOnDemandUsage(ctx.inputs.focus, { meta, accountId: ctx.accountId, period, usageSql });
  const monthlyFactor = new Decimal(HOURS_PER_MONTH).div(period.days * 24);
  const findings: FindingWireInput[] = [];
  for (const r of rows) {
    const monthlyOnDemand = new Decimal(r.on_demand_cost).times(monthlyFactor);
    const savings = monthlyOnDemand.times(ctx.config.discount);
    if (savings.lt(ctx.config.minMonthlySavings) || savings.lte(0)) continue;
    findings.push({
      provider: meta.provider,
      accountId: ctx.accountId,
      region: regionOf(r.regions),
      resourceType: wording.resourceType,
      resourceId: ctx.accountId,
      checkId: meta.checkId,
      checkVersion: meta.checkVersion,
      category: 'commitment',
      severity: meta.severity,
      title: `${money(monthlyOnDemand)} ${r.currency}/month of on-demand compute not covered by a ${wording.commitmentName}`,
      recommendation: wording.recommendation,
      estimatedMonthlySavings: money(savings),
      currency: r.currency,
      savingsBasis: 'estimated',
      observedMonthlyCost: money(monthlyOnDemand),
      evidence: {
        period: period.label,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        windowDays: period.days,
        onDemandCostInWindow: money(r.on_demand_cost),
        monthlyFactor: `${HOURS_PER_MONTH}/${period.days * 24}`,
        monthlyOnDemandCost: money(monthlyOnDemand),
        assumedDiscount: ctx.config.discount,
        rows: r.rows,
        services: r.services,
        regions: r.regions,
      },
      exclusionGroup: `${meta.provider}:${wording.resourceType}:${ctx.accountId}:compute-commitment`,
    });
  }
  return findings;
}
