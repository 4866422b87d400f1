import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'apps', 'cli', 'bin', 'finops.js');

interface DemoSummary {
  tenant: { id: string; state: string };
  imports: Array<{ provider: string; status: string; rows: number }>;
  focusTotals: Array<{ billingPeriod: string; provider: string; currency: string; billedCost: string }>;
  runs: Array<{ runId: string; parquetPath: string; stats: { emitted: number; new: number; stillOpen: number; resolved: number; reopened: number } }>;
  lastRunFindings: Array<{ fingerprint: string; resourceId: string; estimatedMonthlySavings: string; currency: string }>;
  lifecycle: { open: number; resolved: number; suppressed: number };
}

let dataDir: string;

async function demo(): Promise<DemoSummary> {
  const env: NodeJS.ProcessEnv = { ...process.env, FINOPS_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const { stdout } = await exec(process.execPath, [BIN, 'demo', '--json'], { cwd: ROOT, env, timeout: 240_000 });
  return JSON.parse(stdout) as DemoSummary;
}

async function expectedBilled(fixtureDir: string, key: string): Promise<string> {
  const totals = JSON.parse(await readFile(path.join(ROOT, 'test', 'fixtures', 'billing', fixtureDir, 'EXPECTED_TOTALS.json'), 'utf8'));
  const entry = Object.values(totals)[0] as Record<string, string>;
  return entry[key] as string;
}

describe('npm run demo (finops demo) on the embedded store', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-demo-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports the three clouds, runs the Graviton check twice and reads the findings back from parquet', async () => {
    const first = await demo();
    expect(first.tenant).toEqual({ id: 'demo', state: 'created' });
    expect(first.imports.map((i) => [i.provider, i.status])).toEqual([
      ['aws', 'imported'],
      ['azure', 'imported'],
      ['gcp', 'imported'],
    ]);
    expect(new Set(first.focusTotals.map((t) => t.provider))).toEqual(new Set(['aws', 'azure', 'gcp']));
    const aws = first.focusTotals.find((t) => t.provider === 'aws');
    expect(aws?.billedCost).toBe(await expectedBilled('focus-converters', 'expected_FOCUS_BilledCost_total (=sum UnblendedCost)'));

    const [run1, run2] = first.runs;
    expect(run1?.stats).toMatchObject({ new: 3, resolved: 0 });
    // Run 2: one instance moved to Graviton (resolved), one new m5 (new), the rest still open.
    expect(run2?.stats).toMatchObject({ new: 1, stillOpen: 2, resolved: 1, reopened: 0 });
    expect(first.lifecycle).toEqual({ open: 3, resolved: 1, suppressed: 0 });
    expect(first.lastRunFindings).toHaveLength(3);
    for (const f of first.lastRunFindings) {
      expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(f.estimatedMonthlySavings).toMatch(/^\d+\.\d{6}$/);
      expect(f.currency).toBe('USD');
    }
  });

  it('keeps its data when re-run: imports are skipped and the resolved finding reopens', async () => {
    const second = await demo();
    expect(second.tenant.state).toBe('existing');
    expect(second.imports.every((i) => i.status === 'skipped')).toBe(true);
    // Inventory 1 again: the instance that went to Graviton is back (reopened), the m5 added in run 2 is gone.
    expect(second.runs[0]?.stats).toMatchObject({ new: 0, reopened: 1, resolved: 1 });
    expect(second.lifecycle).toEqual({ open: 3, resolved: 1, suppressed: 0 });
  });
});
