import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { EXCLUSION_ASPECTS, exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import { billingAsOf, lastFullMonth, PROVIDER_FILTER_SQL, providerNamesParam, ratioString, type Period } from '../../sdk/focus-checks.ts';
import type { FocusInput, FocusRow } from '../../sdk/focus-input.ts';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { currentGenerationTarget } from '../ec2-previous-generation/ec2-previous-generation.checker.ts';

const META = { checkId: 'aws/gp2-and-previous-generation-usage', checkVersion: '1.0.0' } as const;

export interface LegacyUsageRow extends FocusRow {
  resource_id: string | null;
  usage_type: string;
  region: string | null;
  currency: string;
  cost: string;
  quantity: string | null;
}

/** gp2 volume storage (`EBS:VolumeUsage.gp2`) and instance hours (`BoxUsage:<type>`) per resource, from CUR's usage type. */
export function queryLegacyUsage(focus: FocusInput, p: { accountId: string; period: Period }): Promise<LegacyUsageRow[]> {
  return focus.query<LegacyUsageRow>(
    `SELECT "ResourceId" AS resource_id, "x_UsageType" AS usage_type, "RegionId" AS region, "BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost, CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS quantity
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND COALESCE("PricingCategory", '') <> 'Dynamic'
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
        AND ("x_UsageType" LIKE '%EBS:VolumeUsage.gp2' OR regexp_matches("x_UsageType", 'BoxUsage:[a-z0-9]+\\.[a-z0-9]+$'))
      GROUP BY ALL
     HAVING SUM("EffectiveCost") > 0
      ORDER BY resource_id NULLS LAST, usage_type, region, currency`,
    [providerNamesParam('aws'), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

const instanceTypeOf = (usageType: string): string | undefined => /BoxUsage:([a-z0-9]+\.[a-z0-9]+)$/.exec(usageType)?.[1];
const volumeIdOf = (resourceId: string | null): string | undefined => /vol-[0-9a-f]+/.exec(resourceId ?? '')?.[0];
const instanceIdOf = (resourceId: string | null): string | undefined => /i-[0-9a-f]+/.exec(resourceId ?? '')?.[0];

export const awsGp2AndPreviousGenerationUsageChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Billed gp2 volumes and previous-generation instances',
  description:
    'Finds gp2 EBS storage and previous-generation EC2 instance hours in the last full month of billing data (CUR usage types), and estimates the saving of gp3 / the current-generation family from the price ratio applied to the billed cost.',
  provider: 'aws',
  category: 'modernization',
  severity: 'medium',
  resourceTypes: ['ebs-volume', 'ec2-instance'],
  inputs: { focus: true },
  configSchema: z
    .object({
      gp3SavingsRatio: ratioString('0.2', 'Share of gp2 cost saved by gp3 when the region has no gp2/gp3 rate (gp3 is 20% cheaper per GB-month)'),
    })
    .strict(),
  docsExample: { gp3SavingsRatio: '0.2' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    const period = lastFullMonth((await billingAsOf(ctx, 'aws')).month);
    const rows = await queryLegacyUsage(ctx.inputs.focus, { accountId: ctx.accountId, period });
    for (const r of rows) {
      const region = r.region ?? 'global';
      const cost = new Decimal(r.cost);
      const base = {
        provider: 'aws' as const,
        accountId: ctx.accountId,
        region,
        checkId: META.checkId,
        checkVersion: META.checkVersion,
        category: 'modernization' as const,
        severity: 'medium' as const,
        currency: r.currency,
        observedMonthlyCost: money(cost),
      };
      const periodEvidence = { period: period.label, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() };
      if (r.usage_type.endsWith('EBS:VolumeUsage.gp2')) {
        const volumeId = volumeIdOf(r.resource_id) ?? r.resource_id ?? `${region}:${r.usage_type}`;
        const gp2 = ctx.pricing.rate(region, AWS_RATE.ebsGbMonth('gp2'));
        const gp3 = ctx.pricing.rate(region, AWS_RATE.ebsGbMonth('gp3'));
        const ratio = gp2 && gp3 && !new Decimal(gp2.price).isZero() ? new Decimal(1).minus(new Decimal(gp3.price).div(gp2.price)) : new Decimal(ctx.config.gp3SavingsRatio);
        yield {
          ...base,
          resourceType: 'ebs-volume',
          resourceId: volumeId,
          title: `Billed gp2 volume ${volumeId}: ${money(cost)} ${r.currency} in ${period.label}`,
          recommendation: `Modify ${volumeId} to gp3 (online, no detach). gp3 includes 3,000 IOPS and 125 MiB/s; provision more if the volume relied on gp2 burst above that.`,
          estimatedMonthlySavings: money(cost.times(ratio)),
          savingsBasis: 'estimated',
          evidence: {
            ...periodEvidence,
            usageType: r.usage_type,
            billedCost: money(cost),
            gbMonths: r.quantity,
            savingsRatio: ratio.toDecimalPlaces(6).toFixed(),
            ratioSource: gp2 && gp3 ? `${gp2.source} (${gp2.retrieved}): gp2 ${gp2.price}, gp3 ${gp3.price} per GB-month` : 'config gp3SavingsRatio',
          },
          exclusionGroup: exclusionGroupFor('ebs-volume', volumeId),
        } satisfies FindingWireInput;
        continue;
      }
      const instanceType = instanceTypeOf(r.usage_type);
      const target = instanceType ? currentGenerationTarget(instanceType) : undefined;
      if (!instanceType || !target) continue;
      const instanceId = instanceIdOf(r.resource_id) ?? r.resource_id ?? `${region}:${instanceType}`;
      const current = ctx.pricing.onDemandHourly(region, instanceType);
      const proposed = ctx.pricing.onDemandHourly(region, target);
      const ratio = current && proposed && !new Decimal(current.hourly).isZero() ? new Decimal(1).minus(new Decimal(proposed.hourly).div(current.hourly)) : undefined;
      if (ratio !== undefined && ratio.lte(0)) continue;
      yield {
        ...base,
        resourceType: 'ec2-instance',
        resourceId: instanceId,
        title: `Previous-generation ${instanceType} (${instanceId}) billed ${money(cost)} ${r.currency} in ${period.label}; move to ${target}`,
        recommendation: `Change the instance type to ${target} (stop, change type, start; check the AMI supports ENA/NVMe). Current generations give more performance per dollar.`,
        estimatedMonthlySavings: ratio ? money(cost.times(ratio)) : '0',
        savingsBasis: ratio ? 'estimated' : 'unknown',
        evidence: {
          ...periodEvidence,
          usageType: r.usage_type,
          billedCost: money(cost),
          instanceHours: r.quantity,
          currentInstanceType: instanceType,
          targetInstanceType: target,
          currentHourlyPrice: current?.hourly ?? null,
          targetHourlyPrice: proposed?.hourly ?? null,
          savingsRatio: ratio ? ratio.toDecimalPlaces(6).toFixed() : null,
          ...(ratio ? { priceSource: `${current?.source} (${current?.retrieved})` } : { note: `no on-demand price for ${instanceType} or ${target} in ${region}` }),
        },
        ...(instanceIdOf(r.resource_id) ? { exclusionGroup: exclusionGroupFor('ec2-instance', instanceId, EXCLUSION_ASPECTS.instanceType) } : {}),
      } satisfies FindingWireInput;
    }
  },
});
