import { describe, expect, it } from 'vitest';
import { FINDING_STATUSES, FindingWireSchema, PROVIDERS } from './finding.schema.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  const result = FindingWireSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('FindingWireSchema', () => {
  it('accepts a valid finding and fills defaults', () => {
    const { evidence: _e, tags: _t, observedMonthlyCost: _o, ...minimal } = sampleWireFinding();
    const parsed = FindingWireSchema.parse(minimal);
    expect(parsed.evidence).toEqual({});
    expect(parsed.tags).toEqual({});
    expect(parsed.observedMonthlyCost).toBeUndefined();
    expect(parsed.accountId).toBe('012345678901');
  });

  it('trims identity text', () => {
    expect(FindingWireSchema.parse(sampleWireFinding({ resourceId: '  i-1 ' })).resourceId).toBe('i-1');
  });

  it('rejects numeric money to keep floats out', () => {
    const issues = issuesOf(sampleWireFinding({ estimatedMonthlySavings: 12.5 }));
    expect(issues).toEqual([{ path: 'estimatedMonthlySavings', message: expect.stringMatching(/decimal string.*numbers are rejected/) }]);
  });

  it('rejects more than 6 significant fractional digits, naming the field', () => {
    expect(issuesOf(sampleWireFinding({ estimatedMonthlySavings: '1.0000001' }))).toEqual([
      { path: 'estimatedMonthlySavings', message: expect.stringMatching(/^estimatedMonthlySavings: "1.0000001" has 7 fractional digits/) },
    ]);
    expect(issuesOf(sampleWireFinding({ observedMonthlyCost: '2.1234567' }))[0]?.path).toBe('observedMonthlyCost');
    // Trailing zeros are not significant.
    expect(issuesOf(sampleWireFinding({ estimatedMonthlySavings: '1.500000000' }))).toEqual([]);
  });

  it('rejects negative savings but allows negative observed cost (credits)', () => {
    expect(issuesOf(sampleWireFinding({ estimatedMonthlySavings: '-1' }))[0]?.message).toMatch(/negative/);
    expect(issuesOf(sampleWireFinding({ observedMonthlyCost: '-3.5' }))).toEqual([]);
    expect(issuesOf(sampleWireFinding({ observedMonthlyCost: null }))).toEqual([]);
  });

  it('rejects out-of-range money', () => {
    expect(issuesOf(sampleWireFinding({ estimatedMonthlySavings: '1000000000000' }))[0]?.message).toMatch(/out of range for DECIMAL\(18,6\)/);
  });

  it('keeps account ids as strings only', () => {
    expect(issuesOf(sampleWireFinding({ accountId: 12345678901 }))[0]?.path).toBe('accountId');
    expect(issuesOf(sampleWireFinding({ accountId: '  ' }))[0]).toEqual({ path: 'accountId', message: 'must not be empty' });
  });

  it.each([
    ['checkId', 'AWS/Idle'],
    ['checkId', 'idle-ec2'],
    ['checkVersion', 'v1.0.0'],
    ['checkVersion', '1.0'],
    ['currency', 'usd'],
    ['currency', 'USDT'],
    ['provider', 'oracle'],
    ['category', 'savings'],
    ['severity', 'urgent'],
    ['savingsBasis', 'guess'],
    ['evidence', [1, 2]],
    ['evidence', { at: new Date(0) }],
    ['evidence', { n: Number.NaN }],
    ['tags', { env: 1 }],
    ['exclusionGroup', ''],
  ])('rejects %s = %j', (field, value) => {
    const issues = issuesOf(sampleWireFinding({ [field]: value }));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.path.split('.')[0]).toBe(field);
  });

  it('accepts semver pre-release and build metadata', () => {
    expect(issuesOf(sampleWireFinding({ checkVersion: '2.0.0-beta.1+build.5' }))).toEqual([]);
  });

  it('rejects unknown fields (strict)', () => {
    const result = FindingWireSchema.safeParse({ ...sampleWireFinding(), estimated_monthly_savings: '1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['estimated_monthly_savings'] });
  });

  it('exports the enums as const arrays', () => {
    expect(PROVIDERS).toEqual(['aws', 'azure', 'gcp']);
    expect(FINDING_STATUSES).toEqual(['open', 'resolved', 'suppressed']);
  });
});
