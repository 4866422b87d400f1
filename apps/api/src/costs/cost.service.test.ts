import { describe, expect, it } from 'vitest';
import type { CostFilter, CostGroupedRow, CostLakeRepository, DailyCostRow } from './cost-lake.repository.ts';
import { CostService } from './cost.service.ts';

/** A lake double: fixed answers, a settable version, and a count of queries that reached it. */
function fakeLake(daily: DailyCostRow[], firstDays: Record<string, string>) {
  const state = { version: 'v1', queries: 0, filters: [] as CostFilter[] };
  const groups: CostGroupedRow[] = [
    { keys: ['EC2'], currency: 'USD', rowCount: 2, billedCost: '0.1', effectiveCost: '0.1', listCost: '0.2' },
    { keys: ['S3'], currency: 'USD', rowCount: 1, billedCost: '0.2', effectiveCost: '0.2', listCost: '0.2' },
    { keys: ['S3'], currency: 'EUR', rowCount: 1, billedCost: '5', effectiveCost: '4', listCost: '6' },
  ];
  const lake = {
    lakeVersion: async () => state.version,
    recover: async () => undefined,
    groups: async () => {
      state.queries++;
      return groups;
    },
    periods: async () => {
      state.queries++;
      return [];
    },
    dailyEffectiveCost: async (_t: string, f: CostFilter) => {
      state.filters.push(f);
      return daily.filter((d) => (!f.from || d.day >= f.from) && (!f.to || d.day < f.to));
    },
    firstChargeDays: async () => new Map(Object.entries(firstDays)),
  } as unknown as CostLakeRepository;
  return { lake, state };
}

describe('CostService', () => {
  it('adds group amounts per currency exactly (0.1 + 0.2 is 0.3, not 0.30000000000000004)', async () => {
    const { lake } = fakeLake([], {});
    const res = await new CostService(lake).summary('acme', { groupBy: ['service'] });
    expect(res.totals).toEqual([
      { currency: 'EUR', rowCount: 1, billedCost: '5', effectiveCost: '4', listCost: '6' },
      { currency: 'USD', rowCount: 3, billedCost: '0.3', effectiveCost: '0.3', listCost: '0.4' },
    ]);
    expect(res.rows[0]).toEqual({ group: { service: 'EC2' }, currency: 'USD', rowCount: 2, billedCost: '0.1', effectiveCost: '0.1', listCost: '0.2' });
  });

  it('serves a repeated query from cache and recomputes when the lake version changes', async () => {
    const { lake, state } = fakeLake([], {});
    const service = new CostService(lake);
    await service.summary('acme', { groupBy: ['service'] });
    await service.summary('acme', { groupBy: ['service'] });
    expect(state.queries).toBe(1);
    await service.summary('acme', { groupBy: ['region'] });
    expect(state.queries).toBe(2);
    state.version = 'v2';
    await service.summary('acme', { groupBy: ['service'] });
    expect(state.queries).toBe(3);
    const off = fakeLake([], {});
    const uncached = new CostService(off.lake, { cacheEntries: 0 });
    await uncached.summary('acme', {});
    await uncached.summary('acme', {});
    expect(off.state.queries).toBe(2);
  });

  it('forecasts the month end from the run rate of the complete days before asOf', async () => {
    // 1.10 a day from the 1st to the 9th, the 10th is asOf (incomplete, ignored).
    const daily = Array.from({ length: 10 }, (_, i) => ({ day: `2026-02-${String(i + 1).padStart(2, '0')}`, currency: 'USD', effectiveCost: i < 9 ? '1.1' : '99' }));
    const { lake } = fakeLake(daily, { USD: '2026-02-01' });
    const res = await new CostService(lake).trend('acme', { granularity: 'day', asOf: '2026-02-10' });
    // February 2026 has 28 days: 9 complete days (9.9) + 19 remaining days (10th..28th) at 1.1.
    expect(res.forecast).toEqual([
      { currency: 'USD', month: '2026-02', asOf: '2026-02-10', actualToDate: '9.9', dailyRunRate: '1.1', basisDays: 7, remainingDays: 19, forecast: '30.8' },
    ]);
    expect(res.from).toBe('2026-01-01');
    expect(res.to).toBe('2026-03-01');
  });

  it('rounds a repeating run rate half away from zero at 18 decimals and skips currencies with no complete day', async () => {
    const daily = [
      { day: '2026-03-01', currency: 'EUR', effectiveCost: '1' },
      { day: '2026-03-02', currency: 'EUR', effectiveCost: '1' },
      { day: '2026-03-03', currency: 'EUR', effectiveCost: '0' },
    ];
    const { lake } = fakeLake(daily, { EUR: '2026-03-01', USD: '2026-03-04' });
    const res = await new CostService(lake, { now: () => new Date('2026-03-04T12:00:00Z') }).trend('acme', { granularity: 'month' });
    expect(res.forecast).toEqual([
      {
        currency: 'EUR',
        month: '2026-03',
        asOf: '2026-03-04',
        actualToDate: '2',
        dailyRunRate: '0.666666666666666667',
        basisDays: 3,
        remainingDays: 28,
        forecast: '20.666666666666666667',
      },
    ]);
    expect(res.from).toBe('2025-04-01');
  });
});
