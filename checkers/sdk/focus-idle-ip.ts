import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from './checker-helpers.ts';
import { type Checker, type CheckerContext, type CheckerProvider, defineChecker } from './define-checker.ts';
import { billingAsOf, decimalString, lastFullMonth, type Period, PROVIDER_FILTER_SQL, providerNamesParam } from './focus-checks.ts';
import type { FocusInput, FocusRow, FocusValue } from './focus-input.ts';

/**
 * Idle public IP addresses billed per hour (AWS PublicIPv4:IdleAddress, GCP static and standby-VM IPs): the charges
 * of the last full month of data per address, where the whole billed amount is the saving of releasing the address.
 */

export const idleIpConfigSchema = () =>
  z.object({ minMonthlyCost: decimalString('0.5', 'Skip addresses whose idle cost in the month is below this amount') }).strict();

export interface IdleIpRow extends FocusRow {
  resource_id: string | null;
  region: string | null;
  currency: string;
  cost: string;
  hours: string | null;
}

/**
 * Cost and hours per address (plus `columns`) of one sub account's Usage rows in the period that match `matchSql`
 * (a fixed predicate of the check, never input), addresses with a positive cost only.
 */
export function queryIdleIpCharges<Row extends IdleIpRow>(
  focus: FocusInput,
  p: { provider: CheckerProvider; accountId: string; period: Period; columns: string; matchSql: string; orderBy: string },
): Promise<Row[]> {
  return focus.query<Row>(
    `SELECT "ResourceId" AS resource_id, "RegionId" AS region, ${p.columns}"BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost, CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS hours
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
        AND (${p.matchSql})
      GROUP BY ALL
     HAVING SUM("EffectiveCost") > 0
      ORDER BY ${p.orderBy}`,
    [providerNamesParam(p.provider), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export interface IdleIpCheck<Row extends IdleIpRow> {
  checkId: string;
  checkVersion: string;
  title: string;
  description: string;
  provider: CheckerProvider;
  resourceType: string;
  /** `import.meta.url` of the check's module (fixtures, README). */
  moduleUrl: string;
  query(focus: FocusInput, p: { accountId: string; period: Period }): Promise<Row[]>;
  /** What differs per provider: the address's id, wording, provider evidence and exclusion group. */
  describe(
    row: Row,
    at: { accountId: string; region: string; cost: string; period: Period },
  ): { resourceId: string; title: string; recommendation: string; evidence: Record<string, FocusValue>; exclusionGroup?: string };
}

export async function idleIpFindings<Row extends IdleIpRow>(ctx: CheckerContext<{ minMonthlyCost: string }>, check: IdleIpCheck<Row>): Promise<FindingWireInput[]> {
  const period = lastFullMonth((await billingAsOf(ctx, check.provider)).month);
  const findings: FindingWireInput[] = [];
  for (const row of await check.query(ctx.inputs.focus, { accountId: ctx.accountId, period })) {
    const cost = new Decimal(row.cost);
    if (cost.lt(ctx.config.minMonthlyCost)) continue;
    const region = row.region ?? 'global';
    const amount = money(cost);
    const described = check.describe(row, { accountId: ctx.accountId, region, cost: amount, period });
    findings.push({
      provider: check.provider,
      accountId: ctx.accountId,
      region,
      resourceType: check.resourceType,
      resourceId: described.resourceId,
      checkId: check.checkId,
      checkVersion: check.checkVersion,
      category: 'waste',
      severity: 'low',
      title: described.title,
      recommendation: described.recommendation,
      estimatedMonthlySavings: amount,
      currency: row.currency,
      savingsBasis: 'exact',
      observedMonthlyCost: amount,
      evidence: {
        period: period.label,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        idleCost: amount,
        ...described.evidence,
      },
      ...(described.exclusionGroup !== undefined ? { exclusionGroup: described.exclusionGroup } : {}),
    });
  }
  return findings;
}

/** An idle IP check: severity low, category waste, `minMonthlyCost` config; the rest comes from `check`. */
export function defineIdleIpChecker<Row extends IdleIpRow>(check: IdleIpCheck<Row>): Checker<z.output<ReturnType<typeof idleIpConfigSchema>>> {
  return defineChecker({
    id: check.checkId,
    version: check.checkVersion,
    title: check.title,
    description: check.description,
    provider: check.provider,
    category: 'waste',
    severity: 'low',
    resourceTypes: [check.resourceType],
    inputs: { focus: true },
    configSchema: idleIpConfigSchema(),
    docsExample: { minMonthlyCost: '1' },
    moduleUrl: check.moduleUrl,
    async *run(ctx) {
      yield* await idleIpFindings(ctx, check);
    },
  });
}
