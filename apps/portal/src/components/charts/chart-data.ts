import { addDecimals, chartValue, compareDecimals } from '../../lib/decimal.util.ts';

/** One bar of a stacked chart: `values` are plotted, `exact` holds the decimal strings tooltips show. */
export interface StackedPoint {
  period: string;
  values: Record<string, number>;
  exact: Record<string, string>;
  total: string;
}

export const SERIES_COLOURS = ['#2f5bea', '#16a34a', '#f59e0b', '#db2777', '#0891b2', '#7c3aed', '#ea580c', '#64748b', '#0d9488', '#be123c'];
export const OTHER = 'Other';

/**
 * Series of {period, key, amount} → stacked points, keeping the `limit` largest keys (by exact total) and adding the
 * rest up into "Other" with decimal arithmetic.
 */
export function stackSeries(rows: ReadonlyArray<{ period: string; key: string; amount: string }>, periods: readonly string[], limit = 7): { points: StackedPoint[]; keys: string[] } {
  const totals = new Map<string, string[]>();
  for (const r of rows) totals.set(r.key, [...(totals.get(r.key) ?? []), r.amount]);
  const ranked = [...totals.entries()].map(([k, v]) => ({ k, total: addDecimals(v) })).sort((a, b) => compareDecimals(b.total, a.total));
  const kept = new Set(ranked.slice(0, limit).map((r) => r.k));
  const keys = [...kept];
  if (ranked.length > limit) keys.push(OTHER);
  const byPeriod = new Map<string, Map<string, string[]>>();
  for (const r of rows) {
    const key = kept.has(r.key) ? r.key : OTHER;
    const p = byPeriod.get(r.period) ?? new Map<string, string[]>();
    p.set(key, [...(p.get(key) ?? []), r.amount]);
    byPeriod.set(r.period, p);
  }
  const points = periods.map((period) => {
    const p = byPeriod.get(period) ?? new Map<string, string[]>();
    const exact: Record<string, string> = {};
    const values: Record<string, number> = {};
    for (const [k, amounts] of p) {
      exact[k] = addDecimals(amounts);
      values[k] = chartValue(exact[k]);
    }
    return { period, values, exact, total: addDecimals(Object.values(exact)) };
  });
  return { points, keys };
}
