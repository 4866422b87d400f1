import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { ageInDays, hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import type { InventoryRecord } from '../../sdk/inventory.ts';

const ID = 'aws/ami-unused';
const VERSION = '1.0.0';

export const amiUnusedChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Unused AMIs keeping their snapshots',
  description:
    'Finds AMIs owned by the account, older than a threshold, that no instance in the inventory was launched from. Deregistering one lets its EBS snapshots be deleted; the saving is those snapshots\' size x the snapshot GB-month price (an upper bound, snapshots being incremental).',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['ec2-image'],
  inputs: { inventory: ['ec2-images', 'ec2-instances', 'ebs-snapshots'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      minAgeDays: z.number().int().min(0).default(90).describe('Only images created at least this many days ago are reported'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Images carrying any of these tag keys are skipped (e.g. golden images kept for rollback)'),
    })
    .strict(),
  docsExample: { minAgeDays: 180, excludeTagKeys: ['finops:ignore', 'golden-image'] },
  *run(ctx) {
    const now = ctx.clock.now();
    const inUse = new Set<string>();
    for (const instance of ownRecords(ctx, 'ec2-instances')) {
      if (instance.ImageId && instance.State?.Name !== 'terminated') inUse.add(instance.ImageId);
    }
    const snapshots = new Map<string, InventoryRecord<'ebs-snapshots'>>();
    for (const s of ownRecords(ctx, 'ebs-snapshots')) if (s.SnapshotId) snapshots.set(s.SnapshotId, s);

    for (const image of ownRecords(ctx, 'ec2-images')) {
      const imageId = image.ImageId;
      if (!imageId || inUse.has(imageId)) continue;
      if (image.State !== 'available' && image.State !== 'disabled') continue;
      if (image.OwnerId !== undefined && image.OwnerId !== ctx.accountId) continue;
      const tags = tagsOf(image.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const age = ageInDays(image.CreationDate, now);
      if (age === undefined || age < ctx.config.minAgeDays) continue;

      let total = new Decimal(0);
      const missing: string[] = [];
      let priceSource: string | null = null;
      let priceRetrieved: string | null = null;
      const snapshotEvidence = (image.BlockDeviceMappings ?? [])
        .filter((m) => m.Ebs?.SnapshotId)
        .map((m) => {
          const snapshotId = m.Ebs?.SnapshotId ?? '';
          const known = snapshots.get(snapshotId);
          const size = known?.VolumeSize ?? m.Ebs?.VolumeSize ?? 0;
          const tier = known?.StorageTier === 'archive' ? 'archive' : 'standard';
          const rate = ctx.pricing.rate(image.Region, AWS_RATE.snapshotGbMonth(tier));
          if (rate) {
            total = total.plus(new Decimal(rate.price).times(size));
            priceSource ??= rate.source;
            priceRetrieved ??= rate.retrieved;
          } else missing.push(`${snapshotId}: ${AWS_RATE.snapshotGbMonth(tier)}`);
          return { snapshotId, sizeGiB: size, storageTier: tier, inInventory: known !== undefined, gbMonthPrice: rate?.price ?? null };
        });
      const priced = missing.length === 0;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: image.Region,
        resourceType: 'ec2-image',
        resourceId: imageId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'low',
        title: `AMI ${imageId}${image.Name ? ` (${image.Name})` : ''} is ${age} days old and no instance uses it`,
        recommendation:
          'Check that no launch template, Auto Scaling group or other account (shared AMIs) still refers to it, then deregister the AMI and delete its snapshots.',
        estimatedMonthlySavings: priced ? money(total) : '0',
        currency: ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        evidence: {
          name: image.Name ?? null,
          state: image.State ?? null,
          creationDate: image.CreationDate ?? null,
          ageDays: age,
          minAgeDays: ctx.config.minAgeDays,
          snapshots: snapshotEvidence,
          savingsFormula: 'sum of its snapshots\' size x snapshot GB-month price: an upper bound, since snapshots are incremental',
          usage: 'no instance in the inventory (any state but terminated) has this ImageId; launch templates and other accounts are not visible',
          priceSource,
          priceRetrieved,
          ...(priced ? {} : { note: `no price for ${missing.join(', ')}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ec2-image', imageId),
      };
      yield finding;
    }
  },
});
