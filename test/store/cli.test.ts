import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeOnStore, type TestDatabase } from '../support/store-harness.ts';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps', 'cli', 'bin', 'finops.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function finops(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: childEnv, cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('finops db / tenant on the embedded store', () => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    env = { FINOPS_DATA_DIR: db.dataDir, DATABASE_URL: undefined };
  });
  afterAll(async () => {
    await db.dispose();
  });

  it('tenant list refuses an unmigrated store and says what to run', async () => {
    const r = await finops(['tenant', 'list'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pending migration\(s\): 20261122000000_init.*Run `finops db migrate`/);
  });

  it('db migrate applies the migrations, names the store, then reports up to date', async () => {
    const first = await finops(['db', 'migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Store: embedded PGlite at ${db.dataDir}/store/pglite`);
    expect(first.stdout).toContain('Applied 20261122000000_init');

    const second = await finops(['db', 'migrate', '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    const json = JSON.parse(second.stdout) as { store: { kind: string }; applied: string[]; alreadyApplied: string[]; upToDate: boolean };
    expect(json.store.kind).toBe('pglite');
    expect(json.upToDate).toBe(true);
    expect(json.applied).toEqual([]);
    expect(json.alreadyApplied).toContain('20261122000000_init');
  });

  it('tenant create makes a tenant and refuses an invalid id, naming it', async () => {
    const ok = await finops(['tenant', 'create', 'acme', '--name', 'Acme Corp', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: 'acme', name: 'Acme Corp', status: 'active' });

    const bad = await finops(['tenant', 'create', 'Bad_Tenant', '--name', 'Nope'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Invalid tenant id "Bad_Tenant"');

    const dup = await finops(['tenant', 'create', 'acme', '--name', 'Again'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Tenant "acme" already exists');
  });

  it('tenant list --json returns the tenants', async () => {
    const r = await finops(['tenant', 'list', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const tenants = JSON.parse(r.stdout) as Array<{ id: string; name: string }>;
    expect(tenants.map((t) => [t.id, t.name])).toEqual([['acme', 'Acme Corp']]);
  });
});

describe('finops tenant create on a fresh data dir', () => {
  it('migrates the embedded store first, so the first command just works', async () => {
    const db = await createTestDatabase('pglite');
    try {
      const r = await finops(['tenant', 'create', 'first', '--name', 'First'], { FINOPS_DATA_DIR: db.dataDir, DATABASE_URL: undefined });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('Created tenant first (First)\n');
    } finally {
      await db.dispose();
    }
  });
});

describeOnStore('postgres', 'finops db migrate', () => {
  it('uses DATABASE_URL, names host and database, and never prints the password', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const url = new URL(db.databaseUrl ?? '');
      url.password = 'not-printed';
      const env = { FINOPS_DATA_DIR: db.dataDir, DATABASE_URL: url.toString() };
      const unmigrated = await finops(['tenant', 'create', 'acme', '--name', 'Acme'], env);
      expect(unmigrated.code).toBe(1);
      expect(unmigrated.stderr).toContain('Run `finops db migrate`');

      const r = await finops(['db', 'migrate'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Store: PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`);
      expect(r.stdout + r.stderr).not.toContain('not-printed');
    } finally {
      await db.dispose();
    }
  });
});
