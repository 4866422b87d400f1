import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { hasAnyTag, HOURS_PER_MONTH, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { EXCLUSION_ASPECTS, exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ec2-previous-generation';
const VERSION = '1.0.0';

/**
 * Previous-generation family → the current-generation x86 family with the same vCPU and memory per size
 * (within a few percent) and no higher list price. x86 on purpose: moving CPU architecture is ec2-graviton's
 * recommendation, and both share one exclusion group so their savings are never added.
 */
export const CURRENT_GENERATION_FAMILY: Readonly<Record<string, string>> = Object.freeze({
  t1: 't3',
  t2: 't3',
  m3: 'm6i',
  m4: 'm6i',
  c3: 'c6i',
  c4: 'c6i',
  r3: 'r6i',
  r4: 'r6i',
  i2: 'i3',
  d2: 'd3',
  x1: 'x2idn',
});

const SIX_I_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', 'metal'];

/** Sizes each target family is sold in; a size outside the list (e.g. m3.medium, m4.10xlarge) has no equivalent. */
export const CURRENT_GENERATION_SIZES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  t3: ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'],
  m6i: SIX_I_SIZES,
  c6i: SIX_I_SIZES,
  r6i: SIX_I_SIZES,
  i3: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', 'metal'],
  d3: ['xlarge', '2xlarge', '4xlarge', '8xlarge'],
  x2idn: ['16xlarge', '24xlarge', '32xlarge', 'metal'],
});

/** Same-size current-generation type, or undefined when the family is current or has no same-size equivalent. */
export function currentGenerationTarget(instanceType: string): string | undefined {
  const dot = instanceType.indexOf('.');
  if (dot <= 0) return undefined;
  const target = CURRENT_GENERATION_FAMILY[instanceType.slice(0, dot)];
  const size = instanceType.slice(dot + 1);
  if (!target || !CURRENT_GENERATION_SIZES[target]?.includes(size)) return undefined;
  return `${target}.${size}`;
}

const LINUX = 'Linux/UNIX';

export const ec2PreviousGenerationChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Move previous-generation EC2 instances to the current generation',
  description:
    'Finds running instances of previous-generation families (t2, m3, m4, c3, c4, r3, r4, i2, d2, x1, ...) and estimates the monthly on-demand saving of the same-size current-generation x86 type.',
  provider: 'aws',
  category: 'modernization',
  severity: 'low',
  resourceTypes: ['ec2-instance'],
  inputs: { inventory: ['ec2-instances'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      hoursPerMonth: z.number().int().positive().max(744).default(HOURS_PER_MONTH).describe('Running hours per month assumed for the savings estimate (730 = always on)'),
      minMonthlySavings: z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'expected a decimal string such as "5.00"')
        .default('0')
        .describe('Skip instances whose estimated monthly saving is below this amount'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Instances carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { hoursPerMonth: 730, minMonthlySavings: '2', excludeTagKeys: ['finops:ignore'] },
  *run(ctx) {
    const hours = new Decimal(ctx.config.hoursPerMonth);
    const minSavings = new Decimal(ctx.config.minMonthlySavings);
    for (const instance of ownRecords(ctx, 'ec2-instances')) {
      if (instance.State?.Name !== 'running') continue;
      const tags = tagsOf(instance.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const type = instance.InstanceType ?? '';
      const target = currentGenerationTarget(type);
      if (!target || !instance.InstanceId) continue;
      const region = instance.Region;
      const platform = instance.PlatformDetails ?? LINUX;
      const current = ctx.pricing.onDemandHourly(region, type);
      const proposed = ctx.pricing.onDemandHourly(region, target);
      const notes: string[] = [];
      if (platform !== LINUX) notes.push(`price table covers ${LINUX} only; platform is ${platform}`);
      if (!current) notes.push(`no on-demand price for ${type} in ${region}`);
      if (!proposed) notes.push(`no on-demand price for ${target} in ${region}`);
      const priced = current !== undefined && proposed !== undefined && notes.length === 0;
      let savings = new Decimal(0);
      if (priced) {
        savings = new Decimal(current.hourly).minus(proposed.hourly).times(hours);
        if (savings.lte(0) || savings.lt(minSavings)) continue;
      }
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region,
        resourceType: 'ec2-instance',
        resourceId: instance.InstanceId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'modernization',
        severity: 'low',
        title: `Move ${instance.InstanceId} from previous-generation ${type} to ${target}`,
        recommendation: `Stop the instance, change its type to ${target} and start it again. Current-generation types run on the Nitro system: check that the AMI has the ENA and NVMe drivers before switching.`,
        estimatedMonthlySavings: priced ? money(savings) : '0',
        currency: current?.currency ?? ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(priced ? { observedMonthlyCost: money(new Decimal(current.hourly).times(hours)) } : {}),
        evidence: {
          currentInstanceType: type,
          targetInstanceType: target,
          currentHourlyPrice: current?.hourly ?? null,
          targetHourlyPrice: proposed?.hourly ?? null,
          hoursPerMonth: ctx.config.hoursPerMonth,
          savingsFormula: '(currentHourlyPrice - targetHourlyPrice) x hoursPerMonth',
          platformDetails: platform,
          availabilityZone: instance.Placement?.AvailabilityZone ?? null,
          priceSource: ctx.pricing.source,
          priceRetrieved: ctx.pricing.retrieved,
          ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ec2-instance', instance.InstanceId, EXCLUSION_ASPECTS.instanceType),
      };
      yield finding;
    }
  },
});
