import type { FindingWireInput } from '@openfinops/contracts';
import { defineChecker, exclusionGroupFor, ownRecords, tagsOf } from '@openfinops/checkers';
import { z } from 'zod';

const ID = 'aws/sample-ebs-unencrypted';
const VERSION = '1.0.0';

/** A governance check as a third party would ship it: no savings, only a policy finding. */
export const sampleEbsUnencryptedChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Unencrypted EBS volumes (sample plugin)',
  description: 'Reports EBS volumes without encryption at rest. Shipped by the sample plugin package to test external checker loading.',
  provider: 'aws',
  category: 'governance',
  severity: 'medium',
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Volumes carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { excludeTagKeys: ['finops:ignore', 'public-data'] },
  *run(ctx) {
    for (const volume of ownRecords(ctx, 'ebs-volumes')) {
      if (!volume.VolumeId || volume.Encrypted !== false) continue;
      const tags = tagsOf(volume.Tags);
      if (ctx.config.excludeTagKeys.some((k) => k in tags)) continue;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: volume.Region,
        resourceType: 'ebs-volume',
        resourceId: volume.VolumeId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'governance',
        severity: 'medium',
        title: `EBS volume ${volume.VolumeId} is not encrypted`,
        recommendation: 'Snapshot the volume, copy the snapshot with encryption enabled and replace the volume; enable EBS encryption by default for the region.',
        estimatedMonthlySavings: '0',
        currency: 'USD',
        savingsBasis: 'exact',
        evidence: { encrypted: false, volumeType: volume.VolumeType ?? null },
        tags,
        exclusionGroup: exclusionGroupFor('ebs-volume', volume.VolumeId, 'encryption'),
      };
      yield finding;
    }
  },
});

export const checkers = [sampleEbsUnencryptedChecker];
