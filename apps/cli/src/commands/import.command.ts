import { type Command } from 'commander';
import type { ConnectorImportReport } from '@openfinops/api';
import { ImportService, openStore, storeOptionsFromEnv, type ImportSummary } from '@openfinops/api/imports';
import { knownFormatIds } from '@openfinops/focus';
import { LakeLayout, parseTenantId, resolveDataDir } from '@openfinops/tenants';
import { CliError, Progress, printJson, printTable } from '../cli-output.ts';
import { withInterrupt } from '../interrupt.ts';

interface ImportOptions {
  /** Required; checked in the action because `import run` shares the flag (commander hands it to this command). */
  tenant?: string;
  format: string;
  json?: boolean;
  strict?: boolean;
  threads?: string;
  memoryLimit?: string;
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new CliError(`--threads must be an integer from 1 to 256, got "${value}"`);
  return n;
}

function parseMemoryLimit(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim())) {
    throw new CliError(`--memory-limit must be a size such as 400MB or 2GB, got "${value}"`);
  }
  return value.trim();
}

/** The --json summary: per billing period and currency, decimal strings only. */
export function importSummaryJson(s: ImportSummary): object {
  return {
    status: s.status,
    runId: s.runId,
    format: s.format,
    sourceKey: s.sourceKey,
    version: s.version,
    files: s.files,
    rows: s.rows,
    durationMs: s.durationMs,
    rowsPerSecond: s.rowsPerSecond,
    phasesMs: s.phasesMs,
    periods: s.totals.map((t) => ({
      billingPeriod: t.billingPeriod,
      provider: t.provider,
      currency: t.currency,
      rows: t.rows,
      billedCost: t.billedCost,
      effectiveCost: t.effectiveCost,
      listCost: t.listCost,
    })),
    partitions: s.partitions.map((p) => ({ billingPeriod: p.billingPeriod, provider: p.provider, source: p.source, rows: p.rows })),
    validation: s.validation,
  };
}

interface ImportRunOptions {
  tenant?: string;
  account?: string;
  json?: boolean;
}

function requireTenant(tenant: string | undefined): string {
  if (tenant === undefined) throw new CliError("required option '--tenant <id>' not specified");
  return parseTenantId(tenant);
}

/** `import run`: the connector import the scheduler runs, once, for one account or every active account of the tenant. */
async function runConnectorImports(opts: ImportRunOptions): Promise<void> {
  const tenantId = requireTenant(opts.tenant);
  // The connectors and their cloud SDKs load only here: a file import (the command's common use) does without them.
  const { CloudAccountService, ConnectorImportError, ConnectorImportService, defaultConnectorRegistry, secretBoxFromEnv } = await import('@openfinops/api');
  const progress = new Progress(Boolean(process.stderr.isTTY));
  const store = await openStore(storeOptionsFromEnv());
  const reports: ConnectorImportReport[] = [];
  const failures: string[] = [];
  try {
    await store.assertMigrated();
    const dataDir = resolveDataDir();
    const secrets = secretBoxFromEnv(process.env, dataDir);
    const registry = defaultConnectorRegistry();
    const service = new ConnectorImportService(store, new LakeLayout(dataDir), secrets, registry);
    const accounts = opts.account
      ? [opts.account]
      : (await new CloudAccountService(store, secrets, registry).list(tenantId)).filter((a) => a.status === 'active').map((a) => a.id);
    if (accounts.length === 0) throw new CliError(`Tenant ${tenantId} has no active cloud account: add one with \`finops account add\``);
    await withInterrupt('import run', async (signal) => {
      for (const accountId of accounts) {
        try {
          reports.push(await service.importAccount(tenantId, accountId, { onProgress: (m) => progress.update(`${accountId}: ${m}`), signal }));
        } catch (err) {
          if (signal.aborted) throw err;
          // Other accounts still run; the partial report of a failed account is printed with the others.
          if (err instanceof ConnectorImportError) reports.push(err.report);
          failures.push(`${accountId}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
  } finally {
    progress.done();
    await store.close();
  }
  if (opts.json) {
    printJson({ tenantId, accounts: reports, failures });
  } else {
    const rows = reports.flatMap((r) =>
      r.periods.map((p) => [
        r.accountId,
        p.billingPeriod,
        p.status,
        p.rows,
        p.totals.map((t) => `${t.billedCost} ${t.currency}`).join('\n'),
        p.error ?? '',
      ]),
    );
    if (rows.length > 0) printTable(['Account', 'Billing period', 'Status', 'Rows', 'BilledCost', 'Error'], rows);
    for (const r of reports) {
      process.stdout.write(`${r.accountId} (${r.provider}): ${r.imported} imported, ${r.skipped} skipped, ${r.failed} failed in ${r.durationMs} ms\n`);
    }
  }
  if (failures.length > 0) throw new CliError(`Import failed for ${failures.length} account(s): ${failures.join('; ')}`);
}

export function addImportCommand(program: Command): void {
  const importCommand = program
    .command('import')
    .description('Import billing exports (AWS CUR 1.0/2.0, AWS FOCUS, FOCUS 1.0-1.2, Azure, GCP billing export, …) into a tenant\'s FOCUS 1.2 lake')
    .argument('<paths...>', 'files or directories (CSV, CSV.gz, CSV.zip, parquet, NDJSON/JSONL/JSON (.gz), or a folder with a CUR manifest)')
    .option('--tenant <id>', 'tenant id (required)')
    .option('--format <id>', `auto, or one of: ${knownFormatIds().join(', ')}`, 'auto')
    .option('--strict', 'fail when the converted rows break an error-level FOCUS rule')
    .option('--json', 'print the summary as JSON')
    .option('--threads <n>', 'DuckDB threads for this import (default 2)')
    .option('--memory-limit <size>', 'DuckDB memory limit for this import, e.g. 256MB (default), 1GB')
    .action(async (paths: string[], opts: ImportOptions) => {
      const tenantId = requireTenant(opts.tenant);
      const threads = parseThreads(opts.threads);
      const memoryLimit = parseMemoryLimit(opts.memoryLimit);
      if (opts.format !== 'auto' && !knownFormatIds().includes(opts.format)) {
        throw new CliError(`Unknown --format "${opts.format}": use auto or one of ${knownFormatIds().join(', ')}`);
      }
      const progress = new Progress(Boolean(process.stderr.isTTY));
      const store = await openStore(storeOptionsFromEnv());
      let summary: ImportSummary;
      try {
        await store.assertMigrated();
        const service = new ImportService(store, new LakeLayout(resolveDataDir()));
        summary = await withInterrupt('import', (signal) =>
          service.import({
            tenantId,
            inputs: paths,
            format: opts.format,
            strictValidation: Boolean(opts.strict),
            onProgress: (m) => progress.update(m),
            threads,
            memoryLimit,
            signal,
          }),
        );
      } finally {
        progress.done();
        await store.close();
      }
      if (opts.json) {
        printJson(importSummaryJson(summary));
        return;
      }
      if (summary.status === 'skipped') {
        process.stdout.write(`Skipped: ${summary.sourceKey} is unchanged since its last import (version ${summary.version.slice(0, 12)})\n`);
        return;
      }
      printTable(
        ['Billing period', 'Provider', 'Currency', 'Rows', 'BilledCost', 'EffectiveCost', 'ListCost'],
        summary.totals.map((t) => [t.billingPeriod, t.provider, t.currency, t.rows, t.billedCost, t.effectiveCost, t.listCost]),
      );
      const v = summary.validation;
      process.stdout.write(
        `Imported ${summary.rows} rows (${summary.format}, source ${summary.sourceKey}) in ${summary.durationMs} ms, ${summary.rowsPerSecond} rows/s` +
          (v ? `; FOCUS validation: ${v.valid ? 'passed' : 'FAILED'} (${v.errors} error rule(s), ${v.warnings} warning rule(s))` : '') +
          '\n',
      );
    });

  importCommand
    .command('run')
    .description('Run the cloud connector import once (what the scheduler does): per billing period skipped/imported, rows, BilledCost')
    .option('--tenant <id>', 'tenant id (required)')
    .option('--account <id>', 'one cloud account (default: every active account of the tenant)')
    .option('--json', 'print the per-account reports as JSON')
    .action(async (_opts: ImportRunOptions, cmd: Command) => {
      // Flags shared with `finops import` are parsed by the parent command; optsWithGlobals merges both.
      await runConnectorImports(cmd.optsWithGlobals<ImportRunOptions>());
    });
}
