import { type Command } from 'commander';
import {
  loadCheckWorkers,
  CheckRunnerService,
  openStore,
  storeOptionsFromEnv,
  type CheckRunAllEntry,
  type CheckRunAllResult,
  type CheckRunResult,
} from '@openfinops/api';
import { builtinCheckers, describeConfig, findChecker, loadCheckers } from '@openfinops/checkers';
import { parseTenantId } from '@openfinops/tenants';
import { CliError, Progress, printJson, printTable } from '../cli-output.ts';
import { withInterrupt } from '../interrupt.ts';

interface CheckRunOptions {
  tenant: string;
  checker?: string;
  all?: boolean;
  account?: string;
  inventory?: string;
  config?: string;
  json?: boolean;
}

/** `--config` takes a JSON object; errors say where the JSON broke. */
export function parseConfigOption(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--config is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError('--config must be a JSON object, e.g. \'{"hoursPerMonth": 500}\'');
  }
  return value as Record<string, unknown>;
}

export function checkRunJson(r: CheckRunResult): object {
  return {
    status: r.status,
    runId: r.runId,
    tenantId: r.tenantId,
    checkerId: r.checkerId,
    accountId: r.accountId,
    parquetPath: r.parquetPath,
    stats: r.stats,
  };
}

/** Adds the command to run next to messages about a store or tenant that is not ready. */
function withHint(err: unknown, tenantId: string): unknown {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'TENANT_NOT_FOUND') {
    return new CliError(`${(err as Error).message}. Create it first: finops tenant create ${tenantId} --name "<name>"`);
  }
  if (code === 'STORE_NOT_MIGRATED') return new CliError((err as Error).message);
  return err;
}

function entryLine(e: CheckRunAllEntry): string {
  const where = `${e.checkerId}${e.accountId ? ` ${e.accountId}` : ''}`;
  if (e.status === 'skipped') return `${where}: skipped: ${e.reason ?? ''}`;
  if (e.status === 'failed') return `${where}: FAILED${e.runId ? ` (run ${e.runId})` : ''}: ${e.reason ?? ''}`;
  const s = e.stats;
  return `${where}: ${s ? `${s.emitted} emitted, ${s.new} new, ${s.stillOpen} still open, ${s.resolved} resolved, ${s.reopened} reopened` : 'succeeded'}`;
}

export function checkRunAllJson(r: CheckRunAllResult): object {
  return {
    tenantId: r.tenantId,
    inventorySource: r.inventorySource,
    totals: r.totals,
    entries: r.entries.map((e) => ({
      checkerId: e.checkerId,
      accountId: e.accountId,
      status: e.status,
      runId: e.runId,
      reason: e.reason,
      stats: e.stats,
    })),
  };
}

async function runAllCommand(tenantId: string, opts: CheckRunOptions): Promise<void> {
  // Validated before anything runs: a bad FINOPS_CHECK_WORKERS stops the command naming it.
  const checkWorkers = loadCheckWorkers();
  const loaded = await loadCheckers();
  for (const e of loaded.errors) process.stderr.write(`warning: ${e.message}\n`);
  const progress = new Progress(true);
  const store = await openStore(storeOptionsFromEnv());
  let result: CheckRunAllResult;
  try {
    await store.assertMigrated();
    const runner = new CheckRunnerService({ prisma: store.prisma, dataDir: storeOptionsFromEnv().dataDir, checkers: loaded.checkers, checkWorkers });
    progress.update(`check --all: tenant ${tenantId}, ${loaded.checkers.length} checker(s)${opts.inventory ? `, inventory ${opts.inventory}` : ''}`, true);
    // Ctrl-C stops between (checker, account) runs; runs already started complete, so every recorded run is whole.
    result = await withInterrupt(
      'check --all',
      (signal) =>
        runner.runAll({
          tenantId,
          ...(opts.inventory !== undefined ? { inventoryFile: opts.inventory } : {}),
          onProgress: (m) => progress.update(m),
          onEntry: (e, i) => {
            progress.done();
            process.stderr.write(`[${i + 1}] ${entryLine(e)}\n`);
          },
          signal,
        }),
      'the checker runs in progress completed and were recorded; the remaining ones did not run',
    );
  } catch (err) {
    throw withHint(err, tenantId);
  } finally {
    progress.done();
    await store.close();
  }
  if (opts.json) printJson(checkRunAllJson(result));
  else {
    printTable(
      ['Checker', 'Account', 'Status', 'Run', 'Emitted', 'New', 'Still open', 'Resolved', 'Reopened', 'Reason'],
      result.entries.map((e) => [
        e.checkerId,
        e.accountId ?? '',
        e.status,
        e.runId ?? '',
        e.stats?.emitted ?? '',
        e.stats?.new ?? '',
        e.stats?.stillOpen ?? '',
        e.stats?.resolved ?? '',
        e.stats?.reopened ?? '',
        e.reason ?? '',
      ]),
    );
    const t = result.totals;
    process.stdout.write(
      `Total: ${t.runs} run(s), ${t.succeeded} succeeded, ${t.failed} failed, ${t.skipped} skipped; ${t.emitted} emitted, ${t.new} new, ${t.stillOpen} still open, ${t.resolved} resolved, ${t.reopened} reopened\n`,
    );
  }
  if (result.totals.failed > 0) process.exitCode = 1;
}

export function addCheckCommand(program: Command): void {
  const check = program.command('check').description('Run cost-saving checkers against cloud inventory');

  check
    .command('list')
    .description('List the built-in checkers and their config options')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const loaded = await loadCheckers();
      for (const e of loaded.errors) process.stderr.write(`warning: ${e.message}\n`);
      const rows = loaded.checkers.map((c) => ({
        id: c.id,
        version: c.version,
        title: c.title,
        category: c.category,
        inputs: c.inputs,
        config: describeConfig(c),
      }));
      if (opts.json) {
        printJson(rows);
        return;
      }
      printTable(
        ['Checker', 'Version', 'Category', 'Title', 'Config (default)'],
        rows.map((r) => [r.id, r.version, r.category, r.title, r.config.map((o) => `${o.key}=${JSON.stringify(o.default)}`).join('\n')]),
      );
    });

  check
    .command('run')
    .description('Run one checker (--checker) or every checker (--all) for a tenant and update the findings')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--checker <id>', `checker id (${builtinCheckers.map((c) => c.id).join(', ')})`)
    .option('--all', 'run every checker (built-ins and plugins) once per account: inventory accounts, FOCUS sub accounts')
    .option('--account <id>', 'cloud account id (default: the single account found in the inventory or FOCUS data)')
    .option(
      '--inventory <file>',
      'inventory snapshot, e.g. EC2 DescribeInstances JSON ({"Reservations": [...]}); required by inventory checkers (with --all: default the latest lake snapshots)',
    )
    .option('--config <json>', 'checker config as a JSON object (see `finops check list`)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: CheckRunOptions) => {
      const tenantId = parseTenantId(opts.tenant);
      if (opts.all) {
        if (opts.checker !== undefined) throw new CliError('Give either --checker <id> or --all, not both');
        if (opts.account !== undefined || opts.config !== undefined) throw new CliError('--account and --config apply to one checker: leave them out with --all');
        await runAllCommand(tenantId, opts);
        return;
      }
      if (opts.checker === undefined) throw new CliError('Pass --checker <id> (see `finops check list`) or --all');
      // Built-ins plus plugins named in FINOPS_CHECKER_PACKAGES; a plugin that fails to load is reported, not fatal.
      const loaded = await loadCheckers();
      for (const e of loaded.errors) process.stderr.write(`warning: ${e.message}\n`);
      const checker = findChecker(loaded.checkers, opts.checker);
      const config = checker.parseConfig(parseConfigOption(opts.config));
      const progress = new Progress(true);
      const store = await openStore(storeOptionsFromEnv());
      let result: CheckRunResult;
      try {
        await store.assertMigrated();
        const runner = new CheckRunnerService({ prisma: store.prisma, dataDir: storeOptionsFromEnv().dataDir, checkers: loaded.checkers });
        progress.update(`check ${checker.id}: tenant ${tenantId}${opts.inventory ? `, inventory ${opts.inventory}` : ''}`, true);
        result = await runner.runCheck({
          tenantId,
          checkerId: checker.id,
          ...(opts.inventory !== undefined ? { inventoryFile: opts.inventory } : {}),
          config,
          ...(opts.account !== undefined ? { accountId: opts.account } : {}),
          onProgress: (m) => progress.update(m),
        });
      } catch (err) {
        throw withHint(err, tenantId);
      } finally {
        progress.done();
        await store.close();
      }
      if (opts.json) {
        printJson(checkRunJson(result));
        return;
      }
      const s = result.stats;
      process.stdout.write(
        `Check ${result.checkerId} for tenant ${result.tenantId}, account ${result.accountId}: ${result.status} in ${s.durationMs} ms\n`,
      );
      printTable(
        ['Emitted', 'New', 'Still open', 'Resolved', 'Reopened', 'Suppressed', 'Rejected'],
        [[s.emitted, s.new, s.stillOpen, s.resolved, s.reopened, s.suppressed, s.rejected]],
      );
      for (const r of s.rejections) {
        process.stdout.write(`  rejected #${r.index}${r.resourceId ? ` (${r.resourceId})` : ''}: ${r.field}: ${r.reason}\n`);
      }
      process.stdout.write(`Run id:   ${result.runId}\nFindings: ${result.parquetPath}\n`);
    });
}
