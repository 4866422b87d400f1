import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { focusCreateTableSql, type FocusValidationReport } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, taxRow, usageRow } from '../../focus/src/validation/synthetic-rows.fixture.ts';
import { loadFocusSample } from './focus-sample-load.ts';
import { runFinopsInProcess as run } from '../support/cli-in-process.ts';


async function copyToParquet(conn: DuckDBConnection, table: string, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await conn.run(`COPY ${table} TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
}

describe('finops focus validate', () => {
  let dir: string;
  let cleanFile: string;
  let sampleFile: string;
  const previousDataDir = process.env.FINOPS_DATA_DIR;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'focus-validate-'));
    process.env.FINOPS_DATA_DIR = path.join(dir, 'data');
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(focusCreateTableSql('clean'));
    await insertRows(conn, 'clean', [usageRow, taxRow]);
    cleanFile = path.join(dir, 'clean.parquet');
    await copyToParquet(conn, 'clean', cleanFile);
    // The same clean rows as a tenant's lake partition.
    const layout = new LakeLayout(process.env.FINOPS_DATA_DIR);
    const partition = layout.focusPartitionDir('acme', { billingPeriod: '2025-01', provider: 'aws', source: '000123456789' });
    await copyToParquet(conn, 'clean', path.join(partition, 'part-0.parquet'));
    await loadFocusSample(conn, 'sample');
    sampleFile = path.join(dir, 'sample.parquet');
    await copyToParquet(conn, 'sample', sampleFile);
    conn.closeSync();
  });
  afterAll(() => {
    if (previousDataDir === undefined) delete process.env.FINOPS_DATA_DIR;
    else process.env.FINOPS_DATA_DIR = previousDataDir;
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 and prints JSON for a conformant parquet file', async () => {
    const { code, stdout } = await run(['focus', 'validate', cleanFile, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as FocusValidationReport;
    expect(report).toMatchObject({ version: '1.2', rowCount: 2, passed: true, errors: 0 });
  });

  it('exits 1 with a table of failed rules for the FOCUS 1.0 sample', async () => {
    const { code, stdout, stderr } = await run(['focus', 'validate', sampleFile]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/ChargeFrequency-C-003-M/);
    expect(stdout).toMatch(/445 rows/);
    expect(stdout).toMatch(/FAILED/);
    expect(stderr).toMatch(/FOCUS validation failed: \d+ error rule\(s\) failed/);
  });

  it('validates a tenant\'s lake partitions with --tenant', async () => {
    const { code, stdout } = await run(['focus', 'validate', '--tenant', 'acme', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rowCount: 2, passed: true });
  });

  it('explains bad input in one line', async () => {
    expect(await run(['focus', 'validate', '--tenant', 'nobody'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/No FOCUS data for tenant "nobody"/) });
    expect(await run(['focus', 'validate', path.join(dir, 'missing.parquet')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/Parquet file not found: .*missing\.parquet/) });
    expect(await run(['focus', 'validate'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/Give --tenant <id> or at least one parquet path/) });
    expect(await run(['focus', 'validate', cleanFile, '--tenant', 'acme'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not both/) });
  });
});
