import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { hasAnyTag, HOURS_PER_MONTH, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/eip-unassociated';
const VERSION = '1.0.0';

export const eipUnassociatedChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'Unassociated Elastic IP addresses',
  description:
    'Finds Elastic IP addresses associated with no instance or network interface. AWS bills every public IPv4 address by the hour, so an idle one costs hours x the hourly public IPv4 price for nothing.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['elastic-ip'],
  inputs: { inventory: ['elastic-ips'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      hoursPerMonth: z.number().int().positive().max(744).default(HOURS_PER_MONTH).describe('Hours per month the address is billed (730 = a whole month)'),
      excludeTagKeys: z.array(z.string().min(1)).default(['finops:ignore']).describe('Addresses carrying any of these tag keys are skipped (e.g. reserved for allow-listing)'),
    })
    .strict(),
  docsExample: { hoursPerMonth: 730, excludeTagKeys: ['finops:ignore', 'allow-listed'] },
  *run(ctx) {
    for (const address of ownRecords(ctx, 'elastic-ips')) {
      if (address.AssociationId || address.InstanceId || address.NetworkInterfaceId) continue;
      const resourceId = address.AllocationId ?? address.PublicIp;
      if (!resourceId) continue;
      const tags = tagsOf(address.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const hourly = ctx.pricing.rate(address.Region, AWS_RATE.publicIpv4Hour);
      const monthly = hourly ? new Decimal(hourly.price).times(ctx.config.hoursPerMonth) : undefined;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: address.Region,
        resourceType: 'elastic-ip',
        resourceId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'low',
        title: `Elastic IP ${address.PublicIp ?? resourceId} is not associated with anything`,
        recommendation:
          'Release the address if nothing (DNS records, partner allow-lists) depends on it; once released the same address usually cannot be recovered.',
        estimatedMonthlySavings: monthly ? money(monthly) : '0',
        currency: hourly?.currency ?? ctx.pricing.currency,
        savingsBasis: monthly ? 'estimated' : 'unknown',
        ...(monthly ? { observedMonthlyCost: money(monthly) } : {}),
        evidence: {
          publicIp: address.PublicIp ?? null,
          allocationId: address.AllocationId ?? null,
          domain: address.Domain ?? null,
          hourlyPrice: hourly?.price ?? null,
          hoursPerMonth: ctx.config.hoursPerMonth,
          savingsFormula: 'hourly public IPv4 price x hoursPerMonth',
          priceSource: hourly?.source ?? null,
          priceRetrieved: hourly?.retrieved ?? null,
          ...(monthly ? {} : { note: `no public IPv4 price for ${address.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('elastic-ip', resourceId),
      };
      yield finding;
    }
  },
});
