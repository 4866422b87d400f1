import { readdir } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { canonicalDecimal, acquireTenantLock, recoverInterruptedSwaps } from '@openfinops/focus';
import { type LakeLayout, partitionValues } from '@openfinops/tenants';

export interface FocusTotalsFilter {
  billingPeriod?: string;
  provider?: string;
}

export interface FocusLakeTotalsRow {
  billingPeriod: string;
  provider: string;
  currency: string;
  rows: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}

interface TotalsQueryRow {
  billing_period: string;
  provider: string;
  currency: string | null;
  row_count: string;
  billed_cost: string | null;
  effective_cost: string | null;
  list_cost: string | null;
}

async function hasParquet(dir: string, depth: number): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (depth === 0 && e.isFile() && e.name.endsWith('.parquet')) return true;
    if (depth > 0 && e.isDirectory() && (await hasParquet(`${dir}/${e.name}`, depth - 1))) return true;
  }
  return false;
}

/** Reads a tenant's FOCUS detail partitions; the glob comes from LakeLayout, so no other tenant's file can match. */
export class FocusLakeRepository {
  constructor(private readonly layout: LakeLayout) {}

  /** Totals per billing period, provider and currency (currencies are never summed together). */
  async totals(tenantId: string, filter: FocusTotalsFilter = {}): Promise<FocusLakeTotalsRow[]> {
    const period = filter.billingPeriod === undefined ? null : partitionValues.billingPeriod(filter.billingPeriod);
    const provider = filter.provider === undefined ? null : partitionValues.provider(filter.provider);
    const stagingRoot = this.layout.stagingDir(tenantId);
    // Finish or undo a crashed import's swap first, so a reader never sees a half-swapped lake.
    // A running import holds the lock and finishes its own swap; then there is nothing to recover, so do not wait.
    const release = await acquireTenantLock(stagingRoot, 0).catch(() => null);
    if (release) {
      try {
        await recoverInterruptedSwaps(stagingRoot);
      } finally {
        await release();
      }
    }
    if (!(await hasParquet(this.layout.focusTenantDir(tenantId), 3))) return [];
    return this.queryFocusTotals(this.layout.focusGlob(tenantId), period, provider);
  }

  private async queryFocusTotals(glob: string, period: string | null, provider: string | null): Promise<FocusLakeTotalsRow[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await conn.run(`SET TimeZone = 'UTC'`);
      const reader = await conn.runAndReadAll(
        `SELECT billing_period, provider, "BillingCurrency" AS currency,
            CAST(count(*) AS VARCHAR) AS row_count,
            CAST(SUM("BilledCost") AS VARCHAR) AS billed_cost,
            CAST(SUM("EffectiveCost") AS VARCHAR) AS effective_cost,
            CAST(SUM("ListCost") AS VARCHAR) AS list_cost
          FROM read_parquet($1, hive_partitioning = true, union_by_name = true,
                            hive_types = {'tenant_id': VARCHAR, 'billing_period': VARCHAR, 'provider': VARCHAR, 'source': VARCHAR})
          WHERE ($2::VARCHAR IS NULL OR billing_period = $2::VARCHAR) AND ($3::VARCHAR IS NULL OR provider = $3::VARCHAR)
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [glob, period, provider],
      );
      return (reader.getRowObjectsJson() as unknown as TotalsQueryRow[]).map((r) => ({
        billingPeriod: r.billing_period,
        provider: r.provider,
        currency: r.currency ?? '',
        rows: Number(r.row_count),
        billedCost: canonicalDecimal(r.billed_cost),
        effectiveCost: canonicalDecimal(r.effective_cost),
        listCost: canonicalDecimal(r.list_cost),
      }));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }
}
