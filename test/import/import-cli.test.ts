import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../support/index.ts';
import { AWS_SAMPLES, expectedFor, expectedString } from './import-fixtures.ts';
import { runFinopsInProcess as runCli } from '../support/cli-in-process.ts';


describe('finops import / finops focus totals', () => {
  let t: TestStore;
  const env = { ...process.env };

  beforeAll(async () => {
    t = await createTestStore('pglite');
    await t.store.prisma.tenant.create({ data: { id: 'cli-tenant', name: 'CLI tenant' } });
    await t.store.prisma.tenant.create({ data: { id: 'other-tenant', name: 'Other' } });
    // The CLI opens the embedded store itself; PGlite allows one process at a time.
    await t.store.close();
    process.env.FINOPS_DATA_DIR = t.dataDir;
    delete process.env.DATABASE_URL;
  });
  afterAll(async () => {
    process.env = env;
    await t.dispose();
    await rm(t.dataDir, { recursive: true, force: true });
  });

  it('imports with --json and reads the same totals back with focus totals', async () => {
    const sample = AWS_SAMPLES[0]!;
    const expected = expectedFor(sample.folder, sample.file);
    const imported = await runCli(['import', sample.input, '--tenant', 'cli-tenant', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout) as {
      status: string;
      format: string;
      rowsPerSecond: number;
      periods: Array<{ billingPeriod: string; currency: string; rows: number; billedCost: string; effectiveCost: string; listCost: string }>;
      validation: { valid: boolean; errors: number } | null;
    };
    expect(summary.status).toBe('imported');
    expect(summary.format).toBe('aws-cur-v1');
    expect(summary.validation).toEqual(expect.objectContaining({ valid: true, errors: 0 }));
    expect(summary.periods).toEqual([
      expect.objectContaining({
        billingPeriod: '2023-11',
        currency: 'USD',
        rows: 1281,
        billedCost: expectedString(expected, 'expected_FOCUS_BilledCost_total'),
        effectiveCost: expectedString(expected, 'expected_FOCUS_EffectiveCost_total'),
        listCost: '3.3561726949',
      }),
    ]);

    const totals = await runCli(['focus', 'totals', '--tenant', 'cli-tenant', '--billing-period', '2023-11', '--json']);
    expect(totals.code, totals.stderr).toBe(0);
    expect(JSON.parse(totals.stdout).totals).toEqual([
      { billingPeriod: '2023-11', provider: 'aws', currency: 'USD', rows: 1281, billedCost: '1.6823086974', effectiveCost: '1.6823086974', listCost: '3.3561726949' },
    ]);
    const other = await runCli(['focus', 'totals', '--tenant', 'other-tenant', '--json']);
    expect(JSON.parse(other.stdout).totals).toEqual([]);

    const again = await runCli(['import', sample.input, '--tenant', 'cli-tenant']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Skipped: aws-cur-v1:123412340534 is unchanged/);
  });

  it('exits 1 with one clear line for an unknown format and a bad tenant id', async () => {
    const unknown = await runCli(['import', 'README.md', '--tenant', 'cli-tenant']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*README\.md: unsupported file type/);
    // A pretty-printed JSON document is not a row source: refused naming the file and line.
    const document = await runCli(['import', 'package.json', '--tenant', 'cli-tenant']);
    expect(document.code).toBe(1);
    expect(document.stderr).toMatch(/^error: .*package\.json: line 1: not a complete JSON record/);
    const badTenant = await runCli(['focus', 'totals', '--tenant', '../etc']);
    expect(badTenant.code).toBe(1);
    expect(badTenant.stderr).toMatch(/Invalid tenant id/);
  });
});
