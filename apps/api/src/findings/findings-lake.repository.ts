import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { type LakeLayout, parseTenantId, type TenantId } from '@openfinops/tenants';

/** One finding as observed by one run, read back from the findings lake. Money stays decimal text. */
export interface FindingObservation {
  findingId: string;
  fingerprint: string;
  tenantId: string;
  runId: string;
  runDate: string;
  observedAt: Date;
  provider: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  checkId: string;
  checkVersion: string;
  category: string;
  severity: string;
  title: string;
  recommendation: string;
  /** DECIMAL(18,6) as text with 6 fractional digits, e.g. "21.024000". */
  estimatedMonthlySavings: string;
  currency: string;
  savingsBasis: string;
  observedMonthlyCost: string | null;
  /** Evidence object (parsed from the canonical JSON column). */
  evidence: Record<string, unknown>;
  discriminator: string | null;
  exclusionGroup: string | null;
}

export interface ListObservationsFilter {
  fingerprint?: string;
  runId?: string;
  limit?: number;
}

export interface RunFindingsSummary {
  runId: string;
  runDate: string;
  findings: number;
  currency: string;
  /** Sum of estimated monthly savings in `currency`, DECIMAL text. */
  estimatedMonthlySavings: string;
}

/** Row shapes exactly as the SQL below selects them. */
interface ObservationRow {
  finding_id: string;
  fingerprint: string;
  tenant_id: string;
  run_id: string;
  run_date: string;
  observed_at: string;
  provider: string;
  account_id: string;
  region: string;
  resource_type: string;
  resource_id: string;
  check_id: string;
  check_version: string;
  category: string;
  severity: string;
  title: string;
  recommendation: string;
  estimated_monthly_savings: string;
  currency: string;
  savings_basis: string;
  observed_monthly_cost: string | null;
  evidence: string;
  discriminator: string | null;
  exclusion_group: string | null;
}

interface RunSummaryRow {
  run_id: string;
  run_date: string;
  findings: number | bigint;
  currency: string;
  estimated_monthly_savings: string;
}

export const OBSERVATIONS_DEFAULT_LIMIT = 1000;
export const OBSERVATIONS_MAX_LIMIT = 100_000;

export class FindingsLakeQueryError extends Error {
  readonly code = 'FINDINGS_QUERY_INVALID';
  constructor(readonly field: string, message: string) {
    super(`Invalid findings query ${field}: ${message}`);
    this.name = 'FindingsLakeQueryError';
  }
}

const FINGERPRINT = /^[0-9a-f]{64}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function checkLimit(limit: number | undefined): number {
  const value = limit ?? OBSERVATIONS_DEFAULT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > OBSERVATIONS_MAX_LIMIT) {
    throw new FindingsLakeQueryError('limit', `expected an integer from 1 to ${OBSERVATIONS_MAX_LIMIT}, got ${String(limit)}`);
  }
  return value;
}

/**
 * Read-only queries over the findings lake, one tenant per call. Each call opens an in-memory DuckDB
 * that may only read that tenant's findings directory (allowed_directories + external access off, then
 * the configuration is locked), so even a wrong glob cannot reach another tenant's files.
 */
export class FindingsLakeRepository {
  constructor(private readonly layout: LakeLayout) {}

  /** Observations of a tenant's findings, newest run first; optionally one fingerprint and/or one run. */
  async listObservations(tenantId: string, filter: ListObservationsFilter = {}): Promise<FindingObservation[]> {
    const id = parseTenantId(tenantId);
    if (filter.fingerprint !== undefined && !FINGERPRINT.test(filter.fingerprint)) {
      throw new FindingsLakeQueryError('fingerprint', 'expected 64 lowercase hex characters');
    }
    if (filter.runId !== undefined && !RUN_ID.test(filter.runId)) {
      throw new FindingsLakeQueryError('runId', "expected 1-128 characters of A-Z, a-z, 0-9, '_', '-'");
    }
    const limit = checkLimit(filter.limit);
    const rows = await this.query<ObservationRow>(
      id,
      `SELECT finding_id, fingerprint, tenant_id, run_id,
              strftime(run_date, '%Y-%m-%d') AS run_date,
              strftime(observed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS observed_at,
              provider, account_id, region, resource_type, resource_id, check_id, check_version,
              category, severity, title, recommendation,
              CAST(estimated_monthly_savings AS VARCHAR) AS estimated_monthly_savings, currency, savings_basis,
              CAST(observed_monthly_cost AS VARCHAR) AS observed_monthly_cost,
              evidence, discriminator, exclusion_group
         FROM read_parquet($1, hive_partitioning = false, union_by_name = true)
        WHERE tenant_id = $2
          AND ($3::VARCHAR IS NULL OR fingerprint = $3)
          AND ($4::VARCHAR IS NULL OR run_id = $4)
        ORDER BY run_id DESC, fingerprint
        LIMIT $5`,
      [filter.fingerprint ?? null, filter.runId ?? null, limit],
    );
    return rows.map((r) => ({
      findingId: r.finding_id,
      fingerprint: r.fingerprint,
      tenantId: r.tenant_id,
      runId: r.run_id,
      runDate: r.run_date,
      observedAt: new Date(r.observed_at),
      provider: r.provider,
      accountId: r.account_id,
      region: r.region,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      checkId: r.check_id,
      checkVersion: r.check_version,
      category: r.category,
      severity: r.severity,
      title: r.title,
      recommendation: r.recommendation,
      estimatedMonthlySavings: r.estimated_monthly_savings,
      currency: r.currency,
      savingsBasis: r.savings_basis,
      observedMonthlyCost: r.observed_monthly_cost,
      evidence: JSON.parse(r.evidence) as Record<string, unknown>,
      discriminator: r.discriminator,
      exclusionGroup: r.exclusion_group,
    }));
  }

  /** Findings count and savings per run and currency, newest run first. */
  async summarizeRuns(tenantId: string): Promise<RunFindingsSummary[]> {
    const id = parseTenantId(tenantId);
    const rows = await this.query<RunSummaryRow>(
      id,
      `SELECT run_id, strftime(min(run_date), '%Y-%m-%d') AS run_date, count(*) AS findings, currency,
              CAST(sum(estimated_monthly_savings)::DECIMAL(18,6) AS VARCHAR) AS estimated_monthly_savings
         FROM read_parquet($1, hive_partitioning = false, union_by_name = true)
        WHERE tenant_id = $2
        GROUP BY run_id, currency
        ORDER BY run_id DESC, currency`,
      [],
    );
    return rows.map((r) => ({
      runId: r.run_id,
      runDate: r.run_date,
      findings: Number(r.findings),
      currency: r.currency,
      estimatedMonthlySavings: r.estimated_monthly_savings,
    }));
  }

  /** Whether the tenant has at least one findings file; DuckDB errors on a glob with no match. */
  private async hasFindingsFiles(tenantDir: string): Promise<boolean> {
    let partitions: string[];
    try {
      partitions = await readdir(tenantDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    for (const partition of partitions) {
      if (!partition.startsWith('run_date=')) continue;
      const files = await readdir(path.join(tenantDir, partition)).catch(() => [] as string[]);
      // Dot-prefixed names are in-flight temp files of atomic writes.
      if (files.some((f) => f.endsWith('.parquet') && !f.startsWith('.'))) return true;
    }
    return false;
  }

  /**
   * Runs one query against the tenant's glob, bound as $1 with the tenant id as $2; `params` follow from $3.
   * The tenant id is validated before any path is built or file touched.
   */
  private async query<Row>(tenantId: TenantId, sql: string, params: DuckDBValue[]): Promise<Row[]> {
    const tenantDir = this.layout.findingsTenantDir(tenantId);
    const glob = this.layout.findingsGlob(tenantId);
    if (!this.layout.isInsideTenant(tenantId, glob)) throw new Error(`Findings glob escapes tenant ${tenantId}`);
    if (!(await this.hasFindingsFiles(tenantDir))) return [];

    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      await sandbox(connection, tenantDir);
      const reader = await connection.runAndReadAll(sql, [glob, tenantId, ...params]);
      return reader.getRowObjectsJS() as unknown as Row[];
    } finally {
      connection?.closeSync();
      instance.closeSync();
    }
  }
}

/** Confines the connection to one directory. Values are bound; the directory comes from LakeLayout only. */
async function sandbox(connection: DuckDBConnection, dir: string): Promise<void> {
  // SET does not take bound parameters, so the validated path is quoted as a SQL string literal.
  const literal = `'${`${dir}${path.sep}`.replaceAll("'", "''")}'`;
  await connection.run(`SET allowed_directories = [${literal}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}
