/** Shared plumbing for the Azure / GCP import tests: a throwaway data dir, the real import driver, the real validator. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { importFocusFiles, validateFocus, type FocusImportResult, type FocusValidator } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/billing');

/** Adapter from the catalog engineer's report to what the import driver needs; failing rule ids go into the messages. */
export const focusValidator: FocusValidator = async (conn, relation) => {
  // The driver hands over the staged rows without partition or hive columns (test/import/staged-validation.test.ts).
  const report = await validateFocus(conn, relation);
  const failing = report.rules.filter((r) => r.failed > 0 && r.severity === 'error');
  return {
    valid: report.passed,
    errors: report.errors,
    warnings: report.warnings,
    messages: failing.map((r) => `${r.id}${r.column ? ` (${r.column})` : ''}: ${r.failed} row(s): ${r.description} e.g. ${JSON.stringify(r.samples.slice(0, 2))}`),
  };
};

export async function withDataDir<T>(fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'finops-azgcp-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function importInto(dataDir: string, inputs: string[], format?: string): Promise<FocusImportResult> {
  return importFocusFiles({
    tenantId: 'acme',
    inputs,
    layout: new LakeLayout(dataDir),
    validate: focusValidator,
    failOnInvalid: true,
    ...(format ? { format } : {}),
  });
}

export function totalsBy(result: FocusImportResult, measure: 'billedCost' | 'effectiveCost' | 'listCost'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of result.totals) out[`${t.billingPeriod}/${t.currency}`] = t[measure];
  return out;
}

export async function memoryConnection(): Promise<DuckDBConnection> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run("SET TimeZone = 'UTC'");
  return conn;
}
