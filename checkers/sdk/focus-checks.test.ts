import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { detectDailyAnomalies, lastFullMonth, mad, median, regionOf, trailingDays, type DailyCostRow } from './focus-checks.ts';

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
});
