import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { ageInDays, hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ebs-snapshot-old';
const VERSION = '1.0.0';

export const ebsSnapshotOldChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Old EBS snapshots no image uses',
  description:
    'Finds completed snapshots owned by the account, older than a threshold and not referenced by any owned AMI. The saving is an upper bound: snapshots are incremental, so deleting one frees only the blocks no other snapshot shares, at most its volume size.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['ebs-snapshot'],
  inputs: { inventory: ['ebs-snapshots', 'ec2-images'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      minAgeDays: z.number().int().min(0).default(90).describe('Only snapshots started at least this many days ago are reported'),
      excludeTagKeys: z
        .array(z.string().min(1))
        .default(['finops:ignore', 'aws:backup:source-resource'])
        .describe('Snapshots carrying any of these tag keys are skipped (AWS Backup tags its recovery points with aws:backup:source-resource; its retention rules own them)'),
    })
    .strict(),
  docsExample: { minAgeDays: 180, excludeTagKeys: ['finops:ignore', 'aws:backup:source-resource', 'retention'] },
  *run(ctx) {
    const now = ctx.clock.now();
    const monthlyByPriceAndSize = new Map<string, string>();
    const referenced = new Map<string, string>();
    for (const image of ownRecords(ctx, 'ec2-images')) {
      for (const m of image.BlockDeviceMappings ?? []) {
        if (m.Ebs?.SnapshotId && image.ImageId) referenced.set(m.Ebs.SnapshotId, image.ImageId);
      }
    }
    for (const snapshot of ownRecords(ctx, 'ebs-snapshots')) {
      const snapshotId = snapshot.SnapshotId;
      if (!snapshotId || snapshot.State !== 'completed') continue;
      if (snapshot.OwnerId !== undefined && snapshot.OwnerId !== ctx.accountId) continue;
      if (referenced.has(snapshotId)) continue;
      const tags = tagsOf(snapshot.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const age = ageInDays(snapshot.StartTime, now);
      if (age === undefined || age < ctx.config.minAgeDays) continue;
      const tier = snapshot.StorageTier === 'archive' ? 'archive' : 'standard';
      const size = snapshot.VolumeSize ?? 0;
      const rate = ctx.pricing.rate(snapshot.Region, AWS_RATE.snapshotGbMonth(tier));
      let monthly: string | undefined;
      if (rate) {
        // One decimal product per (price, size) pair rather than per snapshot.
        const key = `${rate.price}\u0000${size}`;
        monthly = monthlyByPriceAndSize.get(key);
        if (monthly === undefined) {
          monthly = money(new Decimal(rate.price).times(size));
          monthlyByPriceAndSize.set(key, monthly);
        }
      }
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: snapshot.Region,
        resourceType: 'ebs-snapshot',
        resourceId: snapshotId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'low',
        title: `EBS snapshot ${snapshotId} (${size} GiB) is ${age} days old and used by no AMI`,
        recommendation:
          'Confirm no restore or retention policy needs it, then delete it. If it must be kept for a long time and is rarely restored, move it to the archive tier instead.',
        estimatedMonthlySavings: monthly ?? '0',
        currency: rate?.currency ?? ctx.pricing.currency,
        savingsBasis: monthly ? 'estimated' : 'unknown',
        evidence: {
          volumeSizeGiB: size,
          storageTier: tier,
          startTime: snapshot.StartTime ?? null,
          ageDays: age,
          minAgeDays: ctx.config.minAgeDays,
          sourceVolumeId: snapshot.VolumeId ?? null,
          description: snapshot.Description ?? null,
          gbMonthPrice: rate?.price ?? null,
          savingsFormula: 'volume size x snapshot GB-month price: an upper bound, since snapshots are incremental and share unchanged blocks',
          priceSource: rate?.source ?? null,
          priceRetrieved: rate?.retrieved ?? null,
          ...(monthly ? {} : { note: `no ${tier} snapshot price for ${snapshot.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ebs-snapshot', snapshotId),
      };
      yield finding;
    }
  },
});
