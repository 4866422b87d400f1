import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE, GP3_BASELINE_IOPS, GP3_BASELINE_THROUGHPUT_MIBPS } from '../pricing/aws-rate-keys.ts';
import { hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ebs-gp2-to-gp3';
const VERSION = '1.0.0';

/** gp2 baseline: 3 IOPS per GiB, at least 100 and at most 16,000. */
export function gp2BaselineIops(sizeGiB: number): number {
  return Math.min(16_000, Math.max(100, 3 * sizeGiB));
}

/**
 * gp2 throughput: 128 MiB/s up to 170 GiB, 250 MiB/s from 334 GiB; in between 250 only while burst credits
 * last, so 128 is the sustained figure. 128 vs gp3's included 125 is treated as equal (a 2% difference
 * that is not worth paying extra throughput for).
 */
export function gp2Throughput(sizeGiB: number): number {
  return sizeGiB >= 334 ? 250 : 128;
}

export const ebsGp2ToGp3Checker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Migrate gp2 EBS volumes to gp3',
  description:
    'Finds gp2 volumes and estimates the monthly saving of an in-place change to gp3 with at least the same baseline performance: the GB-month price difference minus the gp3 IOPS and throughput that must be provisioned above its included 3,000 IOPS and 125 MiB/s to match gp2.',
  provider: 'aws',
  category: 'modernization',
  severity: 'low',
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      minMonthlySavings: z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'expected a decimal string such as "1.00"')
        .default('0')
        .describe('Skip volumes whose estimated monthly saving is below this amount'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Volumes carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { minMonthlySavings: '1', excludeTagKeys: ['finops:ignore'] },
  *run(ctx) {
    const minSavings = new Decimal(ctx.config.minMonthlySavings);
    const amountsBySize = new Map<string, { savings: Decimal; savingsText: string; observedText: string }>();
    for (const volume of ownRecords(ctx, 'ebs-volumes')) {
      const volumeId = volume.VolumeId;
      if (!volumeId || volume.VolumeType !== 'gp2') continue;
      if (volume.State !== 'in-use' && volume.State !== 'available') continue;
      const tags = tagsOf(volume.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const size = volume.Size ?? 0;
      const region = volume.Region;
      const baselineIops = gp2BaselineIops(size);
      const throughput = gp2Throughput(size);
      const extraIops = Math.max(0, baselineIops - GP3_BASELINE_IOPS);
      const extraThroughput = throughput > 128 ? Math.max(0, throughput - GP3_BASELINE_THROUGHPUT_MIBPS) : 0;

      const gp2 = ctx.pricing.rate(region, AWS_RATE.ebsGbMonth('gp2'));
      const gp3 = ctx.pricing.rate(region, AWS_RATE.ebsGbMonth('gp3'));
      const iopsRate = extraIops > 0 ? ctx.pricing.rate(region, AWS_RATE.ebsIopsMonth('gp3')) : undefined;
      const tpRate = extraThroughput > 0 ? ctx.pricing.rate(region, AWS_RATE.gp3ThroughputMonth) : undefined;
      const missing = [
        ...(gp2 ? [] : [AWS_RATE.ebsGbMonth('gp2')]),
        ...(gp3 ? [] : [AWS_RATE.ebsGbMonth('gp3')]),
        ...(extraIops > 0 && !iopsRate ? [AWS_RATE.ebsIopsMonth('gp3')] : []),
        ...(extraThroughput > 0 && !tpRate ? [AWS_RATE.gp3ThroughputMonth] : []),
      ];
      const priced = gp2 !== undefined && gp3 !== undefined && missing.length === 0;
      let savingsText = '0';
      let observedText: string | undefined;
      if (priced) {
        // The amounts depend only on region and size, so the decimal arithmetic runs once per pair, not per volume.
        const key = `${region}\u0000${size}`;
        let amounts = amountsBySize.get(key);
        if (!amounts) {
          const observed = new Decimal(gp2.price).times(size);
          const gp3Cost = new Decimal(gp3.price)
            .times(size)
            .plus(iopsRate ? new Decimal(iopsRate.price).times(extraIops) : 0)
            .plus(tpRate ? new Decimal(tpRate.price).times(extraThroughput) : 0);
          const savings = observed.minus(gp3Cost);
          amounts = { savings, savingsText: money(savings), observedText: money(observed) };
          amountsBySize.set(key, amounts);
        }
        if (amounts.savings.lte(0) || amounts.savings.lt(minSavings)) continue;
        savingsText = amounts.savingsText;
        observedText = amounts.observedText;
      }
      const gp3Iops = Math.max(GP3_BASELINE_IOPS, baselineIops);
      const gp3Throughput = Math.max(GP3_BASELINE_THROUGHPUT_MIBPS, extraThroughput > 0 ? throughput : GP3_BASELINE_THROUGHPUT_MIBPS);
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region,
        resourceType: 'ebs-volume',
        resourceId: volumeId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'modernization',
        severity: 'low',
        title: `Change EBS volume ${volumeId} (${size} GiB) from gp2 to gp3`,
        recommendation: `Modify the volume to gp3 with ${gp3Iops} IOPS and ${gp3Throughput} MiB/s (aws ec2 modify-volume --volume-type gp3 --iops ${gp3Iops} --throughput ${gp3Throughput}). The change is online; the volume stays attached and usable while it is optimised.`,
        estimatedMonthlySavings: savingsText,
        currency: gp2?.currency ?? ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(observedText !== undefined ? { observedMonthlyCost: observedText } : {}),
        evidence: {
          sizeGiB: size,
          state: volume.State,
          gp2BaselineIops: baselineIops,
          gp2ThroughputMiBps: throughput,
          gp3Iops,
          gp3ThroughputMiBps: gp3Throughput,
          extraIops,
          extraThroughputMiBps: extraThroughput,
          gp2GbMonthPrice: gp2?.price ?? null,
          gp3GbMonthPrice: gp3?.price ?? null,
          gp3IopsMonthPrice: iopsRate?.price ?? null,
          gp3ThroughputMonthPrice: tpRate?.price ?? null,
          savingsFormula: 'size x (gp2 - gp3 GB-month) - extraIops x gp3 IOPS-month - extraThroughput x gp3 MiB/s-month',
          priceSource: gp2?.source ?? null,
          priceRetrieved: gp2?.retrieved ?? null,
          ...(priced ? {} : { note: `no price for ${missing.join(', ')} in ${region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ebs-volume', volumeId),
      };
      yield finding;
    }
  },
});
