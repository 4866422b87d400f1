/**
 * Seeds one tenant for the API benchmark: N synthetic FOCUS rows written by DuckDB straight into the tenant's lake
 * partitions (one file per billing period and provider, paths from LakeLayout) plus their daily rollups made with
 * the importer's own rollup SQL (focus/src/import/rollup.sql), and M findings as FindingState rows and one findings
 * parquet file (contracts castFindings + writeFindingsParquet), as a check run would leave them.
 *
 * The rows carry the FOCUS columns the API reads (costs, dimensions, charge period, tags) and a few descriptive ones.
 * Dimensions follow a resource: a resource has one sub account, service and region, so the rollups are as much
 * smaller than the detail as they are in real exports (tens of thousands of rows per month, not millions).
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { castFindings, writeFindingsParquet } from '@openfinops/contracts';
import { type LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import type { PrismaClient } from '../../apps/api/src/generated/prisma/client.ts';

export const BENCH_PERIODS = ['2026-08', '2026-09', '2026-10'] as const;
export const BENCH_PROVIDERS = ['aws', 'azure', 'gcp'] as const;
const PROVIDER_NAMES = { aws: 'AWS', azure: 'Microsoft', gcp: 'Google Cloud' } as const;
const SOURCE = 'bench';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Rows of one (period, provider) partition: `rows` line items over the month, hour by hour. */
function detailSql(period: string, provider: (typeof BENCH_PROVIDERS)[number], rows: number, seed: number): string {
  const start = `TIMESTAMPTZ '${period}-01 00:00:00+00'`;
  return `
    WITH g AS (
      SELECT i,
             CAST(hash(i, ${seed}) % 1000000007 AS BIGINT) AS h,
             CAST(hash(i, ${seed} + 2) % 200000 AS BIGINT) AS r,
             ${start} + to_hours(CAST(hash(i, ${seed} + 1) % (24 * day(last_day(${start}))) AS BIGINT)) AS ts
        FROM range(${rows}) t(i)
    )
    SELECT
      CAST(round((h % 100000) / 10000.0 + 0.0001, 4) AS DECIMAL(38,18)) AS "BilledCost",
      CAST(round((h % 100000) / 10000.0 * 0.8 + 0.0001, 4) AS DECIMAL(38,18)) AS "EffectiveCost",
      CAST(round((h % 100000) / 10000.0 * 1.2 + 0.0001, 4) AS DECIMAL(38,18)) AS "ListCost",
      CAST(round((h % 100000) / 10000.0 * 0.9, 4) AS DECIMAL(38,18)) AS "ContractedCost",
      ${sqlString(`${provider}-billing-0001`)} AS "BillingAccountId",
      'Bench billing account' AS "BillingAccountName",
      'USD' AS "BillingCurrency",
      ${start} AS "BillingPeriodStart",
      ${start} + INTERVAL 1 MONTH AS "BillingPeriodEnd",
      CASE WHEN h % 100 = 0 AND r // 20 % 25 = 0 THEN 'Credit' WHEN h % 100 = 1 AND r // 20 % 25 = 1 THEN 'Tax' ELSE 'Usage' END AS "ChargeCategory",
      'Usage-Based' AS "ChargeFrequency",
      'Synthetic line item' AS "ChargeDescription",
      ts AS "ChargePeriodStart",
      ts + INTERVAL 1 HOUR AS "ChargePeriodEnd",
      CAST((h % 1000) / 10.0 AS DECIMAL(38,18)) AS "ConsumedQuantity",
      'Hours' AS "ConsumedUnit",
      CAST((h % 1000) / 10.0 AS DECIMAL(38,18)) AS "PricingQuantity",
      'Hours' AS "PricingUnit",
      ${sqlString(PROVIDER_NAMES[provider])} AS "ProviderName",
      ${sqlString(PROVIDER_NAMES[provider])} AS "PublisherName",
      'region-' || CAST((r % 20 * 7 + r // 20 % 25) % 12 AS VARCHAR) AS "RegionId",
      'Region ' || CAST((r % 20 * 7 + r // 20 % 25) % 12 AS VARCHAR) AS "RegionName",
      ${sqlString(provider)} || '-res-' || CAST(r AS VARCHAR) AS "ResourceId",
      'resource ' || CAST(r AS VARCHAR) AS "ResourceName",
      'Virtual Machine' AS "ResourceType",
      (['Compute', 'Storage', 'Databases', 'Networking', 'Analytics'])[r // 20 % 5 + 1] AS "ServiceCategory",
      'Service ' || CAST(r // 20 % 25 AS VARCHAR) AS "ServiceName",
      'sku-' || CAST(r % 997 AS VARCHAR) AS "SkuId",
      ${sqlString(provider)} || '-sub-' || lpad(CAST(r % 20 AS VARCHAR), 3, '0') AS "SubAccountId",
      'Sub account ' || CAST(r % 20 AS VARCHAR) AS "SubAccountName",
      MAP {'env': (['prod', 'staging', 'dev'])[r % 3 + 1], 'team': 'team-' || CAST(r % 17 AS VARCHAR)} AS "Tags"
    FROM g`;
}

export interface SeedLakeResult {
  rows: number;
  rollupRows: number;
  files: number;
}

/** Writes the detail and rollup partitions; each file lands under a temp name and is renamed into place. */
export async function seedFocusLake(layout: LakeLayout, tenantId: string, totalRows: number, onProgress: (m: string) => void): Promise<SeedLakeResult> {
  const rollupSql = await readFile(path.join(REPO_ROOT, 'focus', 'src', 'import', 'rollup.sql'), 'utf8');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  const conn = await instance.connect();
  const partitions = BENCH_PERIODS.flatMap((period) => BENCH_PROVIDERS.map((provider) => ({ period, provider })));
  const perPartition = Math.ceil(totalRows / partitions.length);
  let rollupRows = 0;
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    for (const [index, { period, provider }] of partitions.entries()) {
      const partition = { billingPeriod: period, provider, source: SOURCE };
      const detailDir = layout.focusPartitionDir(tenantId, partition);
      const rollupDir = layout.rollupPartitionDir(tenantId, partition);
      await mkdir(detailDir, { recursive: true });
      await mkdir(rollupDir, { recursive: true });
      const detailFile = path.join(detailDir, 'part-bench.parquet');
      const rollupFile = path.join(rollupDir, 'part-bench.parquet');
      onProgress(`partition ${index + 1}/${partitions.length}: ${period} ${provider}, ${perPartition.toLocaleString('en-US')} rows`);
      await conn.run(`COPY (${detailSql(period, provider, perPartition, index + 1)}) TO ${sqlString(`${detailFile}.tmp`)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
      await rename(`${detailFile}.tmp`, detailFile);
      await conn.run(
        `CREATE OR REPLACE TEMP VIEW focus_staged AS
           SELECT *, ${sqlString(period)} AS billing_period, ${sqlString(provider)} AS provider FROM read_parquet(${sqlString(detailFile)})`,
      );
      await conn.run(`COPY (SELECT * EXCLUDE (billing_period, provider) FROM (${rollupSql})) TO ${sqlString(`${rollupFile}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(`${rollupFile}.tmp`, rollupFile);
      const counted = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(rollupFile)})`);
      rollupRows += (counted.getRowObjectsJson()[0] as { n: number }).n;
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return { rows: perPartition * partitions.length, rollupRows, files: partitions.length * 2 };
}

const CHECKS = [
  { checkId: 'aws/ec2-graviton', category: 'modernization', severity: 'medium', resourceType: 'ec2:instance' },
  { checkId: 'aws/ebs-unattached', category: 'waste', severity: 'high', resourceType: 'ebs:volume' },
  { checkId: 'aws/eip-unassociated', category: 'waste', severity: 'low', resourceType: 'ec2:elastic-ip' },
  { checkId: 'aws/ec2-previous-generation', category: 'modernization', severity: 'medium', resourceType: 'ec2:instance' },
  { checkId: 'aws/gp2-volumes', category: 'rightsizing', severity: 'low', resourceType: 'ebs:volume' },
] as const;

/** M findings: FindingState rows (createMany in chunks) and one findings parquet file for the run. */
export async function seedFindings(prisma: PrismaClient, layout: LakeLayout, tenantId: string, count: number, now: Date): Promise<void> {
  const runId = `bench-run-${now.getTime()}`;
  const wire = Array.from({ length: count }, (_, i) => {
    const check = CHECKS[i % CHECKS.length]!;
    return {
      provider: 'aws',
      accountId: String(100000000000 + (i % 40)),
      region: ['us-east-1', 'eu-west-1', 'ap-southeast-2'][i % 3]!,
      resourceType: check.resourceType,
      resourceId: `res-${String(i).padStart(7, '0')}`,
      checkId: check.checkId,
      checkVersion: '1.0.0',
      category: check.category,
      severity: check.severity,
      title: `${check.checkId} finding ${i}`,
      recommendation: 'Synthetic recommendation for the benchmark.',
      estimatedMonthlySavings: ((i * 7919) % 50000 / 100).toFixed(2),
      currency: 'USD',
      savingsBasis: 'estimated',
      observedMonthlyCost: null,
      evidence: { index: i },
      ...(check.checkId.startsWith('aws/ec2-') ? { exclusionGroup: `ec2:${i % 1000}` } : {}),
    };
  });
  const cast = castFindings(wire, { tenantId, runId, observedAt: now });
  if (cast.rejected.length > 0) throw new Error(`bench findings rejected: ${JSON.stringify(cast.rejected.slice(0, 3))}`);
  await writeFindingsParquet(cast.records, layout.findingsFile(tenantId, now.toISOString().slice(0, 10), runId));
  const rows = cast.records.map((r) => ({
    tenantId,
    fingerprint: r.fingerprint,
    checkId: r.check_id,
    provider: r.provider,
    accountId: r.account_id,
    region: r.region,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    firstSeenAt: now,
    lastSeenAt: now,
    lastRunId: runId,
    estimatedMonthlySavings: r.estimated_monthly_savings,
    currency: r.currency,
    savingsBasis: r.savings_basis,
    exclusionGroup: r.exclusion_group,
    category: r.category,
    severity: r.severity,
    title: r.title,
  }));
  for (let i = 0; i < rows.length; i += 5000) await prisma.findingState.createMany({ data: rows.slice(i, i + 5000) });
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
