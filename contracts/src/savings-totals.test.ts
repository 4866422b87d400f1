import { describe, expect, it } from 'vitest';
import { castFindings } from './finding-cast.ts';
import type { FindingWireInput } from './finding.schema.ts';
import { type SavingsFinding, SavingsTotalsError, totalSavings } from './savings-totals.ts';

const f = (over: Partial<SavingsFinding> & Pick<SavingsFinding, 'fingerprint' | 'estimatedMonthlySavings'>): SavingsFinding => ({
  currency: 'USD',
  checkId: 'aws/x',
  category: 'waste',
  provider: 'aws',
  accountId: '111111111111',
  ...over,
});

// Overlaps: g-instance = one instance, two alternative checks (same category); g-volume = one volume, two checks in
// two categories; g-tie = equal amounts; g-mixed = one group name in two currencies.
const findings: SavingsFinding[] = [
  f({ fingerprint: 'a1', checkId: 'aws/ec2-graviton', category: 'modernization', estimatedMonthlySavings: '21.024', exclusionGroup: 'g-instance' }),
  f({ fingerprint: 'a2', checkId: 'aws/ec2-previous-generation', category: 'modernization', estimatedMonthlySavings: '8.5', exclusionGroup: 'g-instance' }),
  f({ fingerprint: 'b1', checkId: 'aws/ebs-unattached', category: 'waste', estimatedMonthlySavings: '10', exclusionGroup: 'g-volume' }),
  f({ fingerprint: 'b2', checkId: 'aws/ebs-gp2-to-gp3', category: 'modernization', estimatedMonthlySavings: '2.5', exclusionGroup: 'g-volume' }),
  f({ fingerprint: 'c2', checkId: 'aws/rightsize-b', category: 'rightsizing', estimatedMonthlySavings: '5.000000', exclusionGroup: 'g-tie' }),
  f({ fingerprint: 'c1', checkId: 'aws/rightsize-a', category: 'rightsizing', estimatedMonthlySavings: '5', exclusionGroup: 'g-tie' }),
  f({ fingerprint: 'd1', checkId: 'aws/commitment-coverage', category: 'commitment', estimatedMonthlySavings: '113.555556' }),
  f({ fingerprint: 'd2', checkId: 'aws/cost-anomaly', category: 'anomaly', accountId: '222222222222', estimatedMonthlySavings: '285.174' }),
  f({ fingerprint: 'e1', checkId: 'aws/idle-public-ipv4', category: 'waste', estimatedMonthlySavings: '7', exclusionGroup: 'g-mixed' }),
  f({ fingerprint: 'e2', checkId: 'azure/unused-commitment', provider: 'azure', accountId: 'sub-1', category: 'commitment', currency: 'EUR', estimatedMonthlySavings: '45.5' }),
  f({ fingerprint: 'e3', checkId: 'azure/hybrid-benefit', provider: 'azure', accountId: 'sub-1', category: 'rightsizing', currency: 'EUR', estimatedMonthlySavings: '60' }),
  f({ fingerprint: 'e4', checkId: 'azure/other', provider: 'azure', accountId: 'sub-1', category: 'waste', currency: 'EUR', estimatedMonthlySavings: '9', exclusionGroup: 'g-mixed' }),
];

const sumGroups = (groups: { total: string }[]) => {
  const micro = groups.reduce((acc, g) => acc + BigInt(g.total.replace('.', '')), 0n);
  return `${micro / 1_000_000n}.${String(micro % 1_000_000n).padStart(6, '0')}`;
};

describe('totalSavings', () => {
  it('counts only the largest finding per exclusion group, per currency, exactly', () => {
    const totals = totalSavings(findings);
    // USD: 21.024 (a1 beats a2) + 10 (b1 beats b2) + 5 (c1 wins the tie) + 113.555556 + 285.174 + 7 (e1).
    // EUR: 45.5 + 60 + 9 (e4: g-mixed is resolved per currency, so it does not compete with the USD e1).
    expect(totals.byCurrency).toEqual([
      { currency: 'EUR', total: '114.500000', counted: 3, excluded: 0, groups: [] },
      { currency: 'USD', total: '441.753556', counted: 6, excluded: 3, groups: [] },
    ]);
    expect(totals.excluded).toEqual([
      { fingerprint: 'a2', exclusionGroup: 'g-instance', countedInstead: 'a1' },
      { fingerprint: 'b2', exclusionGroup: 'g-volume', countedInstead: 'b1' },
      { fingerprint: 'c2', exclusionGroup: 'g-tie', countedInstead: 'c1' },
    ]);
  });

  it('puts a group winner in its own bucket and the losers in none, so buckets add up to the tenant total', () => {
    const byCategory = totalSavings(findings, { groupBy: 'category' });
    const usd = byCategory.byCurrency.find((c) => c.currency === 'USD');
    expect(usd?.groups).toEqual([
      { key: 'anomaly', total: '285.174000', counted: 1 },
      { key: 'commitment', total: '113.555556', counted: 1 },
      // b2 (modernization) lost g-volume to b1 (waste): modernization holds only a1.
      { key: 'modernization', total: '21.024000', counted: 1 },
      { key: 'rightsizing', total: '5.000000', counted: 1 },
      { key: 'waste', total: '17.000000', counted: 2 },
    ]);
    for (const groupBy of ['check', 'category', 'provider', 'account'] as const) {
      const totals = totalSavings(findings, { groupBy });
      for (const c of totals.byCurrency) expect(sumGroups(c.groups)).toBe(c.total);
    }
    const byCheck = totalSavings(findings, { groupBy: 'check' }).byCurrency.find((c) => c.currency === 'USD');
    expect(byCheck?.groups.map((g) => g.key)).not.toContain('aws/ec2-previous-generation');
    expect(totalSavings(findings, { groupBy: 'account' }).byCurrency.find((c) => c.currency === 'USD')?.groups).toEqual([
      { key: '111111111111', total: '156.579556', counted: 5 },
      { key: '222222222222', total: '285.174000', counted: 1 },
    ]);
  });

  it('does not depend on input order', () => {
    const reversed = totalSavings([...findings].reverse(), { groupBy: 'check' });
    expect(reversed).toEqual(totalSavings(findings, { groupBy: 'check' }));
  });

  it('keeps exclusion groups inside one tenant', () => {
    const totals = totalSavings([
      f({ fingerprint: 'x1', tenantId: 't1', estimatedMonthlySavings: '3', exclusionGroup: 'g' }),
      f({ fingerprint: 'x2', tenantId: 't2', estimatedMonthlySavings: '4', exclusionGroup: 'g' }),
    ]);
    expect(totals.byCurrency[0]?.total).toBe('7.000000');
  });

  it('adds amounts that floats would round, exactly', () => {
    const many = Array.from({ length: 10 }, (_, i) => f({ fingerprint: `m${i}`, estimatedMonthlySavings: '0.1' }));
    many.push(f({ fingerprint: 'big', estimatedMonthlySavings: '999999999999.999999' }));
    expect(totalSavings(many).byCurrency[0]?.total).toBe('1000000000000.999999');
  });

  it('accepts stored finding records (snake_case) with their fingerprints', () => {
    const wire = (resourceId: string, checkId: string, savings: string, exclusionGroup?: string): FindingWireInput => ({
      provider: 'aws',
      accountId: '111111111111',
      region: 'us-east-1',
      resourceType: 'ec2-instance',
      resourceId,
      checkId,
      checkVersion: '1.0.0',
      category: 'modernization',
      severity: 'medium',
      title: 't',
      recommendation: 'r',
      estimatedMonthlySavings: savings,
      currency: 'USD',
      savingsBasis: 'estimated',
      ...(exclusionGroup ? { exclusionGroup } : {}),
    });
    const { records, rejected } = castFindings(
      [wire('i-1', 'aws/ec2-graviton', '20', 'aws:ec2-instance:i-1:instance-type'), wire('i-1', 'aws/ec2-previous-generation', '8', 'aws:ec2-instance:i-1:instance-type'), wire('i-2', 'aws/ec2-graviton', '1.5')],
      { tenantId: 'demo', runId: 'run_1', observedAt: new Date('2026-11-22T00:00:00Z') },
    );
    expect(rejected).toEqual([]);
    const totals = totalSavings(records, { groupBy: 'check' });
    expect(totals.byCurrency).toEqual([
      { currency: 'USD', total: '21.500000', counted: 2, excluded: 1, groups: [{ key: 'aws/ec2-graviton', total: '21.500000', counted: 2 }] },
    ]);
  });

  it('names the finding and field of bad input', () => {
    expect(() => totalSavings([f({ fingerprint: 'a', estimatedMonthlySavings: '1.5e3' })])).toThrow(SavingsTotalsError);
    expect(() => totalSavings([f({ fingerprint: 'a', estimatedMonthlySavings: '1' }), f({ fingerprint: 'b', estimatedMonthlySavings: '-1' })])).toThrow(/findings\[1\]\.estimatedMonthlySavings/);
    expect(() => totalSavings([f({ fingerprint: 'a', estimatedMonthlySavings: '1', currency: 'usd' })])).toThrow(/findings\[0\]\.currency/);
  });
});
