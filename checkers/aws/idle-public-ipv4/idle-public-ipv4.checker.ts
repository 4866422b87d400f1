import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import { decimalString, lastFullMonth, PROVIDER_FILTER_SQL, providerNamesParam, type Period } from '../../sdk/focus-checks.ts';
import type { FocusInput, FocusRow } from '../../sdk/focus-input.ts';

const META = { checkId: 'aws/idle-public-ipv4', checkVersion: '1.0.0' } as const;

export interface IdleIpv4Row extends FocusRow {
  resource_id: string | null;
  region: string | null;
  currency: string;
  cost: string;
  hours: string | null;
}

/** Hourly public IPv4 charges for addresses not attached to a running resource (usage type `PublicIPv4:IdleAddress`). */
export function queryIdlePublicIpv4(focus: FocusInput, p: { accountId: string; period: Period }): Promise<IdleIpv4Row[]> {
  return focus.query<IdleIpv4Row>(
    `SELECT "ResourceId" AS resource_id, "RegionId" AS region, "BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost, CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS hours
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
        AND ("x_UsageType" LIKE '%PublicIPv4:IdleAddress%' OR "ChargeDescription" ILIKE '%idle public IPv4%')
      GROUP BY ALL
     HAVING SUM("EffectiveCost") > 0
      ORDER BY resource_id NULLS LAST, region, currency`,
    [providerNamesParam('aws'), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export const awsIdlePublicIpv4Checker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Idle public IPv4 addresses billed hourly',
  description:
    'Public IPv4 addresses billed as PublicIPv4:IdleAddress in the last full month (allocated but not attached to a running resource). Every idle hour is paid for nothing, so the billed amount is the exact saving of releasing them.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['elastic-ip'],
  inputs: { focus: true },
  configSchema: z.object({ minMonthlyCost: decimalString('0.5', 'Skip addresses whose idle cost in the month is below this amount') }).strict(),
  docsExample: { minMonthlyCost: '1' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    const period = lastFullMonth(ctx.clock.now());
    for (const r of await queryIdlePublicIpv4(ctx.inputs.focus, { accountId: ctx.accountId, period })) {
      const cost = new Decimal(r.cost);
      if (cost.lt(ctx.config.minMonthlyCost)) continue;
      const region = r.region ?? 'global';
      const allocation = /eipalloc-[0-9a-f]+/.exec(r.resource_id ?? '')?.[0];
      const resourceId = allocation ?? r.resource_id ?? `${region}:idle-public-ipv4`;
      yield {
        provider: 'aws',
        accountId: ctx.accountId,
        region,
        resourceType: 'elastic-ip',
        resourceId,
        checkId: META.checkId,
        checkVersion: META.checkVersion,
        category: 'waste',
        severity: 'low',
        title: `Idle public IPv4 ${resourceId} billed ${money(cost)} ${r.currency} in ${period.label}`,
        recommendation: 'Release the address if nothing needs it (or attach it to the resource that should use it); check DNS records and allow-lists that reference the IP before releasing.',
        estimatedMonthlySavings: money(cost),
        currency: r.currency,
        savingsBasis: 'exact',
        observedMonthlyCost: money(cost),
        evidence: {
          period: period.label,
          periodStart: period.start.toISOString(),
          periodEnd: period.end.toISOString(),
          idleCost: money(cost),
          idleHours: r.hours,
          billedResourceId: r.resource_id,
        },
        ...(allocation || r.resource_id ? { exclusionGroup: exclusionGroupFor('elastic-ip', resourceId) } : {}),
      };
    }
  },
});
