import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { totalSavings } from '@openfinops/contracts';
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
  users: Array<{ key: string; email: string; password: string | null; state: string }>;
  allChecks: {
    inventorySource: string;
    totals: { runs: number; succeeded: number; failed: number; skipped: number; new: number; resolved: number };
    entries: Array<{ checkerId: string; accountId: string | null; status: string; runId: string | null; reason: string | null }>;
    perCheck: Array<{ checkId: string; status: string; emitted: number; openFindings: number }>;
    openFindings: number;
    savings: Array<{ currency: string; total: string; counted: number; excluded: number }>;
  };
}

interface FindingJson {
  fingerprint: string;
  status: string;
  checkId: string;
  provider: string;
  accountId: string;
  category: string;
  estimatedMonthlySavings: string | null;
  currency: string | null;
  exclusionGroup: string | null;
}

let dataDir: string;
let firstUsers: DemoSummary['users'] = [];

async function finops<T>(args: string[]): Promise<T> {
  const env: NodeJS.ProcessEnv = { ...process.env, FINOPS_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.FINOPS_CHECKER_PACKAGES;
  const { stdout } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

// --no-serve: the data part only; the API and the portal it would start are covered by test/browser.
const demo = () => finops<DemoSummary>(['demo', '--json', '--no-serve']);

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
    expect(first.users.map((u) => [u.key, u.state])).toEqual([
      ['operator', 'created'],
      ['analyst', 'created'],
    ]);
    for (const u of first.users) expect(u.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    firstUsers = first.users;
    const stored = JSON.parse(await readFile(path.join(dataDir, 'secrets', 'demo-credentials.json'), 'utf8'));
    expect(stored).toEqual(Object.fromEntries(first.users.map((u) => [u.email, u.password])));
    expect((await stat(path.join(dataDir, 'secrets', 'demo-credentials.json'))).mode & 0o777).toBe(0o600);
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

    // All checkers: every inventory check of the bundled demo-full inventory produced findings, none failed.
    const all = first.allChecks;
    expect(all.inventorySource).toMatch(/demo-full\.json$/);
    expect(all.totals.failed).toBe(0);
    const inventoryChecks = [
      'aws/ec2-previous-generation',
      'aws/ec2-stopped-with-volumes',
      'aws/ebs-unattached',
      'aws/ebs-gp2-to-gp3',
      'aws/ebs-io1-to-io2',
      'aws/ebs-snapshot-old',
      'aws/ami-unused',
      'aws/eip-unassociated',
      'aws/nat-gateway-idle',
    ];
    for (const id of inventoryChecks) {
      expect(all.perCheck.find((c) => c.checkId === id)?.openFindings, id).toBeGreaterThan(0);
    }
    // Billing checks ran once per FOCUS sub account of their provider (the CUR sample's one AWS account, Azure's subscriptions).
    expect(all.entries.filter((e) => e.checkerId === 'aws/untagged-spend').map((e) => [e.accountId, e.status])).toEqual([['123412340534', 'succeeded']]);
    expect(all.entries.filter((e) => e.checkerId === 'azure/untagged-spend').length).toBeGreaterThan(1);
    // Billing checks evaluate as of the newest data (the samples are from 2023–2024), so the samples yield findings
    // for all three clouds where they hold the charges a check looks for.
    const billingFindings = (id: string) => all.perCheck.find((c) => c.checkId === id)?.openFindings;
    expect(billingFindings('aws/untagged-spend')).toBe(1);
    expect(billingFindings('azure/untagged-spend')).toBe(2);
    expect(billingFindings('gcp/unlabeled-spend')).toBe(13);
    expect(billingFindings('gcp/cost-anomaly')).toBe(1);
    // The Graviton check of the all-checkers run covers the demo-full account, not the two-run account above.
    expect(all.entries.filter((e) => e.checkerId === 'aws/ec2-graviton').map((e) => e.accountId)).toEqual(['123456789012']);

    // The printed savings are totalSavings over the open findings that `finops findings list --json` returns.
    const listed = await finops<FindingJson[]>(['findings', 'list', '--tenant', 'demo', '--status', 'open', '--json']);
    expect(listed).toHaveLength(all.openFindings);
    const recomputed = totalSavings(
      listed.flatMap((f) => (f.estimatedMonthlySavings !== null && f.currency !== null ? [{ ...f, estimatedMonthlySavings: f.estimatedMonthlySavings, currency: f.currency }] : [])),
    );
    expect(all.savings).toEqual(recomputed.byCurrency.map((t) => ({ currency: t.currency, total: t.total, counted: t.counted, excluded: t.excluded })));
    const usd = all.savings.find((t) => t.currency === 'USD');
    expect(Number(usd?.total)).toBeGreaterThan(0);
    // Graviton and previous-generation findings on one instance share an exclusion group: only one counts.
    expect(usd?.excluded).toBeGreaterThan(0);
  }, 240_000);

  it('keeps its data when re-run: imports are skipped and the resolved finding reopens', async () => {
    const second = await demo();
    expect(second.tenant.state).toBe('existing');
    // Same sign-ins as the first run: the users are not recreated and their passwords not reset.
    expect(second.users).toEqual(firstUsers.map((u) => ({ ...u, state: 'existing' })));
    expect(second.imports.every((i) => i.status === 'skipped')).toBe(true);
    // Inventory 1 again: the instance that went to Graviton is back (reopened), the m5 added in run 2 is gone.
    expect(second.runs[0]?.stats).toMatchObject({ new: 0, reopened: 1, resolved: 1 });
    expect(second.lifecycle).toEqual({ open: 3, resolved: 1, suppressed: 0 });
    // Same inventory and billing again: every finding of the all-checkers run is still open, nothing new or resolved.
    expect(second.allChecks.totals).toMatchObject({ failed: 0, new: 0, resolved: 0 });
    expect(second.allChecks.totals.succeeded).toBeGreaterThan(0);
  }, 240_000);
});
