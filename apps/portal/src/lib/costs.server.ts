import 'server-only';
import { api, tenantPath, type Query } from './api-client.server.ts';
import type { CostAmounts, CostSummaryResponse, CostTrendResponse } from './api.types.ts';
import { addDays, addMonths, daysBetween, monthStart } from './dates.util.ts';

export function costSummary(tenantId: string, query: Query): Promise<CostSummaryResponse> {
  return api<CostSummaryResponse>(tenantPath(tenantId, '/costs/summary'), { query });
}

export function costTrend(tenantId: string, query: Query): Promise<CostTrendResponse> {
  return api<CostTrendResponse>(tenantPath(tenantId, '/costs/trend'), { query });
}

export function totalFor(totals: readonly CostAmounts[], currency: string): CostAmounts | undefined {
  return totals.find((t) => t.currency === currency);
}

/** The currency with the most rows: a tenant's main currency (amounts in different currencies are never added). */
export function mainCurrency(totals: readonly CostAmounts[]): string | null {
  return [...totals].sort((a, b) => b.rowCount - a.rowCount || a.currency.localeCompare(b.currency))[0]?.currency ?? null;
}

export interface OverviewWindow {
  month: string;
  /** First day of the month, inclusive. */
  from: string;
  /** Day after the last day with data (exclusive), never past the month end or today. */
  to: string;
  /** The same number of days at the start of the previous month. */
  previousFrom: string;
  previousTo: string;
  /** Whether every day of the month is in [from, to). */
  complete: boolean;
}

/**
 * Month-to-date for `month`: up to the last day with data (billing data lags by a day or more), compared with the
 * same days of the previous month.
 */
export function overviewWindow(month: string, lastDataDay: string | null, today: string): OverviewWindow {
  const from = `${month}-01`;
  const monthEnd = addMonths(from, 1);
  const cap = today < monthEnd ? today : monthEnd;
  const to = lastDataDay && addDays(lastDataDay, 1) < cap ? addDays(lastDataDay, 1) : cap;
  const days = Math.max(daysBetween(from, to), 1);
  const previousFrom = addMonths(from, -1);
  const previousEnd = monthStart(from);
  const shifted = addDays(previousFrom, days);
  return { month, from, to, previousFrom, previousTo: shifted < previousEnd ? shifted : previousEnd, complete: to === monthEnd };
}
