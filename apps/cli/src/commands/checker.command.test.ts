import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCheckers } from '@openfinops/checkers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runFinopsInProcess as run } from '../../../../test/support/cli-in-process.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SAMPLE = path.join(REPO, 'test', 'plugins', 'sample-plugin');


describe('finops checker', () => {
  let tmp: string;
  let pluginDir: string;
  const previous = process.env.FINOPS_CHECKER_PACKAGES;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'checker-cli-'));
    // A copy of the sample plugin whose expected findings the tests may break; node_modules is linked so
    // its imports resolve as they would for an installed package.
    symlinkSync(path.join(REPO, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    pluginDir = path.join(tmp, 'plugin');
    cpSync(SAMPLE, pluginDir, { recursive: true });
  });

  afterEach(() => {
    if (previous === undefined) delete process.env.FINOPS_CHECKER_PACKAGES;
    else process.env.FINOPS_CHECKER_PACKAGES = previous;
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('list --json shows built-ins and plugins with their metadata, and warns about a broken plugin', async () => {
    process.env.FINOPS_CHECKER_PACKAGES = `${path.join(pluginDir, 'index.ts')},${path.join(REPO, 'test/plugins/broken-plugin/index.ts')}`;
    const { code, stdout, stderr } = await run(['checker', 'list', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.id)).toEqual([...builtinCheckers.map((c) => c.id), 'aws/sample-ebs-unencrypted']);
    expect(rows.find((r) => r.id === 'aws/ebs-gp2-to-gp3')).toEqual({
      id: 'aws/ebs-gp2-to-gp3',
      version: '1.0.0',
      provider: 'aws',
      category: 'modernization',
      severity: 'low',
      inputs: { inventory: ['ebs-volumes'], focus: false },
      title: 'Migrate gp2 EBS volumes to gp3',
      source: 'built-in',
    });
    expect(rows.at(-1)?.source).toBe(path.join(pluginDir, 'index.ts'));
    expect(stderr).toMatch(/broken-plugin.*skipped: sample broken plugin: cannot initialise/);
  });

  it('test passes on a built-in checker', async () => {
    const { code, stdout } = await run(['checker', 'test', 'aws/ebs-unattached']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok aws\/ebs-unattached: 3 findings match /);
  });

  it('test exits 1 with a readable diff on a mismatch, and --update rewrites the expected findings', async () => {
    process.env.FINOPS_CHECKER_PACKAGES = path.join(pluginDir, 'index.ts');
    const expectedFile = path.join(pluginDir, 'fixtures', 'expected-findings.json');
    const good = readFileSync(expectedFile, 'utf8');
    const broken = JSON.parse(good) as Array<Record<string, unknown>>;
    broken[0]!.title = 'An outdated title';
    writeFileSync(expectedFile, JSON.stringify(broken, null, 2));

    const fail = await run(['checker', 'test', 'aws/sample-ebs-unencrypted']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('-    "title": "An outdated title"');
    expect(fail.stdout).toContain('+    "title": "EBS volume vol-0plain000000001 is not encrypted"');
    expect(fail.stderr).toMatch(/findings differ from .*expected-findings\.json/);

    const update = await run(['checker', 'test', 'aws/sample-ebs-unencrypted', '--update']);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/updated .*expected-findings\.json \(1 findings\)/);
    expect(JSON.parse(readFileSync(expectedFile, 'utf8'))).toEqual(JSON.parse(good));

    const again = await run(['checker', 'test', 'aws/sample-ebs-unencrypted']);
    expect(again.code).toBe(0);
  });

  it('test names the known checkers for an unknown id', async () => {
    const { code, stderr } = await run(['checker', 'test', 'aws/nope']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Unknown checker "aws\/nope"; known checkers: .*aws\/ami-unused/);
  });

  it('new scaffolds into --root, registers the checker, and refuses existing ids', async () => {
    const root = path.join(tmp, 'repo');
    mkdirSync(path.join(root, 'checkers'), { recursive: true });
    cpSync(path.join(REPO, 'checkers', 'registry.ts'), path.join(root, 'checkers', 'registry.ts'));

    const created = await run(['checker', 'new', 'aws/ebs-unencrypted', '--root', root]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('ebs-unencrypted.checker.ts');
    const registry = readFileSync(path.join(root, 'checkers', 'registry.ts'), 'utf8');
    expect(registry).toContain("import { ebsUnencryptedChecker } from './aws/ebs-unencrypted/ebs-unencrypted.checker.ts';");
    expect(registry).toMatch(/ {2}ebsUnencryptedChecker,\n {2}\/\/ checker-entries:/);

    const again = await run(['checker', 'new', 'aws/ebs-unencrypted', '--root', root]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const builtin = await run(['checker', 'new', 'aws/ec2-graviton', '--root', root]);
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toMatch(/checker aws\/ec2-graviton already exists/);

    const bad = await run(['checker', 'new', 'AWS/Thing', '--root', root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/lowercase kebab-case/);
  });
});
