import { describe, expect, it } from 'vitest';
import { DUPLICATE_FINGERPRINT_REASON, castFindings } from './finding-cast.ts';
import { findingId, fingerprint } from './fingerprint.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

const ctx = { tenantId: 'acme', runId: 'run-2024-06-01', observedAt: new Date('2024-06-01T23:59:59.123Z') };

describe('castFindings', () => {
  it('turns a wire finding into a storage record', () => {
    const { records, rejected } = castFindings([sampleWireFinding({ discriminator: 'gp2', exclusionGroup: 'vol-1' })], ctx);
    expect(rejected).toEqual([]);
    const fp = fingerprint({ tenantId: 'acme', provider: 'aws', accountId: '012345678901', region: 'us-east-1', resourceType: 'ec2:instance', resourceId: 'i-0abc123DEF', checkId: 'aws/idle-ec2', discriminator: 'gp2' });
    expect(records).toEqual([
      {
        tenant_id: 'acme',
        run_id: 'run-2024-06-01',
        run_date: '2024-06-01',
        observed_at: new Date('2024-06-01T23:59:59.123Z'),
        fingerprint: fp,
        finding_id: findingId(fp, 'run-2024-06-01'),
        provider: 'aws',
        account_id: '012345678901',
        region: 'us-east-1',
        resource_type: 'ec2:instance',
        resource_id: 'i-0abc123DEF',
        check_id: 'aws/idle-ec2',
        check_version: '1.0.0',
        category: 'waste',
        severity: 'medium',
        title: 'Idle EC2 instance',
        recommendation: 'Stop or terminate the instance.',
        estimated_monthly_savings: '12.500000',
        currency: 'USD',
        savings_basis: 'estimated',
        observed_monthly_cost: '30.250000',
        evidence: '{"cpuP95":1.5,"window":{"days":14}}',
        tags: { env: 'prod' },
        discriminator: 'gp2',
        exclusion_group: 'vol-1',
      },
    ]);
  });

  it('stores absent optional fields as null', () => {
    const { observedMonthlyCost: _o, ...rest } = sampleWireFinding();
    const [record] = castFindings([{ ...rest, discriminator: '' }], ctx).records;
    expect(record?.observed_monthly_cost).toBeNull();
    expect(record?.discriminator).toBeNull();
    expect(record?.exclusion_group).toBeNull();
  });

  it('rejects bad records without stopping the batch, naming index, resourceId and field', () => {
    const inputs: unknown[] = [
      sampleWireFinding({ resourceId: 'ok-1' }),
      sampleWireFinding({ resourceId: 'too-precise', estimatedMonthlySavings: '0.1234567' }),
      (() => {
        const { title: _t, ...missing } = sampleWireFinding({ resourceId: 'no-title' });
        return missing;
      })(),
      'not an object',
      sampleWireFinding({ resourceId: 'extra', foo: 1 } as never),
      sampleWireFinding({ resourceId: 'float', observedMonthlyCost: 3.14 }),
      sampleWireFinding({ resourceId: 'ok-2' }),
    ];
    const { records, rejected } = castFindings(inputs, ctx);
    expect(records.map((r) => r.resource_id)).toEqual(['ok-1', 'ok-2']);
    expect(rejected).toEqual([
      { index: 1, resourceId: 'too-precise', field: 'estimatedMonthlySavings', reason: expect.stringMatching(/7 fractional digits; at most 6/) },
      { index: 2, resourceId: 'no-title', field: 'title', reason: 'missing required field "title"' },
      { index: 3, field: '', reason: 'record 3 is not an object' },
      { index: 4, resourceId: 'extra', field: 'foo', reason: 'unknown field "foo"' },
      { index: 5, resourceId: 'float', field: 'observedMonthlyCost', reason: expect.stringMatching(/numbers are rejected/) },
    ]);
  });

  it('rejects evidence that has no canonical JSON form instead of throwing', () => {
    const { records, rejected } = castFindings([sampleWireFinding({ resourceId: 'bad', evidence: { note: 'lone \ud800' } }), sampleWireFinding({ resourceId: 'good' })], ctx);
    expect(records.map((r) => r.resource_id)).toEqual(['good']);
    expect(rejected).toEqual([{ index: 0, resourceId: 'bad', field: 'evidence', reason: expect.stringMatching(/^evidence: Lone surrogate/) }]);
  });

  it('keeps the first of duplicate fingerprints and rejects the rest', () => {
    const inputs = [
      sampleWireFinding({ title: 'first', estimatedMonthlySavings: '1' }),
      // Same identity, different case/whitespace and different non-identity fields.
      sampleWireFinding({ title: 'second', region: ' US-EAST-1 ', checkVersion: '2.0.0', estimatedMonthlySavings: '9' }),
      sampleWireFinding({ title: 'other resource', resourceId: 'i-other' }),
      sampleWireFinding({ title: 'third' }),
    ];
    const { records, rejected } = castFindings(inputs, ctx);
    expect(records.map((r) => r.title)).toEqual(['first', 'other resource']);
    expect(rejected).toEqual([
      { index: 1, resourceId: 'i-0abc123DEF', field: 'fingerprint', reason: DUPLICATE_FINGERPRINT_REASON },
      { index: 3, resourceId: 'i-0abc123DEF', field: 'fingerprint', reason: DUPLICATE_FINGERPRINT_REASON },
    ]);
  });

  it('gives distinct fingerprints per tenant and distinct finding ids per run', () => {
    const a = castFindings([sampleWireFinding()], ctx).records[0]!;
    const b = castFindings([sampleWireFinding()], { ...ctx, tenantId: 'globex' }).records[0]!;
    const c = castFindings([sampleWireFinding()], { ...ctx, runId: 'run-2' }).records[0]!;
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(c.fingerprint).toBe(a.fingerprint);
    expect(c.finding_id).not.toBe(a.finding_id);
  });

  it('throws for a bad context, which concerns the whole run', () => {
    expect(() => castFindings([], { ...ctx, observedAt: new Date('nope') })).toThrow(/ctx.observedAt must be a valid Date/);
    expect(() => castFindings([], { ...ctx, observedAt: '2024-06-01' as unknown as Date })).toThrow(/ctx.observedAt/);
    expect(() => castFindings([], { ...ctx, tenantId: ' ' })).toThrow(/ctx.tenantId/);
    expect(() => castFindings([], { ...ctx, runId: '' })).toThrow(/ctx.runId/);
  });

  it('does not share the observedAt Date with the caller', () => {
    const observedAt = new Date('2024-01-01T00:00:00Z');
    const [record] = castFindings([sampleWireFinding()], { ...ctx, observedAt }).records;
    observedAt.setUTCFullYear(2030);
    expect(record?.observed_at.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });
});
