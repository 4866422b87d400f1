import path from 'node:path';
import { type Command } from 'commander';
import {
  CheckRunnerService,
  FindingsLakeRepository,
  FindingsService,
  FocusLakeRepository,
  ImportService,
  migrateStore,
  openStore,
  storeOptionsFromEnv,
  TenantRepository,
  type CheckRunAllResult,
  type CheckRunResult,
  type FindingStateView,
  type Store,
} from '@openfinops/api';
import { loadCheckers } from '@openfinops/checkers';
import { type SavingsFinding, totalSavings } from '@openfinops/contracts';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { Progress, printJson, printTable } from '../cli-output.ts';

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
    .description('Set up the demo tenant: migrate, import sample billing for AWS, Azure and GCP, run the Graviton check twice, then every checker')
    .option('--json', 'print the summary as JSON')
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
        out(`\nNext: npx finops findings list --tenant ${DEMO_TENANT}   |   npx finops focus totals --tenant ${DEMO_TENANT}`);

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
            allChecks: { inventorySource: all.inventorySource, totals: all.totals, entries: all.entries, perCheck, openFindings: open.length, savings },
          });
        }
      } finally {
        progress.done();
        await store.close();
      }
    });
}
