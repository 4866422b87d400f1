import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { ageInDays, hasAnyTag, HOURS_PER_MONTH, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/nat-gateway-idle';
const VERSION = '1.0.0';

export const natGatewayIdleChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'NAT gateways in VPCs with no running instances',
  description:
    'Finds available NAT gateways whose VPC has no running EC2 instance in the inventory. Without traffic metrics this is a heuristic: Lambda functions, containers, databases and other ENI-based services in the VPC may still send traffic through the gateway, so each finding asks for a check of its BytesOutToDestination metric before deletion. The saving is the hourly charge only.',
  provider: 'aws',
  category: 'waste',
  severity: 'medium',
  resourceTypes: ['nat-gateway'],
  inputs: { inventory: ['nat-gateways', 'ec2-instances'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      hoursPerMonth: z.number().int().positive().max(744).default(HOURS_PER_MONTH).describe('Hours per month the gateway is billed (730 = a whole month)'),
      minAgeDays: z.number().int().min(0).default(7).describe('Only gateways created at least this many days ago are reported (new VPCs fill up later)'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Gateways carrying any of these tag keys are skipped'),
    })
    .strict(),
  docsExample: { hoursPerMonth: 730, minAgeDays: 14, excludeTagKeys: ['finops:ignore'] },
  *run(ctx) {
    const now = ctx.clock.now();
    const busyVpcs = new Set<string>();
    for (const instance of ownRecords(ctx, 'ec2-instances')) {
      if (instance.VpcId && instance.State?.Name === 'running') busyVpcs.add(`${instance.Region}/${instance.VpcId}`);
    }
    for (const nat of ownRecords(ctx, 'nat-gateways')) {
      const natId = nat.NatGatewayId;
      if (!natId || nat.State !== 'available' || !nat.VpcId) continue;
      if (busyVpcs.has(`${nat.Region}/${nat.VpcId}`)) continue;
      const tags = tagsOf(nat.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const age = ageInDays(nat.CreateTime, now);
      if (age === undefined || age < ctx.config.minAgeDays) continue;
      const hourly = ctx.pricing.rate(nat.Region, AWS_RATE.natGatewayHour);
      const monthly = hourly ? new Decimal(hourly.price).times(ctx.config.hoursPerMonth) : undefined;
      const publicIps = (nat.NatGatewayAddresses ?? []).map((a) => a.PublicIp).filter((ip): ip is string => typeof ip === 'string');
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: nat.Region,
        resourceType: 'nat-gateway',
        resourceId: natId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'medium',
        title: `NAT gateway ${natId} serves VPC ${nat.VpcId}, which has no running instances`,
        recommendation:
          'Check the gateway\'s CloudWatch BytesOutToDestination over the last weeks and what else runs in the VPC (Lambda, ECS/EKS, RDS). If nothing sends traffic, delete the gateway and release its Elastic IP.',
        estimatedMonthlySavings: monthly ? money(monthly) : '0',
        currency: hourly?.currency ?? ctx.pricing.currency,
        savingsBasis: monthly ? 'estimated' : 'unknown',
        ...(monthly ? { observedMonthlyCost: money(monthly) } : {}),
        evidence: {
          vpcId: nat.VpcId,
          subnetId: nat.SubnetId ?? null,
          connectivityType: nat.ConnectivityType ?? null,
          publicIps,
          createTime: nat.CreateTime ?? null,
          ageDays: age,
          runningInstancesInVpc: 0,
          hourlyPrice: hourly?.price ?? null,
          hoursPerMonth: ctx.config.hoursPerMonth,
          savingsFormula: 'hourly NAT gateway price x hoursPerMonth; per-GB processing charges are not included (no traffic data)',
          heuristic: 'idle = no running EC2 instance in the VPC in the inventory; other ENI-based services are not visible',
          priceSource: hourly?.source ?? null,
          priceRetrieved: hourly?.retrieved ?? null,
          ...(monthly ? {} : { note: `no NAT gateway price for ${nat.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('nat-gateway', natId),
      };
      yield finding;
    }
  },
});
