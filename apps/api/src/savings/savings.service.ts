import { totalSavings, type SavingsResponse } from '@openfinops/contracts';
import { parseTenantId } from '@openfinops/tenants';
import type { SavingsRepository } from './savings.repository.ts';

function monthsBack(now: Date, n: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * Open and realized savings. Both use `totalSavings` from contracts, so findings of one exclusion group
 * (alternatives for one resource) count once, by their largest estimate, and currencies are never added.
 * Realized savings are the monthly estimates of findings the lifecycle resolved, bucketed by the month of
 * `resolvedAt` (UTC); the exclusion rule applies within each month.
 */
export class SavingsService {
  constructor(
    private readonly savings: SavingsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async summary(tenantId: string, q: { since?: string }): Promise<SavingsResponse> {
    const id = parseTenantId(tenantId);
    const realizedSince = q.since ?? monthsBack(this.now(), 11);
    const [open, resolved] = await Promise.all([
      this.savings.openWithSavings(id),
      this.savings.resolvedWithSavings(id, new Date(`${realizedSince}-01T00:00:00Z`)),
    ]);

    const byCategory = totalSavings(open, { groupBy: 'category' });
    const byCheck = totalSavings(open, { groupBy: 'check' });
    const checkGroups = new Map(byCheck.byCurrency.map((c) => [c.currency, c.groups]));

    const months = new Map<string, typeof resolved>();
    for (const r of resolved) {
      const month = r.resolvedAt.toISOString().slice(0, 7);
      months.set(month, [...(months.get(month) ?? []), r]);
    }
    const realized: SavingsResponse['realized'] = [];
    for (const month of [...months.keys()].sort()) {
      for (const c of totalSavings(months.get(month) ?? []).byCurrency) {
        realized.push({ month, currency: c.currency, total: c.total, counted: c.counted, excluded: c.excluded });
      }
    }

    return {
      open: byCategory.byCurrency.map((c) => ({
        currency: c.currency,
        total: c.total,
        counted: c.counted,
        excluded: c.excluded,
        byCategory: c.groups,
        byCheck: checkGroups.get(c.currency) ?? [],
      })),
      realized,
      realizedSince,
    };
  }
}
