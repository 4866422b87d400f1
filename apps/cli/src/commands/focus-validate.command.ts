import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Command } from 'commander';
import { validateFocusParquet, type FocusRuleResult, type FocusValidationReport } from '@openfinops/focus';
import { LakeLayout, resolveDataDir } from '@openfinops/tenants';
import { CliError, printJson, printTable } from '../cli-output.ts';

interface ValidateOptions {
  tenant?: string;
  json?: boolean;
  sampleLimit: string;
}

const GLOB_CHARS = /[*?[]/;

function parseSampleLimit(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--sample-limit must be a non-negative integer, got "${raw}"`);
  return n;
}

/** Parquet files under a tenant's FOCUS partitions (billing_period=/provider=/source=/*.parquet). */
function tenantParquetFiles(tenantId: string): { glob: string; found: boolean } {
  const layout = new LakeLayout(resolveDataDir());
  const glob = layout.focusGlob(tenantId);
  const dir = layout.focusTenantDir(tenantId);
  const found = existsSync(dir) && readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.parquet'));
  return { glob, found };
}

function resolveInputs(paths: string[], opts: ValidateOptions): string[] {
  if (opts.tenant !== undefined && paths.length > 0) throw new CliError('Give either --tenant <id> or parquet paths, not both');
  if (opts.tenant !== undefined) {
    const { glob, found } = tenantParquetFiles(opts.tenant);
    if (!found) throw new CliError(`No FOCUS data for tenant "${opts.tenant}": no parquet files match ${glob}`);
    return [glob];
  }
  if (paths.length === 0) throw new CliError('Give --tenant <id> or at least one parquet path');
  return paths.map((p) => {
    const abs = path.resolve(p);
    if (!GLOB_CHARS.test(p) && !existsSync(abs)) throw new CliError(`Parquet file not found: ${p}`);
    return abs;
  });
}

function firstSample(rule: FocusRuleResult): string {
  const sample = rule.samples[0];
  if (!sample) return '';
  const text = JSON.stringify(sample);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function printReport(report: FocusValidationReport): void {
  const failed = report.rules.filter((r) => r.failed > 0);
  const skipped = report.rules.filter((r) => r.skipped !== undefined).length;
  if (failed.length > 0) {
    printTable(
      ['Severity', 'Rule', 'Column', 'Failed', 'Checked', 'Example'],
      failed.map((r) => [r.severity, r.id, r.column, r.failed, r.checked, firstSample(r)]),
    );
  }
  const evaluated = report.rules.length - skipped;
  process.stdout.write(
    `FOCUS ${report.version}: ${report.rowCount} rows, ${evaluated} rules evaluated, ${skipped} not applicable; ` +
      `${report.errors} error rule(s), ${report.warnings} warning rule(s) failed → ${report.passed ? 'PASSED' : 'FAILED'}\n`,
  );
  if (report.ignoredColumns.length > 0) process.stdout.write(`Ignored custom columns: ${report.ignoredColumns.join(', ')}\n`);
}

/** `finops focus validate`: registered on the `focus` command group. Exit code 1 when an error-severity rule fails. */
export function addFocusValidateCommand(focusCommand: Command): Command {
  return focusCommand
    .command('validate')
    .description('Check FOCUS 1.2 conformance of a tenant\'s FOCUS lake or of parquet files (exit 1 on any error rule)')
    .argument('[paths...]', 'parquet files or globs to validate as one dataset')
    .option('--tenant <id>', 'validate the tenant\'s FOCUS data in the lake')
    .option('--sample-limit <n>', 'failing rows to show per rule', '5')
    .option('--json', 'print the full report as JSON')
    .action(async (paths: string[], opts: ValidateOptions) => {
      const sampleLimit = parseSampleLimit(opts.sampleLimit);
      const inputs = resolveInputs(paths, opts);
      const report = await validateFocusParquet(inputs, { sampleLimit });
      if (opts.json) printJson(report);
      else printReport(report);
      if (!report.passed) throw new CliError(`FOCUS validation failed: ${report.errors} error rule(s) failed`);
    });
}
