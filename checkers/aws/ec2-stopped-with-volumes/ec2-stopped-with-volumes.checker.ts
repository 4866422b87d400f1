import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { ebsVolumeMonthlyCost } from '../pricing/ebs-cost.ts';
import { ageInDays, hasAnyTag, money, ownRecords, parseStateTransitionTime, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { EXCLUSION_ASPECTS, exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import type { InventoryRecord } from '../../sdk/inventory.ts';

const ID = 'aws/ec2-stopped-with-volumes';
const VERSION = '1.0.0';

export const ec2StoppedWithVolumesChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Stopped EC2 instances still paying for their EBS volumes',
  description:
    'Finds instances stopped for longer than a threshold (stop time read from StateTransitionReason) whose attached EBS volumes are still billed, and reports those volumes\' monthly cost as the saving of snapshotting and terminating them.',
  provider: 'aws',
  category: 'waste',
  severity: 'medium',
  resourceTypes: ['ec2-instance'],
  inputs: { inventory: ['ec2-instances', 'ebs-volumes'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      minStoppedDays: z.number().int().min(0).default(30).describe('Only instances stopped for at least this many days are reported'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Instances carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { minStoppedDays: 14, excludeTagKeys: ['finops:ignore', 'keep-stopped'] },
  *run(ctx) {
    const now = ctx.clock.now();
    const volumesByInstance = new Map<string, InventoryRecord<'ebs-volumes'>[]>();
    const volumesById = new Map<string, InventoryRecord<'ebs-volumes'>>();
    for (const volume of ownRecords(ctx, 'ebs-volumes')) {
      if (volume.VolumeId) volumesById.set(volume.VolumeId, volume);
      for (const a of volume.Attachments ?? []) {
        if (!a.InstanceId) continue;
        const list = volumesByInstance.get(a.InstanceId) ?? [];
        list.push(volume);
        volumesByInstance.set(a.InstanceId, list);
      }
    }
    for (const instance of ownRecords(ctx, 'ec2-instances')) {
      const instanceId = instance.InstanceId;
      if (!instanceId || instance.State?.Name !== 'stopped') continue;
      const tags = tagsOf(instance.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const stoppedAt = parseStateTransitionTime(instance.StateTransitionReason);
      const stoppedDays = ageInDays(stoppedAt, now);
      if (stoppedDays === undefined) {
        // Without a stop time the threshold cannot be shown to hold; reporting anyway would flag brief stops.
        ctx.logger.info({ instanceId, reason: instance.StateTransitionReason ?? null }, 'stopped instance skipped: no stop time in StateTransitionReason');
        continue;
      }
      if (stoppedDays < ctx.config.minStoppedDays) continue;

      const attached = new Map<string, InventoryRecord<'ebs-volumes'>>();
      for (const v of volumesByInstance.get(instanceId) ?? []) if (v.VolumeId) attached.set(v.VolumeId, v);
      const unknownVolumeIds: string[] = [];
      for (const m of instance.BlockDeviceMappings ?? []) {
        const id = m.Ebs?.VolumeId;
        if (!id || attached.has(id)) continue;
        const v = volumesById.get(id);
        if (v) attached.set(id, v);
        else unknownVolumeIds.push(id);
      }
      if (attached.size === 0 && unknownVolumeIds.length === 0) continue;

      let total = new Decimal(0);
      const missing: string[] = [];
      let priceSource: string | null = null;
      let priceRetrieved: string | null = null;
      const volumes = [...attached.values()].map((v) => {
        const cost = ebsVolumeMonthlyCost(ctx.pricing, v.Region, {
          volumeType: v.VolumeType ?? 'unknown',
          sizeGiB: v.Size ?? 0,
          iops: v.Iops,
          throughputMiBps: v.Throughput,
        });
        priceSource ??= cost.priceSource;
        priceRetrieved ??= cost.priceRetrieved;
        if (cost.monthly) total = total.plus(cost.monthly);
        else missing.push(...cost.missing.map((m) => `${v.VolumeId}: ${m}`));
        return {
          volumeId: v.VolumeId ?? null,
          volumeType: v.VolumeType ?? null,
          sizeGiB: v.Size ?? null,
          iops: v.Iops ?? null,
          throughputMiBps: v.Throughput ?? null,
          monthlyCost: cost.monthly ? money(cost.monthly) : null,
          costParts: cost.parts,
        };
      });
      const priced = missing.length === 0 && unknownVolumeIds.length === 0;
      const notes: string[] = [];
      if (missing.length > 0) notes.push(`no price for ${missing.join(', ')}`);
      if (unknownVolumeIds.length > 0) notes.push(`volumes not in the inventory: ${unknownVolumeIds.join(', ')}`);

      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: instance.Region,
        resourceType: 'ec2-instance',
        resourceId: instanceId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'medium',
        title: `${instanceId} stopped ${stoppedDays} days ago still pays for ${attached.size + unknownVolumeIds.length} EBS volume(s)`,
        recommendation:
          'If the instance is no longer needed, create an AMI or snapshots of its volumes (snapshots cost less per GB and are incremental), then terminate it and delete the volumes. If it is needed occasionally, keep it and tag it with an excluded tag key.',
        estimatedMonthlySavings: priced ? money(total) : '0',
        currency: ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(priced ? { observedMonthlyCost: money(total) } : {}),
        evidence: {
          instanceType: instance.InstanceType ?? null,
          stoppedAt: stoppedAt ?? null,
          stoppedDays,
          minStoppedDays: ctx.config.minStoppedDays,
          stateTransitionReason: instance.StateTransitionReason ?? null,
          volumes,
          savingsFormula: 'sum of attached volumes\' monthly cost (GB-month + provisioned IOPS/throughput); snapshots kept instead are not subtracted',
          priceSource,
          priceRetrieved,
          ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ec2-instance', instanceId, EXCLUSION_ASPECTS.lifecycle),
      };
      yield finding;
    }
  },
});
