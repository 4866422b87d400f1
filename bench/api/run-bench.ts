/**
 * `npm run bench:api -- [--rows N] [--findings N] [--duration S] [--connections N] [--store pglite|postgres] [--no-cache] [--keep] [--reuse DIR] [--processes N]`
 *
 * Seeds a tenant (default 10,000,000 FOCUS rows + rollups and 50,000 findings, see generate-lake.ts) in a temp data
 * dir, starts the real API as a child process (`finops serve`, as operators run it), logs in and drives it with
 * autocannon (default 50 connections for 20 s) on
 *   1. GET /tenants/bench/costs/summary?groupBy=service   (target p95 ≤ 50 ms)
 *   2. GET /tenants/bench/findings?limit=50                (target p95 ≤ 100 ms)
 *   3. GET /tenants/bench                                  (baseline: authentication and tenant guards only)
 * and prints p50/p95/p99 latency and req/s. `--store postgres` uses a throwaway database on FINOPS_TEST_PG_URL.
 * `--keep` leaves the data dir (and the PostgreSQL database) in place and prints it; `--reuse DIR` drives a kept
 * seed again without regenerating it (seeding 10 M rows takes minutes). `--processes N` serves with
 * FINOPS_API_PROCESSES=N (node:cluster, PostgreSQL only).
 * Not a test: run on demand; figures go to bench/api/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { openStore, type Store } from '../../apps/api/src/store/store.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { UserService } from '../../apps/api/src/users/user.service.ts';
import { UserRepository } from '../../apps/api/src/users/user.repository.ts';
import { MembershipRepository } from '../../apps/api/src/users/membership.repository.ts';
import { AuditLogRepository } from '../../apps/api/src/admin/audit-log.repository.ts';
import { removeDir, seedFindings, seedFocusLake } from './generate-lake.ts';

const TENANT = 'bench';
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-password-0123456789';
const SECRET = 'bench-jwt-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    findings: { type: 'string', default: '50000' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    store: { type: 'string', default: 'postgres' },
    'no-cache': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    processes: { type: 'string', default: '1' },
  },
});

const log = (m: string) => process.stderr.write(`${m}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.FINOPS_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `finops_bench_api_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Resolves once `finops serve` says it listens: with several processes, only when every one of them does. */
function announced(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      process.stderr.write(d);
      seen += d.toString();
      if (/listening on /.test(seen)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`API exited with ${code}`)));
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('API did not become healthy within 60 s');
}

interface Figures {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  reqPerSec: number;
  requests: number;
  non2xx: number;
  errors: number;
  target: number;
}

/** Exact percentile of recorded response times (nearest rank). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Drives one URL; every response time is recorded (autocannon's summary has no p95), 2xx only, as autocannon does. */
async function drive(name: string, url: string, token: string, target: number): Promise<Figures> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: Number(args.connections), duration: Number(args.duration), headers: { authorization: `Bearer ${token}` } },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  times.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    reqPerSec: result.requests.total / Number(args.duration),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    target,
  };
}

interface SeedManifest {
  rows: number;
  findings: number;
  store: string;
  databaseUrl: string | null;
}

async function main(): Promise<void> {
  const reuse = args.reuse ? (JSON.parse(await readFile(path.join(args.reuse, 'bench-seed.json'), 'utf8')) as SeedManifest) : undefined;
  const rows = reuse?.rows ?? Number(args.rows);
  const findings = reuse?.findings ?? Number(args.findings);
  const storeKind = reuse?.store ?? args.store;
  const dataDir = args.reuse ?? (await mkdtemp(path.join(os.tmpdir(), 'finops-bench-api-')));
  const pgDb = reuse ? (reuse.databaseUrl ? { url: reuse.databaseUrl, drop: async () => undefined } : undefined) : storeKind === 'postgres' ? await createPgDatabase() : undefined;
  const keep = args.keep || reuse !== undefined;
  const processes = Number(args.processes);
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes expects a whole number ≥ 1, got ${args.processes}`);
  if (processes > 1 && storeKind !== 'postgres') throw new Error('--processes > 1 needs the postgres store (the embedded PGlite store is single-process)');
  const layout = new LakeLayout(dataDir);
  let child: ChildProcess | undefined;
  let store: Store | undefined;
  try {
    log(`data dir ${dataDir}; store ${storeKind}${reuse ? ' (reused seed)' : ''}`);
    if (!reuse) {
      store = await openStore({ dataDir, databaseUrl: pgDb?.url });
      await store.migrate();
      await new TenantRepository(store.prisma).create({ id: TENANT, name: 'Bench' }, 'bench');
      const users = new UserService(new UserRepository(store.prisma), new MembershipRepository(store.prisma), new TenantRepository(store.prisma), new AuditLogRepository(store.prisma));
      await users.create({ email: EMAIL, password: PASSWORD, isPlatformAdmin: false, membership: { tenantId: TENANT, role: 'viewer' }, actor: 'bench' });

      let t = performance.now();
      const lake = await seedFocusLake(layout, TENANT, rows, log);
      log(`FOCUS: ${lake.rows.toLocaleString('en-US')} detail rows, ${lake.rollupRows.toLocaleString('en-US')} rollup rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
      await seedFindings(store.prisma, layout, TENANT, findings, new Date('2026-11-20T06:00:00Z'));
      log(`findings: ${findings.toLocaleString('en-US')} (FindingState + parquet) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      // The embedded store allows one process: hand it to the API.
      await store.close();
      store = undefined;
      const manifest: SeedManifest = { rows, findings, store: storeKind, databaseUrl: pgDb?.url ?? null };
      await writeFile(path.join(dataDir, 'bench-seed.json'), JSON.stringify(manifest));
    } else {
      // A reused seed may predate a migration (a shared PostgreSQL is never migrated by the API itself).
      store = await openStore({ dataDir, databaseUrl: pgDb?.url });
      await store.migrate();
      await store.close();
      store = undefined;
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'apps', 'cli', 'bin', 'finops.js'), 'serve', '--port', String(port)], {
      env: {
        ...process.env,
        FINOPS_DATA_DIR: dataDir,
        DATABASE_URL: pgDb?.url ?? '',
        FINOPS_JWT_SECRET: SECRET,
        FINOPS_LOG_LEVEL: 'warn',
        FINOPS_RATE_LIMIT: '100000000',
        FINOPS_COST_CACHE: args['no-cache'] ? '0' : '500',
        // --no-cache measures the work behind the answer caches; the guards' access cache stays at its default.
        FINOPS_FINDINGS_CACHE_MS: args['no-cache'] ? '0' : '2000',
        FINOPS_API_PROCESSES: String(processes),
      },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    await announced(child);
    await waitForHealth(url, child);
    const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
    const { accessToken } = (await login.json()) as { accessToken: string };

    const summaryUrl = `${url}/tenants/${TENANT}/costs/summary?groupBy=service`;
    const findingsUrl = `${url}/tenants/${TENANT}/findings?limit=50`;
    const first = await fetch(summaryUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    const firstBody = (await first.json()) as { rows: unknown[]; totals: Array<{ rowCount: number; billedCost: string }> };
    log(`costs/summary check: ${first.status}, ${firstBody.rows.length} groups, ${firstBody.totals[0]?.rowCount.toLocaleString('en-US')} rows, BilledCost ${firstBody.totals[0]?.billedCost}`);

    const figures = [
      await drive('costs/summary?groupBy=service', summaryUrl, accessToken, 50),
      await drive('findings?limit=50 (first page)', findingsUrl, accessToken, 100),
      // Baseline: the same authenticated guard chain (JWT, user, membership) on the cheapest tenant route.
      await drive('tenants/bench (guards only, baseline)', `${url}/tenants/${TENANT}`, accessToken, 0),
    ];
    const cpu = os.cpus();
    process.stdout.write(
      `\nAPI benchmark: ${rows.toLocaleString('en-US')} FOCUS rows, ${findings.toLocaleString('en-US')} findings, store ${storeKind}, ${processes} API process${processes > 1 ? 'es' : ''}, ` +
        `cost and findings caches ${args['no-cache'] ? 'off' : 'on'}, ${args.connections} connections × ${args.duration} s; ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
    );
    process.stdout.write('| endpoint | p50 ms | p95 ms | p99 ms | req/s | requests | non-2xx | errors | target p95 |\n|---|---|---|---|---|---|---|---|---|\n');
    for (const f of figures) {
      process.stdout.write(
        `| ${f.name} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.reqPerSec.toFixed(0)} | ${f.requests} | ${f.non2xx} | ${f.errors} | ${f.target > 0 ? `≤ ${f.target} ms ${f.p95 <= f.target ? 'met' : 'MISSED'}` : '-'} |\n`,
      );
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await store?.close();
    if (!keep) {
      await pgDb?.drop();
      await removeDir(dataDir);
    } else log(`kept ${dataDir} (npm run bench:api -- --reuse ${dataDir})`);
  }
}

await main();
