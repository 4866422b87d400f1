import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createCheckerContext, fixedClock } from './context.ts';
import { defineChecker } from './define-checker.ts';
import { billingAsOf, detectDailyAnomalies, lastFullMonth, mad, median, regionOf, trailingDays, type DailyCostRow } from './focus-checks.ts';
import { createFocusInputFromRows } from './focus-input.ts';

const d = (xs: string[]) => xs.map((x) => new Decimal(x));
const cfg = { k: '5', minAbsoluteDelta: '10', baselineDays: 28, minHistoryDays: 14, evaluateDays: 1 };
const daily = (service: string, start: string, costs: (string | null)[]): DailyCostRow[] =>
  costs.flatMap((cost, i) =>
    cost === null ? [] : [{ day: new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10), service_name: service, currency: 'USD', cost }],
  );

describe('focus check helpers', () => {
  it('computes median and MAD exactly', () => {
    expect(median(d(['3', '1', '2'])).toFixed()).toBe('2');
    expect(median(d(['1', '2', '3', '4'])).toFixed()).toBe('2.5');
    expect(mad(d(['1', '1', '2', '2', '4', '6', '9'])).toFixed()).toBe('1');
    expect(() => median([])).toThrow(RangeError);
  });

  it('derives periods in UTC', () => {
    const now = new Date('2026-01-15T23:30:00Z');
    expect(lastFullMonth(now)).toMatchObject({ label: '2025-12', days: 31, start: new Date('2025-12-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') });
    expect(trailingDays(now, 7)).toMatchObject({ label: '2026-01-08..2026-01-14', start: new Date('2026-01-08T00:00:00Z') });
    expect(trailingDays(now, 14, 7).label).toBe('2025-12-25..2026-01-07');
  });

  it('uses the single region of a finding, else global', () => {
    expect(regionOf(['us-east-1', 'us-east-1', null])).toBe('us-east-1');
    expect(regionOf(['us-east-1', 'eu-west-1'])).toBe('global');
    expect(regionOf([])).toBe('global');
  });

  it('counts missing days as zero once a series started, and needs enough history', () => {
    // 28 days alternating 100 and no rows (→ 0): median (0 + 100) / 2 = 50, MAD 50, upper 50 + 5 × 1.4826 × 50 = 420.65.
    const gappy = (last: string) => daily('svc', '2026-10-03', [...Array.from({ length: 28 }, (_, i) => (i % 2 === 0 ? '100' : null)), last]);
    expect(detectDailyAnomalies(gappy('420'), ['2026-10-31'], cfg)).toEqual([]);
    const [a] = detectDailyAnomalies(gappy('500'), ['2026-10-31'], cfg);
    expect([a?.median.toFixed(), a?.mad.toFixed(), a?.upper.toFixed(), a?.baselineStart, a?.baselineEnd]).toEqual(['50', '50', '420.65', '2026-10-03', '2026-10-30']);
    // 13 days of history only: never flagged, however large the day.
    const young = daily('svc', '2026-10-18', [...Array.from({ length: 13 }, () => '1'), '1000']);
    expect(detectDailyAnomalies(young, ['2026-10-31'], cfg)).toEqual([]);
    const grown = daily('svc', '2026-10-17', [...Array.from({ length: 14 }, () => '1'), '1000']);
    expect(detectDailyAnomalies(grown, ['2026-10-31'], cfg).map((x) => [x.day, x.upper.toFixed(), x.historyDays])).toEqual([['2026-10-31', '1', 14]]);
  });

  describe('billingAsOf', () => {
    const probe = defineChecker({
      id: 'aws/as-of-probe',
      version: '1.0.0',
      title: 'probe',
      description: 'probe',
      provider: 'aws',
      category: 'waste',
      severity: 'low',
      resourceTypes: ['service'],
      inputs: { focus: true },
      configSchema: z.object({}).strict(),
      docsExample: {},
      run: () => [],
    });
    const row = (account: string, start: string, end: string, provider = 'AWS') => ({
      ProviderName: provider,
      SubAccountId: account,
      BillingCurrency: 'USD',
      ChargeCategory: 'Usage',
      ChargePeriodStart: start,
      ChargePeriodEnd: end,
      BilledCost: '1',
      EffectiveCost: '1',
    });
    const focus = createFocusInputFromRows([
      row('111111111111', '2023-10-14T00:00:00Z', '2023-10-14T13:00:00Z'),
      row('111111111111', '2023-09-01T00:00:00Z', '2023-09-02T00:00:00Z'),
      row('222222222222', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'),
      row('333333333333', '2026-10-30T00:00:00Z', '2026-10-31T00:00:00Z'),
      row('444444444444', '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'),
      row('111111111111', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z', 'Microsoft'),
    ]);
    afterAll(() => focus.close());
    const asOf = async (accountId: string) => {
      const ctx = createCheckerContext(probe, { tenantId: 't', accountId, focus, clock: fixedClock(new Date('2026-11-22T08:00:00Z')) });
      const a = await billingAsOf(ctx, 'aws');
      return { day: a.day.toISOString(), month: a.month.toISOString(), dataEnd: a.dataEnd };
    };

    it('looks back from the end of old data: its newest month and its last charged day', async () => {
      // Another provider's newer rows in the same sub account do not count.
      expect(await asOf('111111111111')).toEqual({ day: '2023-10-14T13:00:00.000Z', month: '2023-11-01T00:00:00.000Z', dataEnd: '2023-10-14T13:00:00Z' });
      expect(lastFullMonth(new Date('2023-11-01T00:00:00Z')).label).toBe('2023-10');
      // Data up to the end of October: October is the month, its last day the day window's end.
      expect(await asOf('333333333333')).toEqual({ day: '2026-10-31T00:00:00.000Z', month: '2026-11-01T00:00:00.000Z', dataEnd: '2026-10-31T00:00:00Z' });
    });

    it('uses the clock when the data reaches into the current month or beyond it, or there is none', async () => {
      // Data of this month: days end with the data, but the month in progress is never the evaluated month.
      expect(await asOf('222222222222')).toEqual({ day: '2026-11-21T00:00:00.000Z', month: '2026-11-22T08:00:00.000Z', dataEnd: '2026-11-21T00:00:00Z' });
      // A re-run as of a past date never sees later data.
      expect(await asOf('444444444444')).toMatchObject({ day: '2026-11-22T08:00:00.000Z', month: '2026-11-22T08:00:00.000Z' });
      expect(await asOf('999999999999')).toEqual({ day: '2026-11-22T08:00:00.000Z', month: '2026-11-22T08:00:00.000Z', dataEnd: null });
    });
  });
});
