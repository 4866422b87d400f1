import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command } from 'commander';
import { findChecker, loadCheckers, scaffoldChecker, testCheckerFixture, type LoadedCheckers } from '@openfinops/checkers';
import { CliError, printJson, printTable } from '../cli-output.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Built-ins plus `FINOPS_CHECKER_PACKAGES` plugins; a plugin that fails is reported on stderr and skipped. */
async function loadAll(): Promise<LoadedCheckers> {
  const loaded = await loadCheckers({ env: process.env });
  for (const e of loaded.errors) process.stderr.write(`warning: ${e.message}\n`);
  return loaded;
}

export function addCheckerCommand(program: Command): void {
  const checker = program.command('checker').description('Checker development: list, scaffold and test checkers against their fixtures');

  checker
    .command('list')
    .description('List built-in and plugin checkers (plugins from FINOPS_CHECKER_PACKAGES)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { checkers, origins } = await loadAll();
      const rows = checkers.map((c) => ({
        id: c.id,
        version: c.version,
        provider: c.provider,
        category: c.category,
        severity: c.severity,
        inputs: { inventory: [...(c.inputs.inventory ?? [])], focus: c.inputs.focus ?? false },
        title: c.title,
        source: origins.get(c.id) ?? 'built-in',
      }));
      if (opts.json) {
        printJson(rows);
        return;
      }
      printTable(
        ['Checker', 'Version', 'Provider', 'Category', 'Severity', 'Inputs', 'Title', 'Source'],
        rows.map((r) => [
          r.id,
          r.version,
          r.provider,
          r.category,
          r.severity,
          [...r.inputs.inventory, ...(r.inputs.focus ? ['focus'] : [])].join('\n'),
          r.title,
          r.source,
        ]),
      );
    });

  checker
    .command('new')
    .description('Scaffold checkers/<provider>/<name>/ (module, fixtures, README) and register it in checkers/registry.ts')
    .argument('<id>', 'checker id, <provider>/<name>, e.g. aws/ebs-unencrypted')
    .option('--root <dir>', 'repository root to scaffold into', REPO_ROOT)
    .action(async (id: string, opts: { root: string }) => {
      const { checkers } = await loadAll();
      let result;
      try {
        result = scaffoldChecker({ root: path.resolve(opts.root), id, existingIds: checkers.map((c) => c.id) });
      } catch (err) {
        if ((err as { code?: string }).code === 'CHECKER_SCAFFOLD') throw new CliError((err as Error).message);
        throw err;
      }
      const rel = (f: string) => path.relative(process.cwd(), f) || f;
      process.stdout.write(
        [
          `Created ${result.id}:`,
          ...result.files.map((f) => `  ${rel(f)}`),
          `Registered ${result.exportName} in ${rel(result.registry)}`,
          'Next: edit the module and fixtures/input.json, then',
          `  npx finops checker test ${result.id} --update   # review the diff of expected-findings.json`,
          '  npx tsx checkers/scaffold/generate-docs.ts      # its docs/checkers page',
          '  npx vitest run checkers/meta.test.ts',
          '',
        ].join('\n'),
      );
    });

  checker
    .command('test')
    .description("Run a checker on its fixtures/input.json (the fixture's clock) and compare with fixtures/expected-findings.json")
    .argument('<id>', 'checker id')
    .option('--update', 'rewrite expected-findings.json with the actual findings')
    .action(async (id: string, opts: { update?: boolean }) => {
      const { checkers } = await loadAll();
      const target = findChecker(checkers, id);
      const result = await testCheckerFixture(target, { update: opts.update === true });
      const rel = path.relative(process.cwd(), result.expectedFile) || result.expectedFile;
      if (result.updated) {
        process.stdout.write(`${result.diff}\nupdated ${rel} (${result.findings.length} findings)\n`);
        return;
      }
      if (!result.ok) {
        process.stdout.write(result.diff);
        throw new CliError(`${id}: findings differ from ${rel} (see the diff above; --update rewrites it)`);
      }
      process.stdout.write(`ok ${id}: ${result.findings.length} findings match ${rel}\n`);
    });
}
