import 'server-only';
import { api, tenantPath, type Query } from './api-client.server.ts';
import type { CostAmounts, CostSummaryResponse, CostTrendResponse } from './api.types.ts';

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
