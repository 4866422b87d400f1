import type { FindingWireInput } from '@openfinops/contracts';
import { z } from 'zod';
import { ebsVolumeMonthlyCost } from '../pricing/ebs-cost.ts';
import { hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ebs-io1-to-io2';
const VERSION = '1.0.0';

export const ebsIo1ToIo2Checker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Migrate io1 EBS volumes to io2',
  description:
    'Finds io1 volumes and prices the same size and provisioned IOPS on io2: io2 costs the same per GB and per IOPS up to 32,000 IOPS and less above (tiered), with 100x the durability. Whether the provisioned IOPS are more than the workload needs cannot be told without CloudWatch metrics, so this check does not judge it.',
  provider: 'aws',
  category: 'modernization',
  severity: 'low',
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      reportWithoutSavings: z
        .boolean()
        .default(true)
        .describe('Also report io1 volumes where io2 costs the same (the gain is durability, not money)'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Volumes carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { reportWithoutSavings: false, excludeTagKeys: ['finops:ignore'] },
  *run(ctx) {
    for (const volume of ownRecords(ctx, 'ebs-volumes')) {
      const volumeId = volume.VolumeId;
      if (!volumeId || volume.VolumeType !== 'io1') continue;
      if (volume.State !== 'in-use' && volume.State !== 'available') continue;
      const tags = tagsOf(volume.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const spec = { sizeGiB: volume.Size ?? 0, iops: volume.Iops ?? 0 };
      const io1 = ebsVolumeMonthlyCost(ctx.pricing, volume.Region, { ...spec, volumeType: 'io1' });
      const io2 = ebsVolumeMonthlyCost(ctx.pricing, volume.Region, { ...spec, volumeType: 'io2' });
      const savings = io1.monthly !== undefined && io2.monthly !== undefined ? io1.monthly.minus(io2.monthly) : undefined;
      const priced = savings !== undefined;
      if (savings !== undefined && savings.lt(0)) continue;
      if (savings !== undefined && savings.isZero() && !ctx.config.reportWithoutSavings) continue;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: volume.Region,
        resourceType: 'ebs-volume',
        resourceId: volumeId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'modernization',
        severity: 'low',
        title: `Change EBS volume ${volumeId} (${spec.sizeGiB} GiB, ${spec.iops} IOPS) from io1 to io2`,
        recommendation: `Modify the volume to io2 with the same ${spec.iops} IOPS (aws ec2 modify-volume --volume-type io2 --iops ${spec.iops}). The change is online. Check CloudWatch VolumeReadOps/VolumeWriteOps too: IOPS provisioned far above the peak are paid for but unused.`,
        estimatedMonthlySavings: savings !== undefined ? money(savings) : '0',
        currency: ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(io1.monthly !== undefined ? { observedMonthlyCost: money(io1.monthly) } : {}),
        evidence: {
          sizeGiB: spec.sizeGiB,
          provisionedIops: spec.iops,
          state: volume.State,
          io1MonthlyCost: io1.monthly ? money(io1.monthly) : null,
          io2MonthlyCost: io2.monthly ? money(io2.monthly) : null,
          io1CostParts: io1.parts,
          io2CostParts: io2.parts,
          savingsFormula: 'io1 monthly cost - io2 monthly cost for the same size and IOPS (io2 IOPS tiered at 32,000 and 64,000)',
          iopsNeed: 'unknown without CloudWatch metrics; not assessed',
          priceSource: io1.priceSource,
          priceRetrieved: io1.priceRetrieved,
          ...(priced ? {} : { note: `no price for ${[...io1.missing, ...io2.missing].join(', ')} in ${volume.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ebs-volume', volumeId),
      };
      yield finding;
    }
  },
});
