import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateChecker } from '../sdk/define-checker.ts';
import { testCheckerFixture } from '../sdk/fixture.ts';
import { REPO_ROOT } from './generate-docs.ts';
import { checkerExportName, scaffoldChecker, ScaffoldError } from './scaffold.ts';

describe('scaffoldChecker', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'scaffold-'));
    mkdirSync(path.join(root, 'checkers'));
    cpSync(path.join(REPO_ROOT, 'checkers', 'registry.ts'), path.join(root, 'checkers', 'registry.ts'));
    // The scaffolded module imports ../../sdk/* and zod: link them so it can run from the temp root.
    symlinkSync(path.join(REPO_ROOT, 'checkers', 'sdk'), path.join(root, 'checkers', 'sdk'), 'dir');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a module, fixtures and README that pass their own checker test', async () => {
    const result = scaffoldChecker({ root, id: 'aws/idle-widgets', existingIds: ['aws/ec2-graviton'] });
    expect(result.exportName).toBe('idleWidgetsChecker');
    for (const rel of ['idle-widgets.checker.ts', 'README.md', 'fixtures/input.json', 'fixtures/expected-findings.json']) {
      expect(existsSync(path.join(root, 'checkers', 'aws', 'idle-widgets', rel)), rel).toBe(true);
    }
    const registry = readFileSync(result.registry, 'utf8');
    expect(registry).toContain("import { idleWidgetsChecker } from './aws/idle-widgets/idle-widgets.checker.ts';");
    expect(registry.indexOf('  idleWidgetsChecker,')).toBeGreaterThan(registry.indexOf('  natGatewayIdleChecker,'));

    const mod = (await import(pathToFileURL(result.files[0]!).href)) as { idleWidgetsChecker: unknown };
    const checker = validateChecker(mod.idleWidgetsChecker);
    expect(checker.id).toBe('aws/idle-widgets');
    const test = await testCheckerFixture(checker);
    expect(test).toMatchObject({ ok: true, diff: '', findings: [] });
  });

  it('refuses taken ids, existing folders and malformed ids without writing anything', () => {
    const before = readFileSync(path.join(root, 'checkers', 'registry.ts'), 'utf8');
    expect(() => scaffoldChecker({ root, id: 'aws/ec2-graviton', existingIds: ['aws/ec2-graviton'] })).toThrow(/already exists/);
    expect(() => scaffoldChecker({ root, id: 'aws/idle-widgets' })).toThrow(ScaffoldError);
    expect(() => scaffoldChecker({ root, id: 'aws/Bad_Name' })).toThrow(/lowercase kebab-case/);
    expect(() => scaffoldChecker({ root, id: 'oracle/thing' })).toThrow(/provider "oracle"/);
    expect(() => scaffoldChecker({ root: path.join(root, 'nowhere'), id: 'aws/other' })).toThrow(/registry\.ts not found/);
    expect(readFileSync(path.join(root, 'checkers', 'registry.ts'), 'utf8')).toBe(before);
    expect(existsSync(path.join(root, 'checkers', 'aws', 'other'))).toBe(false);
  });

  it('derives export names from kebab-case', () => {
    expect(checkerExportName('ebs-gp2-to-gp3')).toBe('ebsGp2ToGp3Checker');
  });
});
