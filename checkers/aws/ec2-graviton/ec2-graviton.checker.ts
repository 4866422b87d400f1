import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { defineChecker } from '../../sdk/define-checker.ts';
import type { Ec2InstanceRecord } from '../../sdk/inventory.ts';
import { EXCLUSION_ASPECTS, exclusionGroupFor } from '../../sdk/exclusion-group.ts';

/**
 * x86 family → Graviton family offering the same vCPU/memory per size. Newest Graviton generation where one
 * exists; previous-generation x86 (m4/c4/r4) maps to Graviton2 to match the documented migration paths.
 */
export const GRAVITON_FAMILY: Readonly<Record<string, string>> = Object.freeze({
  m4: 'm6g',
  m5: 'm7g',
  m5a: 'm7g',
  m5n: 'm7g',
  m6i: 'm7g',
  m6a: 'm7g',
  m5d: 'm7gd',
  m6id: 'm7gd',
  c4: 'c6g',
  c5: 'c7g',
  c5a: 'c7g',
  c5n: 'c7gn',
  c6i: 'c7g',
  c6a: 'c7g',
  c5d: 'c7gd',
  c6id: 'c7gd',
  r4: 'r6g',
  r5: 'r7g',
  r5a: 'r7g',
  r5n: 'r7g',
  r6i: 'r7g',
  r6a: 'r7g',
  r5d: 'r7gd',
  r6id: 'r7gd',
  t2: 't4g',
  t3: 't4g',
  t3a: 't4g',
});

const GRAVITON_GENERAL_SIZES = ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', 'metal'];

/** Sizes each Graviton family is sold in; an x86 size outside this list (e.g. m5.24xlarge) has no equivalent. */
export const GRAVITON_SIZES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  m6g: GRAVITON_GENERAL_SIZES,
  c6g: GRAVITON_GENERAL_SIZES,
  r6g: GRAVITON_GENERAL_SIZES,
  m7g: GRAVITON_GENERAL_SIZES,
  c7g: GRAVITON_GENERAL_SIZES,
  r7g: GRAVITON_GENERAL_SIZES,
  m7gd: GRAVITON_GENERAL_SIZES,
  c7gd: GRAVITON_GENERAL_SIZES,
  r7gd: GRAVITON_GENERAL_SIZES,
  c7gn: ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  t4g: ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'],
});

/** Graviton equivalent of an instance type (same size), or undefined when there is none. */
export function gravitonTarget(instanceType: string): string | undefined {
  const dot = instanceType.indexOf('.');
  if (dot <= 0) return undefined;
  const family = instanceType.slice(0, dot);
  const size = instanceType.slice(dot + 1);
  const target = GRAVITON_FAMILY[family];
  if (!target || !GRAVITON_SIZES[target]?.includes(size)) return undefined;
  return `${target}.${size}`;
}

const LINUX_PLATFORM = 'Linux/UNIX';

interface InstanceView {
  instanceId: string;
  instanceType: string;
  architecture: string | undefined;
  platform: string | undefined;
  platformDetails: string | undefined;
  state: string | undefined;
  availabilityZone: string | undefined;
  region: string;
  accountId: string;
  tags: Record<string, string>;
  launchTime: string | undefined;
}

function view(record: Ec2InstanceRecord): InstanceView {
  const tags: Record<string, string> = {};
  for (const t of record.Tags ?? []) {
    if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  }
  return {
    instanceId: record.InstanceId ?? '',
    instanceType: record.InstanceType ?? '',
    architecture: record.Architecture,
    platform: record.Platform,
    platformDetails: record.PlatformDetails,
    state: record.State?.Name,
    availabilityZone: record.Placement?.AvailabilityZone,
    region: record.Region,
    accountId: record.AccountId,
    tags,
    launchTime: record.LaunchTime,
  };
}

function isWindows(i: InstanceView): boolean {
  return i.platform?.toLowerCase() === 'windows' || (i.platformDetails ?? '').toLowerCase().includes('windows');
}

const money = (d: Decimal): string => d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed();

export const ec2GravitonChecker = defineChecker({
  id: 'aws/ec2-graviton',
  version: '1.0.0',
  title: 'Move x86 EC2 instances to Graviton',
  description:
    'Finds running x86 Linux instances whose family has an AWS Graviton (arm64) equivalent of the same size, and estimates the monthly on-demand saving of moving to it.',
  provider: 'aws',
  category: 'modernization',
  severity: 'medium',
  resourceTypes: ['ec2-instance'],
  inputs: { inventory: ['ec2-instances'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      hoursPerMonth: z
        .number()
        .int()
        .positive()
        .max(744)
        .default(730)
        .describe('Running hours per month assumed for the savings estimate (730 = always on)'),
      minMonthlySavings: z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'expected a decimal string such as "5.00"')
        .default('0')
        .describe('Skip instances whose estimated monthly saving is below this amount (in the price table currency)'),
      excludeTagKeys: z
        .array(z.string().min(1))
        .default(['finops:ignore'])
        .describe('Instances carrying any of these tag keys are skipped (e.g. workloads pinned to x86)'),
    })
    .strict(),
  docsExample: { hoursPerMonth: 730, minMonthlySavings: '5', excludeTagKeys: ['finops:ignore', 'x86-only'] },
  *run(ctx) {
    const hours = new Decimal(ctx.config.hoursPerMonth);
    const minSavings = new Decimal(ctx.config.minMonthlySavings);
    const amountsByType = new Map<string, { savings: Decimal; savingsText: string; observed: string }>();
    for (const record of ctx.inputs.inventory('ec2-instances')) {
      const i = view(record);
      if (i.accountId !== ctx.accountId) {
        ctx.logger.warn({ instanceId: i.instanceId, accountId: i.accountId }, 'instance skipped: belongs to another account');
        continue;
      }
      if (i.state !== 'running') continue;
      if (i.architecture !== undefined && i.architecture !== 'x86_64' && i.architecture !== 'i386') continue;
      if (isWindows(i)) continue;
      if (ctx.config.excludeTagKeys.some((k) => k in i.tags)) continue;
      const target = gravitonTarget(i.instanceType);
      if (!target) continue;
      const region = i.region;

      const platformDetails = i.platformDetails ?? LINUX_PLATFORM;
      const current = ctx.pricing.onDemandHourly(region, i.instanceType);
      const proposed = ctx.pricing.onDemandHourly(region, target);
      const notes: string[] = [];
      if (platformDetails !== LINUX_PLATFORM) notes.push(`price table covers ${LINUX_PLATFORM} only; platform is ${platformDetails}`);
      if (!current) notes.push(`no on-demand price for ${i.instanceType} in ${region}`);
      if (!proposed) notes.push(`no on-demand price for ${target} in ${region}`);
      const priced = current && proposed && notes.length === 0;

      let observed: string | undefined;
      let savingsText = '0';
      if (priced) {
        // Prices depend only on region and type, so the decimal arithmetic runs once per pair, not per instance.
        const key = `${region}\u0000${i.instanceType}`;
        let amounts = amountsByType.get(key);
        if (!amounts) {
          const perMonth = new Decimal(current.hourly).minus(proposed.hourly).times(hours);
          amounts = { savings: perMonth, savingsText: money(perMonth), observed: money(new Decimal(current.hourly).times(hours)) };
          amountsByType.set(key, amounts);
        }
        // A Graviton type that is not cheaper here is no saving to recommend.
        if (amounts.savings.lte(0) || amounts.savings.lt(minSavings)) continue;
        observed = amounts.observed;
        savingsText = amounts.savingsText;
      }

      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region,
        resourceType: 'ec2-instance',
        resourceId: i.instanceId,
        checkId: 'aws/ec2-graviton',
        checkVersion: '1.0.0',
        category: 'modernization',
        severity: 'medium',
        title: `Move ${i.instanceId} from ${i.instanceType} to Graviton ${target}`,
        recommendation: `Change the instance type to ${target} (arm64). Rebuild or pick an arm64 AMI, check that the workload's binaries and dependencies have arm64 builds, and test before switching.`,
        estimatedMonthlySavings: savingsText,
        currency: current?.currency ?? ctx.pricing.currency,
        savingsBasis: priced ? 'estimated' : 'unknown',
        ...(observed !== undefined ? { observedMonthlyCost: observed } : {}),
        evidence: {
          currentInstanceType: i.instanceType,
          targetInstanceType: target,
          currentHourlyPrice: current?.hourly ?? null,
          targetHourlyPrice: proposed?.hourly ?? null,
          region,
          availabilityZone: i.availabilityZone ?? null,
          hoursPerMonth: ctx.config.hoursPerMonth,
          architecture: i.architecture ?? null,
          platformDetails,
          launchTime: i.launchTime ?? null,
          priceSource: ctx.pricing.source,
          priceRetrieved: ctx.pricing.retrieved,
          ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        },
        tags: i.tags,
        exclusionGroup: exclusionGroupFor('ec2-instance', i.instanceId, EXCLUSION_ASPECTS.instanceType),
      };
      yield finding;
    }
  },
});
