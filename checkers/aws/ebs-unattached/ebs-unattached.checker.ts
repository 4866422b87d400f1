import type { FindingWireInput } from '@openfinops/contracts';
import { z } from 'zod';
import { ebsVolumeMonthlyCost } from '../pricing/ebs-cost.ts';
import { ageInDays, hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ebs-unattached';
const VERSION = '1.0.0';

export const ebsUnattachedChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Unattached EBS volumes',
  description:
    'Finds EBS volumes in the "available" state (attached to no instance) created more than a threshold ago; their whole monthly cost is the saving of snapshotting and deleting them.',
  provider: 'aws',
  category: 'waste',
  severity: 'medium',
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      minAgeDays: z
        .number()
        .int()
        .min(0)
        .default(7)
        .describe('Only volumes created at least this many days ago are reported (EC2 does not report when a volume was detached)'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Volumes carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { minAgeDays: 14, excludeTagKeys: ['finops:ignore'] },
  *run(ctx) {
    const now = ctx.clock.now();
    for (const volume of ownRecords(ctx, 'ebs-volumes')) {
      const volumeId = volume.VolumeId;
      if (!volumeId || volume.State !== 'available') continue;
      const tags = tagsOf(volume.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const age = ageInDays(volume.CreateTime, now);
      if (age === undefined || age < ctx.config.minAgeDays) continue;
      const cost = ebsVolumeMonthlyCost(ctx.pricing, volume.Region, {
        volumeType: volume.VolumeType ?? 'unknown',
        sizeGiB: volume.Size ?? 0,
        iops: volume.Iops,
        throughputMiBps: volume.Throughput,
      });
      const monthly = cost.monthly;
      const priced = monthly !== undefined;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: volume.Region,
        resourceType: 'ebs-volume',
        resourceId: volumeId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'medium',
        title: `EBS volume ${volumeId} (${volume.Size ?? '?'} GiB ${volume.VolumeType ?? '?'}) is attached to no instance`,
        recommendation:
          'Check the volume is not needed (tags, recent snapshots), create a snapshot if its data may be needed later, then delete the volume.',
        estimatedMonthlySavings: priced ? money(monthly) : '0',
        currency: ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(priced ? { observedMonthlyCost: money(monthly) } : {}),
        evidence: {
          state: volume.State,
          volumeType: volume.VolumeType ?? null,
          sizeGiB: volume.Size ?? null,
          iops: volume.Iops ?? null,
          throughputMiBps: volume.Throughput ?? null,
          createTime: volume.CreateTime ?? null,
          ageDays: age,
          minAgeDays: ctx.config.minAgeDays,
          availabilityZone: volume.AvailabilityZone ?? null,
          snapshotId: volume.SnapshotId ?? null,
          costParts: cost.parts,
          savingsFormula: 'the volume\'s monthly list cost: size x GB-month price + provisioned IOPS/throughput',
          priceSource: cost.priceSource,
          priceRetrieved: cost.priceRetrieved,
          ...(priced ? {} : { note: `no price for ${cost.missing.join(', ')} in ${volume.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ebs-volume', volumeId),
      };
      yield finding;
    }
  },
});
