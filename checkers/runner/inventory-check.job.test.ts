import { castFindingsToBatch, type FindingColumns } from '@openfinops/contracts';
import { describe, expect, it } from 'vitest';
import { sightingColumnsOf, sightingValue } from './inventory-check.job.ts';

const ctx = { tenantId: 't1', runId: 'run-1', observedAt: new Date('2026-11-22T00:00:00.000Z') };
const scope = { accountId: '012345678901', checkId: 'aws/idle-ec2' };

function finding(resourceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provider: 'aws',
    accountId: scope.accountId,
    region: 'us-east-1',
    resourceType: 'ec2-instance',
    resourceId,
    checkId: scope.checkId,
    checkVersion: '1.0.0',
    category: 'waste',
    severity: 'medium',
    title: `Idle ${resourceId}`,
    recommendation: 'Stop it.',
    estimatedMonthlySavings: '12.5',
    currency: 'USD',
    savingsBasis: 'estimated',
    ...overrides,
  };
}

function columnsOf(inputs: unknown[]): FindingColumns {
  let seen: FindingColumns | undefined;
  castFindingsToBatch(inputs, ctx, { onColumns: (columns) => (seen = columns) });
  return seen!;
}

describe('sightingColumnsOf', () => {
  it('gives every row its values, one value for columns that hold one, null for a missing exclusion group', () => {
    const columns = sightingColumnsOf(
      columnsOf([
        finding('i-1', { exclusionGroup: 'aws:ec2-instance:i-1:size' }),
        finding('i-2', { region: 'eu-west-1', estimatedMonthlySavings: '0.000001', severity: 'low' }),
        finding('i-3', { estimatedMonthlySavings: '1000' }),
      ]),
      scope,
    );
    expect(columns.provider).toEqual({ every: 'aws' });
    expect(columns.currency).toEqual({ every: 'USD' });
    expect(columns.region).toEqual(['us-east-1', 'eu-west-1', 'us-east-1']);
    expect(columns.resourceId).toEqual(['i-1', 'i-2', 'i-3']);
    expect(columns.estimatedMonthlySavings).toEqual(['12.500000', '0.000001', '1000.000000']);
    expect([0, 1, 2].map((i) => sightingValue(columns.severity, i))).toEqual(['medium', 'low', 'medium']);
    expect([0, 1, 2].map((i) => sightingValue(columns.exclusionGroup, i))).toEqual(['aws:ec2-instance:i-1:size', null, null]);
    expect([0, 1, 2].map((i) => sightingValue(columns.title, i))).toEqual(['Idle i-1', 'Idle i-2', 'Idle i-3']);
    expect(columns.fingerprint).toHaveLength(3);
    expect(new Set(columns.fingerprint).size).toBe(3);
  });

  it('keeps a one-row run and an empty run as arrays', () => {
    expect(sightingColumnsOf(columnsOf([finding('i-1')]), scope).provider).toEqual(['aws']);
    expect(sightingColumnsOf(columnsOf([]), scope)).toMatchObject({ fingerprint: [], provider: [], exclusionGroup: [] });
  });

  it('refuses a run with a finding of another account or check, naming the first one', () => {
    const foreign = columnsOf([finding('i-1'), finding('i-2', { accountId: '999999999999' }), finding('i-3', { checkId: 'aws/other' })]);
    expect(() => sightingColumnsOf(foreign, scope)).toThrow(
      'Checker aws/idle-ec2 emitted a finding for aws/idle-ec2 in account 999999999999; a run covers only its own check and account',
    );
    const otherCheck = columnsOf([finding('i-3', { checkId: 'aws/other' })]);
    expect(() => sightingColumnsOf(otherCheck, scope)).toThrow('emitted a finding for aws/other in account 012345678901');
  });
});
