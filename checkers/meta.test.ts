import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FindingWireSchema, fingerprint } from '@openfinops/contracts';
import { describe, expect, it } from 'vitest';
import { builtinCheckers, loadCheckers } from './registry.ts';
import { REPO_ROOT, staleDocs } from './scaffold/generate-docs.ts';
import { describeConfig, validateChecker } from './sdk/define-checker.ts';
import { checkerDir, loadExpectedFindings, runCheckerFixture, testCheckerFixture } from './sdk/fixture.ts';

// Every rule below applies to built-ins and to plugins alike; the sample plugin stands in for the latter.
const SAMPLE_PLUGIN = fileURLToPath(new URL('../test/plugins/sample-plugin/index.ts', import.meta.url));
const loaded = await loadCheckers({ env: { FINOPS_CHECKER_PACKAGES: SAMPLE_PLUGIN } });
const all = loaded.checkers;
const EXCLUSION_GROUP = /^(aws|azure|gcp):[a-z0-9][a-z0-9-]*:[^:\s][^\s]*$/;

describe('all checkers', () => {
  it('include the sample plugin, which loaded without errors', () => {
    expect(loaded.errors).toEqual([]);
    expect(all.map((c) => c.id)).toContain('aws/sample-ebs-unencrypted');
    expect(all.length).toBe(builtinCheckers.length + 1);
  });

  it('have unique ids', () => {
    const ids = all.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('register every checker folder of the repository (explicit imports, nothing discovered at run time)', () => {
    const checkersRoot = path.join(REPO_ROOT, 'checkers');
    const folders: string[] = [];
    for (const provider of ['aws', 'azure', 'gcp']) {
      const dir = path.join(checkersRoot, provider);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (existsSync(path.join(dir, name, `${name}.checker.ts`))) folders.push(`${provider}/${name}`);
      }
    }
    expect(folders.sort()).toEqual(builtinCheckers.map((c) => c.id).sort());
  });

  it('have generated docs pages that are up to date (npx tsx checkers/scaffold/generate-docs.ts)', () => {
    expect(staleDocs(REPO_ROOT).map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });
});

describe.each(all.map((c) => [c.id, c] as const))('%s', (_id, checker) => {
  it('passes the definition rules (id, strict config schema, docsExample)', () => {
    expect(validateChecker(checker)).toBe(checker);
    expect(() => checker.parseConfig(checker.docsExample)).not.toThrow();
    expect(() => checker.parseConfig({ notAnOption: 1 })).toThrow(/notAnOption/);
  });

  it('gives every config key a default and a description', () => {
    for (const option of describeConfig(checker)) {
      expect(option.default, option.key).not.toBeUndefined();
      expect(option.description.trim(), option.key).not.toBe('');
    }
  });

  it('has a README and a fixture pair in its folder', () => {
    const dir = checkerDir(checker);
    expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
    expect(existsSync(path.join(dir, 'fixtures', 'input.json'))).toBe(true);
    expect(loadExpectedFindings(dir).findings, 'fixtures/expected-findings.json').toBeDefined();
  });

  it('emits exactly the expected findings for its fixture', async () => {
    const result = await testCheckerFixture(checker);
    expect(result.diff).toBe('');
    expect(result.ok).toBe(true);
    // A fixture that produces nothing proves nothing about the rule.
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it('emits findings that pass the wire contract and name this checker', async () => {
    const { findings } = await runCheckerFixture(checker);
    for (const finding of findings) {
      const parsed = FindingWireSchema.safeParse(finding);
      expect(parsed.success ? [] : parsed.error.issues, finding.resourceId).toEqual([]);
      expect(finding.checkId).toBe(checker.id);
      expect(finding.checkVersion).toBe(checker.version);
      expect(finding.provider).toBe(checker.provider);
      expect(checker.resourceTypes).toContain(finding.resourceType);
      if (finding.exclusionGroup !== undefined) expect(finding.exclusionGroup).toMatch(EXCLUSION_GROUP);
    }
  });

  it('gives stable, unique fingerprints across two runs on the same input', async () => {
    const prints = async () =>
      (await runCheckerFixture(checker)).findings.map((f) => fingerprint({ tenantId: 'meta', ...f }));
    const first = await prints();
    const second = await prints();
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });
});
