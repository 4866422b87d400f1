import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from './checker-helpers.ts';
import { type Checker, type CheckerContext, type CheckerProvider, type CheckerSeverity, defineChecker } from './define-checker.ts';
import type { FocusInput, FocusRow } from './focus-input.ts';

/**
 * Shared building blocks of the billing (FOCUS) checks: periods, provider filters, and the queries that several
 * providers' checks run unchanged (untagged spend, unused commitments, daily cost anomalies).
 */

const MS_PER_DAY = 86_400_000;

/** ProviderName values the FOCUS conversions and native FOCUS exports write, lower-cased. */
export const FOCUS_PROVIDER_NAMES: Readonly<Record<CheckerProvider, readonly string[]>> = Object.freeze({
  aws: ['aws', 'amazon web services'],
  azure: ['microsoft', 'microsoft azure', 'azure'],
  gcp: ['google cloud', 'google cloud platform', 'google', 'gcp'],
});

/** The JSON list bound as a parameter for `lower("ProviderName") IN (SELECT unnest(from_json($n, '["VARCHAR"]')))`. */
export function providerNamesParam(provider: CheckerProvider): string {
  return JSON.stringify(FOCUS_PROVIDER_NAMES[provider]);
}

export const PROVIDER_FILTER_SQL = (param: number) => `lower("ProviderName") IN (SELECT unnest(from_json($${param}, '["VARCHAR"]')))`;

export interface Period {
  /** Inclusive, UTC midnight. */
  start: Date;
  /** Exclusive, UTC midnight. */
  end: Date;
  days: number;
  /** e.g. "2026-10" for a month, "2026-10-23..2026-11-21" for a day range (inclusive days). */
  label: string;
}

function utcMidnight(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The calendar month before the one `now` falls in (UTC). */
export function lastFullMonth(now: Date): Period {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { start, end, days: Math.round((end.getTime() - start.getTime()) / MS_PER_DAY), label: start.toISOString().slice(0, 7) };
}

/** The `days` full UTC days before the day `now` falls in (today is incomplete, so it is left out). */
export function trailingDays(now: Date, days: number, endOffsetDays = 0): Period {
  const end = new Date(utcMidnight(now).getTime() - endOffsetDays * MS_PER_DAY);
  const start = new Date(end.getTime() - days * MS_PER_DAY);
  return { start, end, days, label: `${isoDay(start)}..${isoDay(new Date(end.getTime() - MS_PER_DAY))}` };
}

/**
 * The instants a billing check looks back from. Billing exports arrive late and samples can be years old, so a check
 * evaluates as of its data, not only the wall clock: look-backs end where the sub account's FOCUS rows of the provider
 * end, unless the run's clock is earlier (a re-run "as of" a past date never sees later data).
 */
export interface BillingAsOf {
  /** For windows of whole days: the newest ChargePeriodEnd of the rows, or the clock when that is earlier. */
  day: Date;
  /**
   * For calendar months: the end of the newest month that has charges (so its last full month is the newest month
   * of data, complete or as complete as the export is), or the clock when that is earlier.
   */
  month: Date;
  /** Newest ChargePeriodEnd (ISO) of the provider's rows in the sub account; null when there are none. */
  dataEnd: string | null;
}

export async function billingAsOf<C>(ctx: CheckerContext<C>, provider: CheckerProvider): Promise<BillingAsOf> {
  const now = ctx.clock.now();
  const rows = await ctx.inputs.focus.query<{ data_end: string | null } & FocusRow>(
    `SELECT max("ChargePeriodEnd") AS data_end FROM focus WHERE ${PROVIDER_FILTER_SQL(1)} AND "SubAccountId" = $2`,
    [providerNamesParam(provider), ctx.accountId],
  );
  const dataEnd = rows[0]?.data_end ?? null;
  const end = dataEnd === null ? Number.NaN : Date.parse(dataEnd);
  if (Number.isNaN(end) || end >= now.getTime()) return { day: now, month: now, dataEnd };
  // The month the last charged instant falls in; its end is the next month's first day.
  const last = new Date(end - 1);
  const monthEnd = Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1);
  return { day: new Date(end), month: new Date(Math.min(monthEnd, now.getTime())), dataEnd };
}

/** A finding's region from the RegionIds its rows carry: the single one, else "global" (the list goes into evidence). */
export function regionOf(regions: readonly (string | null)[] | null | undefined): string {
  const distinct = [...new Set((regions ?? []).filter((r): r is string => typeof r === 'string' && r.trim() !== ''))];
  return distinct.length === 1 ? (distinct[0] as string) : 'global';
}

/** Common config field: a non-negative decimal string. */
export const decimalString = (defaultValue: string, description: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected a decimal string such as "10" or "0.28"')
    .default(defaultValue)
    .describe(description);

/** A ratio in [0, 1] as a decimal string. */
export const ratioString = (defaultValue: string, description: string) =>
  z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'expected a decimal ratio between 0 and 1 such as "0.28"')
    .default(defaultValue)
    .describe(description);

/** Identity and wording shared by every finding of one billing check. */
export interface BillingCheckMeta {
  checkId: string;
  checkVersion: string;
  provider: CheckerProvider;
  severity: CheckerSeverity;
}

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

// ---------------------------------------------------------------------------------------------------------------
// Untagged spend

export interface UntaggedSpendRow extends FocusRow {
  service_name: string;
  currency: string;
  untagged_cost: string;
  total_cost: string;
  untagged_rows: number;
  regions: string[];
  missing_keys: string[];
}

/**
 * Usage cost per service of one sub account in [start, end) whose Tags lack any of `requiredKeys`. Keys compare
 * case-insensitively and AWS's "user:" prefix (cost allocation tags in CUR) is ignored; an empty value counts as missing.
 */
export function queryUntaggedSpend(
  focus: FocusInput,
  p: { provider: CheckerProvider; accountId: string; period: Period; requiredKeys: readonly string[] },
): Promise<UntaggedSpendRow[]> {
  return focus.query<UntaggedSpendRow>(
    `WITH scoped AS (
       SELECT COALESCE("ServiceName", 'Unknown') AS service_name, "BillingCurrency" AS currency, "RegionId" AS region,
              "EffectiveCost" AS cost,
              list_filter(from_json($5, '["VARCHAR"]'), r -> NOT list_contains(
                list_transform(
                  list_filter(COALESCE(map_entries("Tags"), []), e -> COALESCE(e.value, '') <> ''),
                  e -> lower(regexp_replace(e.key, '^user:', ''))),
                r)) AS missing
         FROM focus
        WHERE ${PROVIDER_FILTER_SQL(1)}
          AND "SubAccountId" = $2
          AND "ChargeCategory" = 'Usage'
          AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
     )
     SELECT service_name, currency,
            CAST(COALESCE(SUM(cost) FILTER (WHERE len(missing) > 0), 0) AS DECIMAL(38,18)) AS untagged_cost,
            CAST(SUM(cost) AS DECIMAL(38,18)) AS total_cost,
            count(*) FILTER (WHERE len(missing) > 0) AS untagged_rows,
            COALESCE(list_sort(list_distinct(list(region) FILTER (WHERE len(missing) > 0 AND region IS NOT NULL))), []) AS regions,
            COALESCE(list_sort(list_distinct(flatten(list(missing) FILTER (WHERE len(missing) > 0)))), []) AS missing_keys
       FROM scoped
      GROUP BY service_name, currency
      ORDER BY service_name, currency`,
    [providerNamesParam(p.provider), p.accountId, p.period.start.toISOString(), p.period.end.toISOString(), JSON.stringify(p.requiredKeys.map((k) => k.toLowerCase().replace(/^user:/, '')))],
  );
}

export const untaggedSpendConfigSchema = (tagWord: 'tag' | 'label') =>
  z
    .object({
      requiredTags: z
        .array(z.string().min(1))
        .min(1)
        .default(['owner', 'cost-center'])
        .describe(`${tagWord === 'tag' ? 'Tag' : 'Label'} keys every charge must carry (case-insensitive${tagWord === 'tag' ? "; AWS's user: prefix is ignored" : ''})`),
      minUnallocatedCost: decimalString('1', `Skip services whose un${tagWord}ged cost in the month is below this amount (billing currency)`),
    })
    .strict();

export async function untaggedSpendFindings<C extends { requiredTags: string[]; minUnallocatedCost: string }>(
  ctx: CheckerContext<C>,
  meta: BillingCheckMeta,
  tagWord: 'tag' | 'label',
): Promise<FindingWireInput[]> {
  const period = lastFullMonth((await billingAsOf(ctx, meta.provider)).month);
  const min = new Decimal(ctx.config.minUnallocatedCost);
  const rows = await queryUntaggedSpend(ctx.inputs.focus, {
    provider: meta.provider,
    accountId: ctx.accountId,
    period,
    requiredKeys: ctx.config.requiredTags,
  });
  const findings: FindingWireInput[] = [];
  for (const r of rows) {
    const untagged = new Decimal(r.untagged_cost);
    if (untagged.lte(0) || untagged.lt(min)) continue;
    const share = new Decimal(r.total_cost).isZero() ? null : untagged.div(r.total_cost).times(100).toDecimalPlaces(2).toFixed();
    findings.push({
      provider: meta.provider,
      accountId: ctx.accountId,
      region: regionOf(r.regions),
      resourceType: 'service',
      resourceId: r.service_name,
      checkId: meta.checkId,
      checkVersion: meta.checkVersion,
      category: 'governance',
      severity: meta.severity,
      title: `${money(untagged)} ${r.currency} of ${r.service_name} spend in ${period.label} lacks required ${tagWord}s`,
      recommendation: `Add the ${tagWord}s ${ctx.config.requiredTags.join(', ')} to the resources behind this spend (and activate them as cost allocation ${tagWord}s where the provider requires it), so the cost can be allocated to an owner.`,
      // Allocation, not savings: nothing is saved by tagging, so the amount is 0 and the unallocated cost is observed.
      estimatedMonthlySavings: '0',
      currency: r.currency,
      savingsBasis: 'unknown',
      observedMonthlyCost: money(untagged),
      evidence: {
        period: period.label,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        requiredTags: ctx.config.requiredTags,
        missingTagKeys: asStrings(r.missing_keys),
        unallocatedCost: money(untagged),
        serviceCost: money(r.total_cost),
        unallocatedSharePercent: share,
        unallocatedRows: r.untagged_rows,
        regions: asStrings(r.regions),
      },
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Unused commitments

export interface UnusedCommitmentRow extends FocusRow {
  commitment_id: string;
  commitment_type: string | null;
  commitment_name: string | null;
  currency: string;
  unused_cost: string;
  total_cost: string;
  regions: string[];
}

/** Unused (CommitmentDiscountStatus = 'Unused') and total effective cost per commitment of one sub account in [start, end). */
export function queryUnusedCommitments(
  focus: FocusInput,
  p: { provider: CheckerProvider; accountId: string; period: Period },
): Promise<UnusedCommitmentRow[]> {
  return focus.query<UnusedCommitmentRow>(
    `SELECT "CommitmentDiscountId" AS commitment_id,
            max("CommitmentDiscountType") AS commitment_type,
            max("CommitmentDiscountName") AS commitment_name,
            "BillingCurrency" AS currency,
            CAST(COALESCE(SUM("EffectiveCost") FILTER (WHERE "CommitmentDiscountStatus" = 'Unused'), 0) AS DECIMAL(38,18)) AS unused_cost,
            CAST(SUM("EffectiveCost") FILTER (WHERE "CommitmentDiscountStatus" IN ('Used', 'Unused')) AS DECIMAL(38,18)) AS total_cost,
            COALESCE(list_sort(list_distinct(list("RegionId") FILTER (WHERE "RegionId" IS NOT NULL))), []) AS regions
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "CommitmentDiscountId" IS NOT NULL
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
      GROUP BY "CommitmentDiscountId", "BillingCurrency"
     HAVING SUM("EffectiveCost") FILTER (WHERE "CommitmentDiscountStatus" = 'Unused') > 0
      ORDER BY commitment_id, currency`,
    [providerNamesParam(p.provider), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export const unusedCommitmentConfigSchema = () =>
  z
    .object({
      minUnusedCost: decimalString('1', 'Skip commitments whose unused cost in the month is below this amount (billing currency)'),
    })
    .strict();

function commitmentResourceType(provider: CheckerProvider, type: string | null): string {
  const t = (type ?? '').toLowerCase();
  if (t.includes('savings')) return 'savings-plan';
  if (t.includes('reserv')) return provider === 'aws' ? 'reserved-instance' : 'reservation';
  if (t.includes('committed') || provider === 'gcp') return 'committed-use-discount';
  return 'commitment';
}

export async function unusedCommitmentFindings<C extends { minUnusedCost: string }>(
  ctx: CheckerContext<C>,
  meta: BillingCheckMeta,
  recommendation: (resourceType: string) => string,
): Promise<FindingWireInput[]> {
  const period = lastFullMonth((await billingAsOf(ctx, meta.provider)).month);
  const rows = await queryUnusedCommitments(ctx.inputs.focus, { provider: meta.provider, accountId: ctx.accountId, period });
  const min = new Decimal(ctx.config.minUnusedCost);
  const findings: FindingWireInput[] = [];
  for (const r of rows) {
    const unused = new Decimal(r.unused_cost);
    if (unused.lt(min)) continue;
    const total = new Decimal(r.total_cost);
    const resourceType = commitmentResourceType(meta.provider, r.commitment_type);
    findings.push({
      provider: meta.provider,
      accountId: ctx.accountId,
      region: regionOf(r.regions),
      resourceType,
      resourceId: r.commitment_id,
      checkId: meta.checkId,
      checkVersion: meta.checkVersion,
      category: 'commitment',
      severity: meta.severity,
      title: `${r.commitment_name ?? r.commitment_id}: ${money(unused)} ${r.currency} of commitment unused in ${period.label}`,
      recommendation: recommendation(resourceType),
      // The unused part was paid for nothing: that amount is the waste, at the last full month's rate.
      estimatedMonthlySavings: money(unused),
      currency: r.currency,
      savingsBasis: 'exact',
      observedMonthlyCost: money(total),
      evidence: {
        period: period.label,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        commitmentType: r.commitment_type,
        commitmentName: r.commitment_name,
        unusedCost: money(unused),
        commitmentCost: money(total),
        utilizationPercent: total.isZero() ? null : total.minus(unused).div(total).times(100).toDecimalPlaces(2).toFixed(),
        regions: asStrings(r.regions),
      },
      exclusionGroup: `${meta.provider}:${resourceType}:${r.commitment_id}`,
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Daily cost anomalies (robust z-score: median and MAD)

/** Scale that makes the MAD a consistent estimator of the standard deviation for normally distributed data. */
export const MAD_SCALE = '1.4826';

export function median(values: readonly Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as Decimal) : (sorted[mid - 1] as Decimal).plus(sorted[mid] as Decimal).div(2);
}

/** Median absolute deviation from the median. */
export function mad(values: readonly Decimal[]): Decimal {
  const m = median(values);
  return median(values.map((v) => v.minus(m).abs()));
}

export interface DailyCostRow extends FocusRow {
  day: string;
  service_name: string;
  currency: string;
  cost: string;
}

/** Daily EffectiveCost per service from the rollup (`focus_daily`) for one sub account, days in [start, end). */
export function queryDailyServiceCost(
  focus: FocusInput,
  p: { provider: CheckerProvider; accountId: string; start: Date; end: Date },
): Promise<DailyCostRow[]> {
  return focus.query<DailyCostRow>(
    `SELECT strftime("ChargeDay", '%Y-%m-%d') AS day, COALESCE("ServiceName", 'Unknown') AS service_name,
            "BillingCurrency" AS currency, CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost
       FROM focus_daily
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeDay" >= CAST($3 AS DATE) AND "ChargeDay" < CAST($4 AS DATE)
      GROUP BY ALL
      ORDER BY service_name, currency, day`,
    [providerNamesParam(p.provider), p.accountId, isoDay(p.start), isoDay(p.end)],
  );
}

export const costAnomalyConfigSchema = () =>
  z
    .object({
      k: decimalString('5', 'Flag a day above median + k × 1.4826 × MAD of its baseline window (robust z-score threshold)'),
      minAbsoluteDelta: decimalString('10', "Ignore days whose cost exceeds the baseline median by less than this amount (billing currency)"),
      baselineDays: z.number().int().min(7).max(90).default(28).describe('Days before the evaluated day that form its baseline'),
      minHistoryDays: z.number().int().min(3).max(90).default(14).describe('Days of history (since the service first appears) a baseline needs'),
      evaluateDays: z.number().int().min(1).max(14).default(1).describe('How many of the latest full days to evaluate'),
    })
    .strict();

export interface AnomalyConfig {
  k: string;
  minAbsoluteDelta: string;
  baselineDays: number;
  minHistoryDays: number;
  evaluateDays: number;
}

export interface DailyAnomaly {
  day: string;
  serviceName: string;
  currency: string;
  actual: Decimal;
  median: Decimal;
  mad: Decimal;
  upper: Decimal;
  historyDays: number;
  baselineStart: string;
  baselineEnd: string;
}

/**
 * Days among the evaluated ones whose cost exceeds median + k·1.4826·MAD of the `baselineDays` before them and the
 * median by at least `minAbsoluteDelta`. Days without rows count as 0 once the series has started; days before its
 * first row are not history.
 */
export function detectDailyAnomalies(rows: readonly DailyCostRow[], evaluated: readonly string[], cfg: AnomalyConfig): DailyAnomaly[] {
  const series = new Map<string, { serviceName: string; currency: string; byDay: Map<string, Decimal>; first: string }>();
  for (const r of rows) {
    const key = `${r.service_name}\u0000${r.currency}`;
    let s = series.get(key);
    if (!s) {
      s = { serviceName: r.service_name, currency: r.currency, byDay: new Map(), first: r.day };
      series.set(key, s);
    }
    s.byDay.set(r.day, (s.byDay.get(r.day) ?? new Decimal(0)).plus(r.cost));
    if (r.day < s.first) s.first = r.day;
  }
  const k = new Decimal(cfg.k);
  const minDelta = new Decimal(cfg.minAbsoluteDelta);
  const out: DailyAnomaly[] = [];
  for (const s of series.values()) {
    for (const day of evaluated) {
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      const window: Decimal[] = [];
      for (let i = cfg.baselineDays; i >= 1; i--) {
        const d = isoDay(new Date(dayStart - i * MS_PER_DAY));
        if (d < s.first) continue;
        window.push(s.byDay.get(d) ?? new Decimal(0));
      }
      if (window.length < cfg.minHistoryDays) continue;
      const actual = s.byDay.get(day) ?? new Decimal(0);
      const m = median(window);
      const dev = mad(window);
      const upper = m.plus(k.times(MAD_SCALE).times(dev));
      if (actual.gt(upper) && actual.minus(m).gte(minDelta)) {
        out.push({
          day,
          serviceName: s.serviceName,
          currency: s.currency,
          actual,
          median: m,
          mad: dev,
          upper,
          historyDays: window.length,
          baselineStart: isoDay(new Date(dayStart - cfg.baselineDays * MS_PER_DAY)),
          baselineEnd: isoDay(new Date(dayStart - MS_PER_DAY)),
        });
      }
    }
  }
  return out.sort((a, b) => a.serviceName.localeCompare(b.serviceName) || a.currency.localeCompare(b.currency) || a.day.localeCompare(b.day));
}

export async function costAnomalyFindings<C extends AnomalyConfig>(ctx: CheckerContext<C>, meta: BillingCheckMeta): Promise<FindingWireInput[]> {
  const cfg = ctx.config;
  const evaluatedPeriod = trailingDays((await billingAsOf(ctx, meta.provider)).day, cfg.evaluateDays);
  const start = new Date(evaluatedPeriod.start.getTime() - cfg.baselineDays * MS_PER_DAY);
  const rows = await queryDailyServiceCost(ctx.inputs.focus, { provider: meta.provider, accountId: ctx.accountId, start, end: evaluatedPeriod.end });
  const evaluated = Array.from({ length: cfg.evaluateDays }, (_, i) => isoDay(new Date(evaluatedPeriod.start.getTime() + i * MS_PER_DAY)));
  return detectDailyAnomalies(rows, evaluated, cfg).map((a) => {
    const excess = a.actual.minus(a.upper);
    return {
      provider: meta.provider,
      accountId: ctx.accountId,
      region: 'global',
      resourceType: 'service',
      resourceId: a.serviceName,
      checkId: meta.checkId,
      checkVersion: meta.checkVersion,
      category: 'anomaly',
      severity: meta.severity,
      title: `${a.serviceName} cost ${money(a.actual)} ${a.currency} on ${a.day}, above the expected ${money(a.upper)}`,
      recommendation: `Find what changed in ${a.serviceName} on ${a.day} (new resources, traffic, a deployment or a pricing change); stop it if unintended, or accept it so the baseline adapts.`,
      // An anomaly is not a saving opportunity by itself; the amount is the excess over the upper bound of the expected
      // range (one day), so a total over findings never counts normal spend, and 'unknown' marks it as unvalidated.
      estimatedMonthlySavings: money(Decimal.max(excess, 0)),
      currency: a.currency,
      savingsBasis: 'unknown',
      evidence: {
        day: a.day,
        actualCost: money(a.actual),
        expectedRange: { low: money(Decimal.max(a.median.minus(a.upper.minus(a.median)), 0)), high: money(a.upper) },
        baselineMedian: money(a.median),
        baselineMad: money(a.mad),
        k: cfg.k,
        madScale: MAD_SCALE,
        baselineWindow: { start: a.baselineStart, end: a.baselineEnd, days: cfg.baselineDays, historyDays: a.historyDays },
        excessOverUpperBound: money(excess),
      },
      discriminator: `day:${a.day}`,
    } satisfies FindingWireInput;
  });
}

/**
 * The daily cost anomaly check of one provider: every provider's check is this one rule over its own FOCUS rows,
 * so only the provider and the module (for fixtures and docs) differ.
 */
export function defineCostAnomalyChecker(provider: CheckerProvider, moduleUrl: string): Checker<z.output<ReturnType<typeof costAnomalyConfigSchema>>> {
  const meta: BillingCheckMeta = { checkId: `${provider}/cost-anomaly`, checkVersion: '1.0.0', provider, severity: 'medium' };
  return defineChecker({
    id: meta.checkId,
    version: meta.checkVersion,
    title: 'Daily cost anomaly per service',
    description:
      'Flags the latest full day(s) whose EffectiveCost per service exceeds the median + k x 1.4826 x MAD of the 28 days before (at least 14 days of history), read from the daily FOCUS rollup. The amount is the excess over the expected range (basis unknown).',
    provider,
    category: 'anomaly',
    severity: meta.severity,
    resourceTypes: ['service'],
    inputs: { focus: true },
    configSchema: costAnomalyConfigSchema(),
    docsExample: { k: '5', minAbsoluteDelta: '25', baselineDays: 28, minHistoryDays: 14, evaluateDays: 2 },
    moduleUrl,
    async *run(ctx) {
      yield* await costAnomalyFindings(ctx, meta);
    },
  });
}
