import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import { decimalString, lastFullMonth, PROVIDER_FILTER_SQL, providerNamesParam, type Period } from '../../sdk/focus-checks.ts';
import type { FocusInput, FocusRow } from '../../sdk/focus-input.ts';

const META = { checkId: 'gcp/idle-external-ip', checkVersion: '1.0.0' } as const;

export interface IdleIpRow extends FocusRow {
  resource_id: string | null;
  region: string | null;
  sku_id: string | null;
  sku: string;
  currency: string;
  cost: string;
  hours: string | null;
}

/** Charges of reserved-but-unused static IPs ("Static Ip Charge") and IPs on stopped VMs ("External IP Charge on a Standby VM"). */
export function queryIdleExternalIps(focus: FocusInput, p: { accountId: string; period: Period }): Promise<IdleIpRow[]> {
  return focus.query<IdleIpRow>(
    `SELECT "ResourceId" AS resource_id, "RegionId" AS region, "SkuId" AS sku_id,
            COALESCE("SkuMeter", "ChargeDescription") AS sku, "BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost, CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS hours
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND (COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Static Ip Charge%'
             OR COALESCE("SkuMeter", "ChargeDescription") ILIKE '%External IP Charge on a Standby VM%')
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
      GROUP BY ALL
     HAVING SUM("EffectiveCost") > 0
      ORDER BY resource_id NULLS LAST, region, sku, currency`,
    [providerNamesParam('gcp'), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export const gcpIdleExternalIpChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Idle external IP addresses',
  description:
    'Static external IPs reserved but not used, and external IPs held by stopped (standby) VMs, billed in the last full month. The billed amount is paid for nothing, so it is the exact saving of releasing the address.',
  provider: 'gcp',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['external-ip'],
  inputs: { focus: true },
  configSchema: z.object({ minMonthlyCost: decimalString('0.5', 'Skip addresses whose idle cost in the month is below this amount') }).strict(),
  docsExample: { minMonthlyCost: '1' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    const period = lastFullMonth(ctx.clock.now());
    for (const r of await queryIdleExternalIps(ctx.inputs.focus, { accountId: ctx.accountId, period })) {
      const cost = new Decimal(r.cost);
      if (cost.lt(ctx.config.minMonthlyCost)) continue;
      const region = r.region ?? 'global';
      const standby = /standby/i.test(r.sku);
      const resourceId = r.resource_id ?? `${ctx.accountId}/${region}/${r.sku_id ?? r.sku}`;
      yield {
        provider: 'gcp',
        accountId: ctx.accountId,
        region,
        resourceType: 'external-ip',
        resourceId,
        checkId: META.checkId,
        checkVersion: META.checkVersion,
        category: 'waste',
        severity: 'low',
        title: `${standby ? 'External IP on a stopped VM' : 'Unused static external IP'} (${resourceId}) billed ${money(cost)} ${r.currency} in ${period.label}`,
        recommendation: standby
          ? 'Delete the stopped VM or remove its external IP (use an ephemeral IP or Cloud NAT when it runs again).'
          : 'Release the reserved static address (gcloud compute addresses delete) if nothing uses it; check DNS records and allow-lists first.',
        estimatedMonthlySavings: money(cost),
        currency: r.currency,
        savingsBasis: 'exact',
        observedMonthlyCost: money(cost),
        evidence: {
          period: period.label,
          periodStart: period.start.toISOString(),
          periodEnd: period.end.toISOString(),
          sku: r.sku,
          skuId: r.sku_id,
          idleCost: money(cost),
          hours: r.hours,
        },
        exclusionGroup: exclusionGroupFor('external-ip', resourceId, undefined, 'gcp'),
      };
    }
  },
});
