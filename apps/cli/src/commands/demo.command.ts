import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Command } from 'commander';
import {
  AuditLogRepository,
  CheckRunnerService,
  FindingsLakeRepository,
  FindingsService,
  FocusLakeRepository,
  ImportService,
  MembershipRepository,
  migrateStore,
  openStore,
  storeOptionsFromEnv,
  TenantRepository,
  UserRepository,
  UserService,
  type CheckRunAllResult,
  type CheckRunResult,
  type FindingStateView,
  type Store,
} from '@openfinops/api';
import { loadCheckers } from '@openfinops/checkers';
import { type SavingsFinding, totalSavings } from '@openfinops/contracts';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { CliError, Progress, printJson, printTable } from '../cli-output.ts';
import { cliActor } from './user.command.ts';

const DEMO_TENANT = 'demo';
const GRAVITON = 'aws/ec2-graviton';

/** Bundled samples: real public billing exports (see each folder's PROVENANCE.md) and two inventory snapshots. */
export const DEMO_BILLING = [
  { provider: 'aws', file: 'test/fixtures/billing/focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz' },
  { provider: 'azure', file: 'test/fixtures/billing/finops-toolkit/EA_ActualCost_Small.csv' },
  { provider: 'gcp', file: 'test/fixtures/billing/gcp-export/gcp-billing-export-sample.ndjson' },
] as const;
export const DEMO_INVENTORIES = ['test/fixtures/inventory/demo-run-1.json', 'test/fixtures/inventory/demo-run-2.json'] as const;
/** Inventory for the all-checkers run: another account than the Graviton runs, so their lifecycle stays as printed. */
export const DEMO_FULL_INVENTORY = 'test/fixtures/inventory/demo-full.json';

interface DemoOptions {
  json?: boolean;
  serve?: boolean;
  port?: string;
  portalPort?: string;
}

/** Demo sign-ins: an operator (platform admin) and an analyst of the demo tenant. */
export const DEMO_USERS = [
  { key: 'operator', email: 'operator@demo.openfinops.local', platformAdmin: true, role: null },
  { key: 'analyst', email: 'analyst@demo.openfinops.local', platformAdmin: false, role: 'analyst' },
] as const;

export interface DemoCredential {
  key: string;
  email: string;
  /** null when the user existed before and the credentials file is gone (the password cannot be recovered). */
  password: string | null;
  state: 'created' | 'existing';
}

/**
 * Creates the demo users once and keeps their generated passwords in `<dataDir>/secrets/demo-credentials.json`
 * (mode 0600, written atomically), so a re-run prints the same sign-ins instead of resetting them.
 */
async function ensureDemoUsers(store: Store, dataDir: string): Promise<DemoCredential[]> {
  const file = path.join(dataDir, 'secrets', 'demo-credentials.json');
  let saved: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    } catch (err) {
      throw new CliError(`${file}: not valid JSON (${(err as Error).message}); delete it to let the demo write it again`);
    }
  }
  const users = new UserRepository(store.prisma);
  const service = new UserService(users, new MembershipRepository(store.prisma), new TenantRepository(store.prisma), new AuditLogRepository(store.prisma));
  const result: DemoCredential[] = [];
  for (const u of DEMO_USERS) {
    if (await users.findByEmail(u.email)) {
      result.push({ key: u.key, email: u.email, password: saved[u.email] ?? null, state: 'existing' });
      continue;
    }
    const password = randomBytes(12).toString('base64url');
    await service.create({
      email: u.email,
      password,
      isPlatformAdmin: u.platformAdmin,
      ...(u.role ? { membership: { tenantId: DEMO_TENANT, role: u.role } } : {}),
      actor: cliActor(),
    });
    saved[u.email] = password;
    result.push({ key: u.key, email: u.email, password, state: 'created' });
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return result;
}

function parsePortOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new CliError(`${name}: expected a port number 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Runs `next <args>` of apps/portal with telemetry off; output goes to this terminal. */
function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const portalDir = path.join(REPO_ROOT, 'apps', 'portal');
  const nextBin = createRequire(path.join(portalDir, 'package.json')).resolve('next/dist/bin/next');
  return spawn(process.execPath, [nextBin, ...args], { cwd: portalDir, env: { ...env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Starts the API in this process and the portal as a child (`next start`, after a one-time `next build`), prints the
 * URL, and on Ctrl-C (SIGINT/SIGTERM) stops the portal, then the API, before returning.
 */
async function serveDemo(opts: DemoOptions, credentials: DemoCredential[]): Promise<void> {
  const apiPort = parsePortOption('--port', opts.port ?? process.env.PORT, 3000);
  const portalPort = parsePortOption('--portal-port', opts.portalPort ?? process.env.FINOPS_PORTAL_PORT, 3001);
  const host = process.env.HOST ?? '127.0.0.1';
  const { startApiServer, ConfigError } = await import('@openfinops/api');
  let api: Awaited<ReturnType<typeof startApiServer>>;
  try {
    // Request logs would bury the URL and the sign-ins; FINOPS_LOG_LEVEL still wins when set.
    api = await startApiServer({ ...process.env, FINOPS_LOG_LEVEL: process.env.FINOPS_LOG_LEVEL ?? 'warn' }, { port: apiPort, host });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const env = { ...process.env, FINOPS_API_URL: api.url };
  let portal: ChildProcess | null = null;
  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\nreceived ${signal}, stopping the portal and the API\n`);
      const child = portal;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      void (child ? waitForExit(child) : Promise.resolve(null))
        .then(() => api.close())
        .catch((err: unknown) => process.stderr.write(`error during shutdown: ${String(err)}\n`))
        .finally(() => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

  const portalDir = path.join(REPO_ROOT, 'apps', 'portal');
  if (!existsSync(path.join(portalDir, '.next', 'BUILD_ID'))) {
    process.stderr.write('Building the portal once (next build, about two minutes)…\n');
    portal = runNext(['build'], env);
    const code = await waitForExit(portal);
    if (stopping) return stopped;
    if (code !== 0) {
      await api.close();
      throw new CliError(`next build failed (exit ${code}); see the output above`);
    }
  }
  if (stopping) return stopped;
  portal = runNext(['start', '-H', host, '-p', String(portalPort)], env);
  portal.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`the portal exited (code ${code}); stopping the API\n`);
      process.kill(process.pid, 'SIGTERM');
    }
  });
  const url = `http://${host}:${portalPort}`;
  process.stdout.write(`\nOpen FinOps is running.\n  Portal: ${url}\n  API:    ${api.url} (docs: ${api.url}/docs)\n`);
  for (const c of credentials) {
    process.stdout.write(`  ${c.key.padEnd(8)} ${c.email}  ${c.password ?? '(password set on an earlier run; see data/secrets/demo-credentials.json)'}\n`);
  }
  process.stdout.write('Press Ctrl-C to stop.\n');
  return stopped;
}

/** Findings without an estimate (governance, anomalies without a baseline) have nothing to add up. */
function withSavings(states: readonly FindingStateView[]): SavingsFinding[] {
  return states.flatMap((f) =>
    f.estimatedMonthlySavings !== null && f.currency !== null
      ? [{ ...f, estimatedMonthlySavings: f.estimatedMonthlySavings, currency: f.currency }]
      : [],
  );
}

async function ensureDemoTenant(store: Store): Promise<'created' | 'existing'> {
  const tenants = new TenantRepository(store.prisma);
  if (await tenants.get(DEMO_TENANT)) return 'existing';
  await tenants.create({ id: DEMO_TENANT, name: 'Demo Company' }, 'demo');
  return 'created';
}

/**
 * The README's first command: everything on the embedded store under the data dir, idempotent so it can be re-run
 * (imports of unchanged files are skipped; each checker run is a new observation of the same findings).
 */
export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Set up the demo tenant (migrate, import sample billing for AWS, Azure and GCP, run the checkers, create an operator and an analyst), then start the API and the portal',
    )
    .option('--json', 'print the summary as JSON')
    .option('--no-serve', 'set up the data and users, then exit instead of starting the API and the portal')
    .option('--port <port>', 'API port (default PORT or 3000)')
    .option('--portal-port <port>', 'portal port (default FINOPS_PORTAL_PORT or 3001)')
    .action(async (opts: DemoOptions) => {
      const options = storeOptionsFromEnv();
      const layout = new LakeLayout(options.dataDir);
      const progress = new Progress(true);
      const out = (line = '') => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };

      progress.update('migrating the store', true);
      const migration = await migrateStore(options);
      const store = await openStore(options);
      let credentials: DemoCredential[];
      try {
        out(`Store: ${store.location} (${migration.applied.length} migration(s) applied)`);
        const tenantState = await ensureDemoTenant(store);
        out(`Tenant: ${DEMO_TENANT} (${tenantState})`);

        const importer = new ImportService(store, layout);
        const imports = [];
        for (const { provider, file } of DEMO_BILLING) {
          progress.update(`importing ${provider} billing: ${file}`, true);
          const r = await importer.import({ tenantId: DEMO_TENANT, inputs: [path.join(REPO_ROOT, file)], onProgress: (m) => progress.update(m) });
          imports.push({ provider, file, status: r.status, format: r.format, rows: r.rows });
        }
        progress.done();
        out('\nBilling imported to FOCUS 1.2 (totals read back from the lake through DuckDB):');
        const totals = await new FocusLakeRepository(layout).totals(DEMO_TENANT);
        if (!opts.json) {
          printTable(
            ['Period', 'Provider', 'Currency', 'Rows', 'BilledCost', 'EffectiveCost', 'ListCost'],
            totals.map((t) => [t.billingPeriod, t.provider, t.currency, t.rows, t.billedCost, t.effectiveCost, t.listCost]),
          );
        }

        const runner = new CheckRunnerService({ prisma: store.prisma, dataDir: options.dataDir });
        const runs: CheckRunResult[] = [];
        for (const [i, inventory] of DEMO_INVENTORIES.entries()) {
          progress.update(`run ${i + 1}: ${GRAVITON} on ${inventory}`, true);
          runs.push(
            await runner.runCheck({ tenantId: DEMO_TENANT, checkerId: GRAVITON, inventoryFile: path.join(REPO_ROOT, inventory), onProgress: (m) => progress.update(m) }),
          );
        }
        progress.done();
        out(`\nChecker ${GRAVITON}, two runs (the second inventory moved one instance to Graviton and added one m5):`);
        if (!opts.json) {
          printTable(
            ['Run', 'Emitted', 'New', 'Still open', 'Resolved', 'Reopened', 'Rejected'],
            runs.map((r) => [r.runId, r.stats.emitted, r.stats.new, r.stats.stillOpen, r.stats.resolved, r.stats.reopened, r.stats.rejected]),
          );
        }

        const lastRun = runs[runs.length - 1];
        const observations = lastRun ? await new FindingsLakeRepository(layout).listObservations(DEMO_TENANT, { runId: lastRun.runId }) : [];
        out(`\nFindings of the last run, read back from ${lastRun?.parquetPath ?? 'the lake'} through DuckDB:`);
        if (!opts.json) {
          printTable(
            ['Fingerprint', 'Resource', 'Region', 'Title', 'Savings / month'],
            observations.map((o) => [o.fingerprint.slice(0, 16), o.resourceId, o.region, o.title, `${o.estimatedMonthlySavings} ${o.currency}`]),
          );
        }

        const findings = new FindingsService(store.prisma);
        const states = await findings.list(DEMO_TENANT, { checkId: GRAVITON, ...(lastRun ? { accountId: lastRun.accountId } : {}) });
        const byStatus = Object.fromEntries(['open', 'resolved', 'suppressed'].map((s) => [s, states.filter((f) => f.status === s).length]));
        out(`\nLifecycle of ${GRAVITON} findings: ${byStatus.open} open, ${byStatus.resolved} resolved, ${byStatus.suppressed} suppressed`);

        // Built-ins plus any plugins in FINOPS_CHECKER_PACKAGES; a plugin that fails to load is a warning.
        const loaded = await loadCheckers();
        for (const e of loaded.errors) process.stderr.write(`warning: ${e.message}\n`);
        const allRunner = new CheckRunnerService({ prisma: store.prisma, dataDir: options.dataDir, checkers: loaded.checkers });
        progress.update(`running all ${loaded.checkers.length} checkers on ${DEMO_FULL_INVENTORY} and the imported billing`, true);
        const all: CheckRunAllResult = await allRunner.runAll({
          tenantId: DEMO_TENANT,
          inventoryFile: path.join(REPO_ROOT, DEMO_FULL_INVENTORY),
          onProgress: (m) => progress.update(m),
        });
        progress.done();
        const open = await findings.list(DEMO_TENANT, { status: 'open' });
        const perCheck = loaded.checkers.map((c) => {
          const entries = all.entries.filter((e) => e.checkerId === c.id);
          return {
            checkId: c.id,
            accounts: entries.filter((e) => e.accountId !== null).map((e) => e.accountId as string),
            status: entries.some((e) => e.status === 'failed') ? 'failed' : entries.every((e) => e.status === 'skipped') ? 'skipped' : 'succeeded',
            reason: entries.find((e) => e.reason !== null)?.reason ?? null,
            emitted: entries.reduce((n, e) => n + (e.stats?.emitted ?? 0), 0),
            openFindings: open.filter((f) => f.checkId === c.id).length,
          };
        });
        // Exclusion groups: alternatives for one resource (e.g. Graviton vs previous generation) count once.
        const savings = totalSavings(withSavings(open)).byCurrency.map((t) => ({ currency: t.currency, total: t.total, counted: t.counted, excluded: t.excluded }));
        const t = all.totals;
        out(`\nAll checkers on ${DEMO_FULL_INVENTORY} and the imported billing: ${t.succeeded} run(s) succeeded, ${t.failed} failed, ${t.skipped} skipped`);
        if (!opts.json) {
          printTable(
            ['Check', 'Accounts', 'Status', 'Emitted', 'Open findings', 'Note'],
            perCheck.map((c) => [c.checkId, c.accounts.join(', '), c.status, c.emitted, c.openFindings, c.reason ?? '']),
          );
        }
        out(`\nOpen estimated monthly savings (${open.length} open findings, exclusion groups counted once):`);
        for (const s of savings) out(`  ${s.total} ${s.currency}  (${s.counted} counted, ${s.excluded} alternative(s) left out)`);
        credentials = await ensureDemoUsers(store, options.dataDir);
        out('\nSign-ins (the passwords are kept in <data dir>/secrets/demo-credentials.json):');
        for (const c of credentials) out(`  ${c.key.padEnd(8)} ${c.email}  ${c.password ?? '(existing user; password not on file)'}  (${c.state})`);
        if (opts.serve === false) out(`\nNext: npx finops findings list --tenant ${DEMO_TENANT}   |   npm run demo (starts the API and the portal)`);

        if (opts.json) {
          printJson({
            store: store.location,
            tenant: { id: DEMO_TENANT, state: tenantState },
            imports,
            focusTotals: totals,
            runs: runs.map((r) => ({ runId: r.runId, parquetPath: r.parquetPath, stats: r.stats })),
            lastRunFindings: observations.map((o) => ({
              fingerprint: o.fingerprint,
              findingId: o.findingId,
              resourceId: o.resourceId,
              region: o.region,
              title: o.title,
              estimatedMonthlySavings: o.estimatedMonthlySavings,
              currency: o.currency,
            })),
            lifecycle: byStatus,
            users: credentials,
            allChecks: { inventorySource: all.inventorySource, totals: all.totals, entries: all.entries, perCheck, openFindings: open.length, savings },
          });
        }
      } finally {
        progress.done();
        await store.close();
      }
      // The embedded store allows one process at a time: the API opens it again once the demo closed it.
      if (opts.serve !== false) await serveDemo(opts, credentials);
    });
}
