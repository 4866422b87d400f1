import { describe, expect, it } from 'vitest';
import { collectFindings, createCheckerContext, fixedClock } from '../../sdk/context.ts';
import type { Checker } from '../../sdk/define-checker.ts';
import { parseInventoryDocument } from '../../sdk/inventory.ts';
import { ec2GravitonChecker } from '../ec2-graviton/ec2-graviton.checker.ts';
import { ec2StoppedWithVolumesChecker } from '../ec2-stopped-with-volumes/ec2-stopped-with-volumes.checker.ts';
import { awsPricing } from '../pricing/ec2-pricing.ts';
import { currentGenerationTarget, ec2PreviousGenerationChecker } from './ec2-previous-generation.checker.ts';

const ACCOUNT = '123456789012';
const inventory = (doc: unknown) => parseInventoryDocument(doc, 'test', { accountId: ACCOUNT });

async function run<C>(checker: Checker<C>, doc: unknown, config?: unknown) {
  const ctx = createCheckerContext(checker, {
    tenantId: 't',
    accountId: ACCOUNT,
    inventory: inventory(doc),
    pricing: awsPricing(),
    config,
    clock: fixedClock(new Date('2026-11-22T00:00:00Z')),
  });
  return collectFindings(checker, ctx);
}

describe('aws/ec2-previous-generation', () => {
  it.each([
    ['m4.xlarge', 'm6i.xlarge'],
    ['t2.micro', 't3.micro'],
    ['c3.8xlarge', 'c6i.8xlarge'],
    ['r4.16xlarge', 'r6i.16xlarge'],
    ['d2.2xlarge', 'd3.2xlarge'],
    ['m3.medium', undefined],
    ['m4.10xlarge', undefined],
    ['m5.large', undefined],
    ['m4', undefined],
  ])('maps %s to %s', (from, to) => {
    expect(currentGenerationTarget(from)).toBe(to);
  });

  it('shares the instance-type exclusion group with ec2-graviton for the same instance', async () => {
    const doc = {
      'ec2-instances': [
        { InstanceId: 'i-shared', InstanceType: 'm4.large', Architecture: 'x86_64', State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' } },
      ],
    };
    const [prev] = await run(ec2PreviousGenerationChecker, doc);
    const [grav] = await run(ec2GravitonChecker, doc);
    expect(prev?.exclusionGroup).toBe('aws:ec2-instance:i-shared:instance-type');
    expect(grav?.exclusionGroup).toBe(prev?.exclusionGroup);
    // Alternatives: (0.10 - 0.096) x 730 for m6i, (0.10 - 0.077) x 730 for m6g.
    expect([prev?.estimatedMonthlySavings, grav?.estimatedMonthlySavings]).toEqual(['2.92', '16.79']);
  });

  it('honours minMonthlySavings and hoursPerMonth', async () => {
    const doc = {
      'ec2-instances': [
        { InstanceId: 'i-a', InstanceType: 'm4.large', State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' } },
        { InstanceId: 'i-b', InstanceType: 'c4.xlarge', State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' } },
      ],
    };
    const findings = await run(ec2PreviousGenerationChecker, doc, { hoursPerMonth: 100, minMonthlySavings: '1' });
    // m4.large: 0.004 x 100 = 0.4 < 1 → skipped; c4.xlarge: 0.029 x 100 = 2.9.
    expect(findings.map((f) => [f.resourceId, f.estimatedMonthlySavings])).toEqual([['i-b', '2.9']]);
  });
});

describe('aws/ec2-stopped-with-volumes thresholds', () => {
  const doc = {
    'ec2-instances': [
      { InstanceId: 'i-s', InstanceType: 'm5.large', State: { Name: 'stopped' }, StateTransitionReason: 'User initiated (2026-11-01 00:00:00 GMT)', Placement: { AvailabilityZone: 'us-east-1a' } },
    ],
    'ebs-volumes': [{ VolumeId: 'vol-1', VolumeType: 'gp3', Size: 10, State: 'in-use', AvailabilityZone: 'us-east-1a', Attachments: [{ InstanceId: 'i-s' }] }],
  };

  it('reports a 21-day stop only when minStoppedDays allows it', async () => {
    expect(await run(ec2StoppedWithVolumesChecker, doc)).toEqual([]);
    const findings = await run(ec2StoppedWithVolumesChecker, doc, { minStoppedDays: 21 });
    expect(findings.map((f) => [f.resourceId, f.estimatedMonthlySavings, f.evidence?.stoppedDays])).toEqual([['i-s', '0.8', 21]]);
  });
});
