import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, loadSelectedCommand, registerCommands, selectedCommand } from './index.ts';

const exec = promisify(execFile);
const CLI_SRC = path.resolve(import.meta.dirname, '..');

/** Runs main() for `args` in a fresh process and reports which packages it loaded (CommonJS ones land in require.cache). */
async function packagesLoadedBy(args: string[]): Promise<{ stdout: string; nest: boolean; awsSdk: boolean }> {
  const script = [
    "import { createRequire } from 'node:module';",
    `const { main } = await import(${JSON.stringify(path.join(CLI_SRC, 'main.ts'))});`,
    `const code = await main(['node', 'finops', ...${JSON.stringify(args)}]);`,
    'const loaded = Object.keys(createRequire(import.meta.url).cache);',
    "process.stdout.write(JSON.stringify({ code, nest: loaded.some((f) => f.includes('/@nestjs/core/')), awsSdk: loaded.some((f) => f.includes('/@aws-sdk/')) }));",
  ].join('\n');
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: CLI_SRC, timeout: 60_000 });
  const marker = stdout.lastIndexOf('{"code"');
  const result = JSON.parse(stdout.slice(marker)) as { code: number; nest: boolean; awsSdk: boolean };
  expect(result.code).toBe(0);
  return { stdout: stdout.slice(0, marker), nest: result.nest, awsSdk: result.awsSdk };
}

describe('lazy command registry', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: its module registers exactly that command', async (name, entry) => {
    const program = new Command();
    (await entry.load())(program);
    expect(program.commands.map((c) => c.name())).toEqual([name]);
  });

  it('selects the command argv runs or asks help for', () => {
    expect(selectedCommand(['node', 'finops', 'import', 'a.csv', '--tenant', 't'])).toBe('import');
    expect(selectedCommand(['node', 'finops', '--json', 'focus', 'totals'])).toBe('focus');
    expect(selectedCommand(['node', 'finops', 'help', 'runs'])).toBe('runs');
    expect(selectedCommand(['node', 'finops', '--help'])).toBeUndefined();
    expect(selectedCommand(['node', 'finops', 'imprt'])).toBeUndefined();
  });

  it('registers the selected command with its options and the others by name only', async () => {
    const program = new Command();
    registerCommands(program, await loadSelectedCommand(['node', 'finops', 'import', 'x.csv']));
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
    const byName = new Map(program.commands.map((c) => [c.name(), c]));
    expect(byName.get('import')?.options.map((o) => o.long)).toContain('--tenant');
    expect(byName.get('db')?.options).toEqual([]);
    expect(byName.get('db')?.summary()).toBe(COMMANDS.find((c) => c.name === 'db')?.summary);
  });

  it('a stub run without its implementation says so instead of doing nothing', async () => {
    const program = new Command().exitOverride();
    registerCommands(program);
    await expect(program.parseAsync(['node', 'finops', 'tenant', 'list'])).rejects.toThrow(/registered without its implementation/);
  });

  it('finops --help and finops import --help do not load the API app or the cloud SDKs', async () => {
    const help = await packagesLoadedBy(['--help']);
    expect(help.stdout).toContain('import');
    expect(help).toMatchObject({ nest: false, awsSdk: false });
    const importHelp = await packagesLoadedBy(['import', '--help']);
    expect(importHelp.stdout).toContain('--tenant <id>');
    expect(importHelp).toMatchObject({ nest: false, awsSdk: false });
    // The check sees these packages when a command does load them (tenant imports the API package's main entry).
    expect(await packagesLoadedBy(['tenant', '--help'])).toMatchObject({ nest: true, awsSdk: true });
  });
});
