import type { CostSummaryQuery, CostSummaryResponse, CostTrendQuery, CostTrendResponse } from '@openfinops/contracts';
import { fromScaled, toScaled } from '@openfinops/focus';
import { parseTenantId } from '@openfinops/tenants';
import { costSourceFor, type CostAmountsRow, type CostFilter, type CostLakeRepository, type CostSource, type DailyCostRow } from './cost-lake.repository.ts';

/** Complete days the forecast's run rate averages. */
export const FORECAST_BASIS_DAYS = 7;

export const FORECAST_METHOD =
  `Run rate: the average daily EffectiveCost of the last ${FORECAST_BASIS_DAYS} complete days before asOf ` +
  '(fewer when the data starts later), per currency. forecast = EffectiveCost of the month before asOf + run rate × days from asOf ' +
  'to the month end (inclusive). Exact decimal arithmetic, rounded half away from zero at 18 decimals.';

const DAY_MS = 86_400_000;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function monthStart(day: string, monthsBack = 0): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - monthsBack);
  return d.toISOString().slice(0, 10);
}

function nextMonthStart(day: string): string {
  return monthStart(day, -1);
}

/** a / b for scaled integers, rounded half away from zero. */
function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return q + (a < 0n ? -1n : 1n);
  return q;
}

function toFilter(q: Omit<CostSummaryQuery, 'groupBy'>): CostFilter {
  const { tag, ...rest } = q;
  const filter: CostFilter = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (filter as Record<string, unknown>)[k] = v;
  if (tag !== undefined) {
    const eq = tag.indexOf('=');
    filter.tag = { key: tag.slice(0, eq), value: tag.slice(eq + 1) };
  }
  return filter;
}

function groupMap(groupBy: readonly string[], keys: ReadonlyArray<string | null>): Record<string, string | null> {
  return Object.fromEntries(groupBy.map((g, i) => [g, keys[i] ?? null]));
}

/** Per-currency totals of grouped rows, added as scaled integers (exact). */
function totalsOf(rows: readonly CostAmountsRow[]): CostAmountsRow[] {
  const by = new Map<string, { rowCount: number; billed: bigint; effective: bigint; list: bigint }>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { rowCount: 0, billed: 0n, effective: 0n, list: 0n };
    t.rowCount += r.rowCount;
    t.billed += toScaled(r.billedCost);
    t.effective += toScaled(r.effectiveCost);
    t.list += toScaled(r.listCost);
    by.set(r.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, t]) => ({
      currency,
      rowCount: t.rowCount,
      billedCost: fromScaled(t.billed),
      effectiveCost: fromScaled(t.effective),
      listCost: fromScaled(t.list),
    }));
}

/** Small LRU of answers keyed by tenant, lake version and query: a new import changes the version. */
class AnswerCache {
  private readonly entries = new Map<string, unknown>();
  constructor(private readonly capacity: number) {}

  get<T>(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit as T;
  }

  set(key: string, value: unknown): void {
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export interface CostServiceOptions {
  /** Cached answers kept (all tenants); 0 disables the cache. */
  cacheEntries?: number;
  /** The clock deciding asOf when the query has none. */
  now?: () => Date;
}

/** Cost summary and trend over the tenant's FOCUS rollups (detail rows only for tags). Currencies are never added. */
export class CostService {
  private readonly cache: AnswerCache | null;
  private readonly now: () => Date;

  constructor(
    private readonly lake: CostLakeRepository,
    options: CostServiceOptions = {},
  ) {
    const entries = options.cacheEntries ?? 500;
    this.cache = entries > 0 ? new AnswerCache(entries) : null;
    this.now = options.now ?? (() => new Date());
  }

  summary(tenantId: string, q: CostSummaryQuery): Promise<CostSummaryResponse> {
    const { groupBy = [], ...filters } = q;
    const filter = toFilter(filters);
    return this.cached(tenantId, costSourceFor(groupBy, filter), 'summary', q, async () => {
      const rows = await this.lake.groups(tenantId, groupBy, filter);
      return {
        from: q.from ?? null,
        to: q.to ?? null,
        groupBy,
        source: costSourceFor(groupBy, filter),
        rows: rows.map(({ keys, ...amounts }) => ({ group: groupMap(groupBy, keys), ...amounts })),
        totals: totalsOf(rows),
      };
    });
  }

  trend(tenantId: string, q: CostTrendQuery): Promise<CostTrendResponse> {
    const asOf = q.asOf ?? this.now().toISOString().slice(0, 10);
    const to = q.to ?? nextMonthStart(asOf);
    const from = q.from ?? (q.granularity === 'day' ? monthStart(asOf, 1) : monthStart(asOf, 11));
    const resolved = { ...q, asOf, from, to };
    const { groupBy = [], granularity, asOf: _asOf, ...filters } = resolved;
    const filter = toFilter(filters);
    return this.cached(tenantId, costSourceFor(groupBy, filter), 'trend', resolved, async () => {
      const rows = await this.lake.periods(tenantId, granularity, groupBy, filter);
      return {
        granularity,
        from,
        to,
        groupBy,
        source: costSourceFor(groupBy, filter),
        series: rows.map(({ keys, period, ...amounts }) => ({ period, group: groupMap(groupBy, keys), ...amounts })),
        forecast: await this.forecast(tenantId, asOf, toFilter({ ...filters, from: undefined, to: undefined })),
        forecastMethod: FORECAST_METHOD,
      };
    });
  }

  /** Month-end forecast per currency for the month of asOf; days before asOf are complete. */
  private async forecast(tenantId: string, asOf: string, filter: CostFilter): Promise<CostTrendResponse['forecast']> {
    const start = monthStart(asOf);
    const windowStart = addDays(asOf, -FORECAST_BASIS_DAYS);
    const firstDays = await this.lake.firstChargeDays(tenantId, filter);
    if (firstDays.size === 0) return [];
    const daily: DailyCostRow[] = await this.lake.dailyEffectiveCost(tenantId, { ...filter, from: start < windowStart ? start : windowStart, to: asOf });
    const remainingDays = daysBetween(asOf, nextMonthStart(asOf));
    const out: CostTrendResponse['forecast'] = [];
    for (const [currency, firstDay] of [...firstDays.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const basisStart = firstDay > windowStart ? firstDay : windowStart;
      const basisDays = daysBetween(basisStart, asOf);
      if (basisDays <= 0) continue;
      let actual = 0n;
      let basis = 0n;
      for (const d of daily) {
        if (d.currency !== currency) continue;
        const amount = toScaled(d.effectiveCost);
        if (d.day >= start) actual += amount;
        if (d.day >= basisStart) basis += amount;
      }
      out.push({
        currency,
        month: asOf.slice(0, 7),
        asOf,
        actualToDate: fromScaled(actual),
        dailyRunRate: fromScaled(divRound(basis, BigInt(basisDays))),
        basisDays,
        remainingDays,
        forecast: fromScaled(actual + divRound(basis * BigInt(remainingDays), BigInt(basisDays))),
      });
    }
    return out;
  }

  private async cached<T>(tenantId: string, source: CostSource, kind: string, query: unknown, compute: () => Promise<T>): Promise<T> {
    const id = parseTenantId(tenantId);
    if (!this.cache) {
      await this.lake.recover(id);
      return compute();
    }
    const key = (version: string) => JSON.stringify([id, version, kind, query]);
    const hit = this.cache.get<T>(key(await this.lake.lakeVersion(id, source)));
    if (hit !== undefined) return hit;
    await this.lake.recover(id);
    // Read the version before the data: an import landing in between only makes the entry stale-keyed, never wrong-keyed.
    const version = await this.lake.lakeVersion(id, source);
    const answer = await compute();
    this.cache.set(key(version), answer);
    return answer;
  }
}
