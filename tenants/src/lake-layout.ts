import path from 'node:path';
import { parseTenantId, type TenantId } from './tenant-id.ts';

/**
 * Every lake path is built here from validated parts; callers never join user input into paths.
 * Hive-style `key=value` segments let DuckDB prune partitions.
 */
export class InvalidPartitionValueError extends Error {
  readonly code = 'INVALID_PARTITION_VALUE';
  constructor(readonly key: string, readonly value: unknown, expected: string) {
    super(`Invalid ${key} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'InvalidPartitionValueError';
  }
}

const RUN_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const BILLING_PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const PROVIDERS = ['aws', 'azure', 'gcp', 'oci', 'other'] as const;
export type LakeProvider = (typeof PROVIDERS)[number];
/** Source ids come from account ids and export names: keep them to a safe, path-neutral alphabet. */
const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const INVENTORY_KIND = /^[a-z][a-z0-9-]{0,62}$/;

function check(key: string, value: string, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value) || value.includes('..')) {
    throw new InvalidPartitionValueError(key, value, expected);
  }
  return value;
}

export const partitionValues = {
  runDate: (v: string) => check('run_date', v, RUN_DATE, 'a date yyyy-mm-dd'),
  billingPeriod: (v: string) => check('billing_period', v, BILLING_PERIOD, 'a month yyyy-mm'),
  provider: (v: string): LakeProvider => {
    if (!(PROVIDERS as readonly string[]).includes(v)) {
      throw new InvalidPartitionValueError('provider', v, `one of ${PROVIDERS.join(', ')}`);
    }
    return v as LakeProvider;
  },
  source: (v: string) => check('source', v, SOURCE_ID, "1-128 characters of A-Z, a-z, 0-9, '.', '_', '-'"),
  runId: (v: string) => check('run id', v, RUN_ID, "1-128 characters of A-Z, a-z, 0-9, '_', '-'"),
  inventoryKind: (v: string) => check('kind', v, INVENTORY_KIND, 'a lowercase kebab-case inventory kind'),
};

export interface FocusPartition {
  billingPeriod: string;
  provider: string;
  source: string;
}

export class LakeLayout {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(path.resolve(dataDir), 'lake');
  }

  private tenantDir(dataset: string, tenantId: string): string {
    const id: TenantId = parseTenantId(tenantId);
    return path.join(this.root, dataset, `tenant_id=${id}`);
  }

  /** Temporary files are written beside their final place so a rename is atomic (same filesystem). */
  stagingDir(tenantId: string): string {
    return path.join(this.root, '_staging', `tenant_id=${parseTenantId(tenantId)}`);
  }

  findingsTenantDir(tenantId: string): string {
    return this.tenantDir('findings', tenantId);
  }

  findingsPartitionDir(tenantId: string, runDate: string): string {
    return path.join(this.findingsTenantDir(tenantId), `run_date=${partitionValues.runDate(runDate)}`);
  }

  findingsFile(tenantId: string, runDate: string, runId: string): string {
    return path.join(this.findingsPartitionDir(tenantId, runDate), `part-${partitionValues.runId(runId)}.parquet`);
  }

  /** Glob DuckDB reads for one tenant's findings; nothing outside the tenant's directory matches. */
  findingsGlob(tenantId: string): string {
    return path.join(this.findingsTenantDir(tenantId), '*', '*.parquet');
  }

  focusTenantDir(tenantId: string): string {
    return this.tenantDir('focus', tenantId);
  }

  focusPartitionDir(tenantId: string, p: FocusPartition): string {
    return path.join(
      this.focusTenantDir(tenantId),
      `billing_period=${partitionValues.billingPeriod(p.billingPeriod)}`,
      `provider=${partitionValues.provider(p.provider)}`,
      `source=${partitionValues.source(p.source)}`,
    );
  }

  focusGlob(tenantId: string): string {
    return path.join(this.focusTenantDir(tenantId), '*', '*', '*', '*.parquet');
  }

  rollupsTenantDir(tenantId: string): string {
    return this.tenantDir('focus_daily', tenantId);
  }

  rollupPartitionDir(tenantId: string, p: FocusPartition): string {
    return path.join(
      this.rollupsTenantDir(tenantId),
      `billing_period=${partitionValues.billingPeriod(p.billingPeriod)}`,
      `provider=${partitionValues.provider(p.provider)}`,
      `source=${partitionValues.source(p.source)}`,
    );
  }

  rollupsGlob(tenantId: string): string {
    return path.join(this.rollupsTenantDir(tenantId), '*', '*', '*', '*.parquet');
  }

  inventoryTenantDir(tenantId: string): string {
    return this.tenantDir('inventory', tenantId);
  }

  inventoryPartitionDir(tenantId: string, collectedDate: string, kind: string): string {
    return path.join(
      this.inventoryTenantDir(tenantId),
      `collected_date=${partitionValues.runDate(collectedDate)}`,
      `kind=${partitionValues.inventoryKind(kind)}`,
    );
  }

  /** Whether a resolved path lies inside one tenant's part of the lake (defence in depth for readers). */
  isInsideTenant(tenantId: string, candidate: string): boolean {
    const id = parseTenantId(tenantId);
    const resolved = path.resolve(candidate);
    const rel = path.relative(this.root, resolved);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const parts = rel.split(path.sep);
    return parts.length >= 2 && parts[1] === `tenant_id=${id}`;
  }
}
