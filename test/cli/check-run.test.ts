import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../apps/cli/src/main.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'apps', 'cli', 'bin', 'finops.js');
const DEMO_1 = path.join(ROOT, 'test', 'fixtures', 'inventory', 'demo-run-1.json');
const DEMO_2 = path.join(ROOT, 'test', 'fixtures', 'inventory', 'demo-run-2.json');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dataDir: string;

async function finops(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FINOPS_DATA_DIR: dataDir };
  // The embedded store keeps the test independent of any PostgreSQL server.
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * In-process run for the error paths: same code as the binary, without paying a process start per case. `onStderr`
 * sees the error output as it grows (to act mid-run, e.g. send Ctrl-C).
 */
async function finopsInProcess(args: string[], onStderr?: (stderr: string) => void): Promise<CliResult> {
  const previous = { dataDir: process.env.FINOPS_DATA_DIR, databaseUrl: process.env.DATABASE_URL };
  process.env.FINOPS_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    onStderr?.(stderr);
    return true;
  });
  try {
    const code = await main(['node', 'finops', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (previous.dataDir === undefined) delete process.env.FINOPS_DATA_DIR;
    else process.env.FINOPS_DATA_DIR = previous.dataDir;
    if (previous.databaseUrl !== undefined) process.env.DATABASE_URL = previous.databaseUrl;
  }
}

const SLOW = 240_000;

interface ListedFinding {
  resourceId: string;
  status: string;
  estimatedMonthlySavings: string;
  currency: string;
  reopenCount: number;
}

describe('finops check run / findings list (end to end)', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-cli-check-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tells which command to run when the store is not migrated', async () => {
    const r = await finopsInProcess(['check', 'run', '--tenant', 'demo', '--checker', 'aws/ec2-graviton', '--inventory', DEMO_1]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('finops db migrate');
  });

  it('migrates and asks for the tenant to be created first', async () => {
    expect((await finops('db', 'migrate')).code).toBe(0);
    const r = await finopsInProcess(['check', 'run', '--tenant', 'demo', '--checker', 'aws/ec2-graviton', '--inventory', DEMO_1]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Tenant "demo" does not exist');
    expect(r.stderr).toContain('finops tenant create demo');
    expect((await finops('tenant', 'create', 'demo', '--name', 'Demo Corp')).code).toBe(0);
  }, SLOW);

  it('runs the checker twice: one finding resolves, one is new', async () => {
    const first = await finops('check', 'run', '--tenant', 'demo', '--checker', 'aws/ec2-graviton', '--inventory', DEMO_1, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/running aws\/ec2-graviton/);
    const run1 = JSON.parse(first.stdout) as { runId: string; parquetPath: string; stats: Record<string, number> };
    expect(run1.stats).toMatchObject({ emitted: 3, new: 3, stillOpen: 0, resolved: 0, rejected: 0 });
    expect(run1.parquetPath).toContain(path.join(dataDir, 'lake', 'findings', 'tenant_id=demo'));
    expect(run1.parquetPath).toContain(`part-${run1.runId}.parquet`);

    const second = await finops('check', 'run', '--tenant', 'demo', '--checker', 'aws/ec2-graviton', '--account', '210987654321', '--inventory', DEMO_2);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Run id:\s+run_/);
    expect(second.stdout).toMatch(/│ 3\s+│ 1\s+│ 2\s+│ 1\s+│ 0\s+│ 0\s+│ 0\s+│/);

    const listed = await finops('findings', 'list', '--tenant', 'demo', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const findings = JSON.parse(listed.stdout) as ListedFinding[];
    const byResource = Object.fromEntries(findings.map((f) => [f.resourceId, f]));
    expect(Object.keys(byResource).sort()).toEqual(['i-0de0000000000a001', 'i-0de0000000000a002', 'i-0de0000000000a003', 'i-0de0000000000a005']);
    expect(byResource['i-0de0000000000a002']).toMatchObject({ status: 'resolved' });
    expect(byResource['i-0de0000000000a005']).toMatchObject({ status: 'open', estimatedMonthlySavings: '10.512000', currency: 'USD' });
    expect(findings.filter((f) => f.status === 'resolved')).toHaveLength(1);
    expect(findings.filter((f) => f.status === 'open')).toHaveLength(3);
  }, SLOW);

  it('filters by status and writes quoted CSV', async () => {
    const resolved = await finops('findings', 'list', '--tenant', 'demo', '--status', 'resolved', '--format', 'csv');
    expect(resolved.code, resolved.stderr).toBe(0);
    const lines = resolved.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^fingerprint,status,checkId,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',resolved,aws/ec2-graviton,');
    expect(lines[1]).toContain(',9.125000,USD,estimated,');
  }, SLOW);

  it('names the file, position, checker or tenant at fault', async () => {
    const badJson = path.join(dataDir, 'bad.json');
    await writeFile(badJson, '{\n  "Reservations": [\n    {"OwnerId": "1",}\n');
    const cases: Array<[string[], RegExp]> = [
      [['--inventory', path.join(dataDir, 'missing.json')], /Inventory file .*missing\.json does not exist/],
      [['--inventory', badJson], /bad\.json is not valid JSON: .*line 3 column/],
      [['--inventory', DEMO_1, '--checker', 'aws/nope'], /Unknown checker "aws\/nope"; known checkers: .*aws\/ec2-graviton/],
      [['--inventory', DEMO_1, '--config', '{"hoursPerMonth":"x"}'], /Invalid config for checker aws\/ec2-graviton: hoursPerMonth/],
    ];
    for (const [extra, pattern] of cases) {
      const args = ['check', 'run', '--tenant', 'demo', '--checker', 'aws/ec2-graviton', ...extra];
      const r = await finopsInProcess(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(pattern);
    }
    process.env.FINOPS_CHECK_WORKERS = 'many';
    try {
      const badWorkers = await finopsInProcess(['check', 'run', '--all', '--tenant', 'demo']);
      expect(badWorkers.code).toBe(1);
      expect(badWorkers.stderr).toContain('FINOPS_CHECK_WORKERS must be a whole number from 0 to 64, got "many"');
    } finally {
      delete process.env.FINOPS_CHECK_WORKERS;
    }
    const unknownTenant = await finopsInProcess(['findings', 'list', '--tenant', 'ghost-co']);
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stderr).toContain('Tenant "ghost-co" does not exist');
  });

  it('check run --all stops between checker runs on Ctrl-C: runs in progress are recorded, exit code 130', async () => {
    let interrupted = false;
    const runsBefore = JSON.parse((await finops('runs', 'list', '--tenant', 'demo', '--json')).stdout) as unknown[];
    // Ctrl-C as soon as the first (checker, account) run is reported.
    const { code, stderr } = await finopsInProcess(['check', 'run', '--all', '--tenant', 'demo', '--inventory', DEMO_1], (text) => {
      if (!interrupted && /^\[1\] /m.test(text)) {
        interrupted = true;
        process.emit('SIGINT', 'SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('check --all interrupted: the checker runs in progress completed and were recorded');
    // The runner keeps one run in flight behind the current one: those two finish and are recorded, no later one
    // starts (the inventory alone would give more than ten runs).
    const entries = stderr.match(/^\[\d+\] .*$/gm) ?? [];
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.length).toBeLessThanOrEqual(2);
    const runsAfter = JSON.parse((await finops('runs', 'list', '--tenant', 'demo', '--json')).stdout) as unknown[];
    expect(runsAfter.length - runsBefore.length).toBe(entries.filter((e) => !/: skipped: /.test(e)).length);
  }, SLOW);
});
