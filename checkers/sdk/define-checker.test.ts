import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectFindings, createCheckerContext, fixedClock, UndeclaredInputError } from './context.ts';
import { CheckerConfigError, CheckerDefinitionError, defineChecker, describeConfig } from './define-checker.ts';

const base = {
  id: 'aws/test-check',
  version: '0.1.0',
  title: 'Test',
  description: 'A test checker',
  provider: 'aws' as const,
  category: 'waste' as const,
  severity: 'low' as const,
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes' as const] },
  configSchema: z.object({ minAgeDays: z.number().int().default(7).describe('Minimum age in days') }).strict(),
  docsExample: { minAgeDays: 14 },
  run: () => [],
};

describe('defineChecker', () => {
  it('returns a checker whose config defaults apply', () => {
    const checker = defineChecker(base);
    expect(checker.parseConfig(undefined)).toEqual({ minAgeDays: 7 });
    expect(describeConfig(checker)).toEqual([{ key: 'minAgeDays', default: 7, description: 'Minimum age in days' }]);
  });

  it.each([
    ['a bad id', { id: 'Test' }, /id must look like/],
    ['an id of another provider', { id: 'azure/test-check' }, /start with its provider/],
    ['a non-semver version', { version: '1.0' }, /semver/],
    ['no resource types', { resourceTypes: [] }, /resourceTypes/],
    ['a non-strict schema', { configSchema: z.object({ a: z.number().default(1).describe('a') }) }, /strict/],
    ['a key without default', { configSchema: z.object({ a: z.number().describe('a') }).strict(), docsExample: { a: 1 } }, /"a" needs a default/],
    ['a key without description', { configSchema: z.object({ a: z.number().default(1) }).strict(), docsExample: {} }, /"a" needs a \.describe/],
    ['a docsExample not matching the schema', { docsExample: { minAgeDays: 'x' } }, /docsExample/],
  ])('rejects %s', (_name, over, pattern) => {
    expect(() => defineChecker({ ...base, ...over } as typeof base)).toThrow(CheckerDefinitionError);
    expect(() => defineChecker({ ...base, ...over } as typeof base)).toThrow(pattern);
  });

  it('names the field of a bad config value', () => {
    const checker = defineChecker(base);
    expect(() => checker.parseConfig({ minAgeDays: 'x' })).toThrow(CheckerConfigError);
    expect(() => checker.parseConfig({ minAgeDays: 'x' })).toThrow(/aws\/test-check: minAgeDays/);
  });
});

describe('checker context', () => {
  it('gives only declared inventory kinds', () => {
    const checker = defineChecker(base);
    const ctx = createCheckerContext(checker, {
      tenantId: 'demo',
      accountId: '123456789012',
      inventory: { 'ebs-volumes': [{ VolumeId: 'vol-1', Region: 'us-east-1', AccountId: '123456789012' }] },
    });
    expect(ctx.inputs.inventory('ebs-volumes')).toHaveLength(1);
    expect(() => ctx.inputs.inventory('ec2-instances')).toThrow(UndeclaredInputError);
  });

  it('collects findings from async generators and uses the injected clock', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const checker = defineChecker({
      ...base,
      async *run(ctx) {
        yield {
          provider: 'aws',
          accountId: ctx.accountId,
          region: 'us-east-1',
          resourceType: 'ebs-volume',
          resourceId: `vol-${ctx.clock.now().toISOString()}`,
          checkId: 'aws/test-check',
          checkVersion: '0.1.0',
          category: 'waste',
          severity: 'low',
          title: 't',
          recommendation: 'r',
          estimatedMonthlySavings: String(ctx.config.minAgeDays),
          currency: 'USD',
          savingsBasis: 'estimated',
        };
      },
    });
    const ctx = createCheckerContext(checker, { tenantId: 'demo', accountId: '1', config: { minAgeDays: 3 }, clock: fixedClock(at) });
    const findings = await collectFindings(checker, ctx);
    expect(findings.map((f) => [f.resourceId, f.estimatedMonthlySavings])).toEqual([[`vol-${at.toISOString()}`, '3']]);
  });
});
