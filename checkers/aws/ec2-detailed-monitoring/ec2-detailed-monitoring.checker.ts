import type { FindingWireInput } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { AWS_RATE } from '../pricing/aws-rate-keys.ts';
import { hasAnyTag, money, ownRecords, tagsOf } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { EXCLUSION_ASPECTS, exclusionGroupFor } from '../../sdk/exclusion-group.ts';

const ID = 'aws/ec2-detailed-monitoring';
const VERSION = '1.0.0';

export const ec2DetailedMonitoringChecker = defineChecker({
  id: ID,
  version: VERSION,
  title: 'EC2 detailed monitoring enabled',
  description:
    'Finds running instances with detailed (1-minute) CloudWatch monitoring enabled. It is billed as custom metrics, about 7 per instance; basic 5-minute monitoring is free. The saving uses the first CloudWatch metric price tier, so it is an estimate for accounts past that tier.',
  provider: 'aws',
  category: 'waste',
  severity: 'info',
  resourceTypes: ['ec2-instance'],
  inputs: { inventory: ['ec2-instances'] },
  moduleUrl: import.meta.url,
  configSchema: z
    .object({
      metricsPerInstance: z.number().int().positive().default(7).describe('Billed metrics per instance with detailed monitoring (EC2 publishes 7 by default)'),
      excludeTagKeys: z
        .array(z.string().min(1))
        .default(['finops:ignore', 'aws:autoscaling:groupName'])
        .describe('Instances carrying any of these tag keys are skipped (Auto Scaling groups may scale on 1-minute metrics)'),
    })
    .strict(),
  docsExample: { metricsPerInstance: 7, excludeTagKeys: ['finops:ignore', 'aws:autoscaling:groupName'] },
  *run(ctx) {
    for (const instance of ownRecords(ctx, 'ec2-instances')) {
      const instanceId = instance.InstanceId;
      if (!instanceId || instance.State?.Name !== 'running') continue;
      if (instance.Monitoring?.State !== 'enabled') continue;
      const tags = tagsOf(instance.Tags);
      if (hasAnyTag(tags, ctx.config.excludeTagKeys)) continue;
      const rate = ctx.pricing.rate(instance.Region, AWS_RATE.cloudwatchMetricMonth);
      const monthly = rate ? new Decimal(rate.price).times(ctx.config.metricsPerInstance) : undefined;
      const finding: FindingWireInput = {
        provider: 'aws',
        accountId: ctx.accountId,
        region: instance.Region,
        resourceType: 'ec2-instance',
        resourceId: instanceId,
        checkId: ID,
        checkVersion: VERSION,
        category: 'waste',
        severity: 'info',
        title: `Detailed monitoring is enabled on ${instanceId}`,
        recommendation:
          'Disable detailed monitoring (aws ec2 unmonitor-instances) unless alarms or scaling policies need 1-minute data; basic monitoring keeps 5-minute metrics for free.',
        estimatedMonthlySavings: monthly ? money(monthly) : '0',
        currency: rate?.currency ?? ctx.pricing.currency,
        savingsBasis: monthly ? 'estimated' : 'unknown',
        ...(monthly ? { observedMonthlyCost: money(monthly) } : {}),
        evidence: {
          instanceType: instance.InstanceType ?? null,
          monitoringState: 'enabled',
          metricsPerInstance: ctx.config.metricsPerInstance,
          metricMonthPrice: rate?.price ?? null,
          savingsFormula: 'metricsPerInstance x CloudWatch metric-month price (first tier)',
          priceSource: rate?.source ?? null,
          priceRetrieved: rate?.retrieved ?? null,
          ...(monthly ? {} : { note: `no CloudWatch metric price for ${instance.Region}` }),
        },
        tags,
        exclusionGroup: exclusionGroupFor('ec2-instance', instanceId, EXCLUSION_ASPECTS.monitoring),
      };
      yield finding;
    }
  },
});
