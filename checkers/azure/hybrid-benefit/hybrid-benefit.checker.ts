import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { money } from '../../sdk/checker-helpers.ts';
import { defineChecker } from '../../sdk/define-checker.ts';
import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import { billingAsOf, decimalString, lastFullMonth, PROVIDER_FILTER_SQL, providerNamesParam, ratioString, type Period } from '../../sdk/focus-checks.ts';
import type { FocusInput, FocusRow } from '../../sdk/focus-input.ts';

const META = { checkId: 'azure/hybrid-benefit', checkVersion: '1.0.0' } as const;

export interface WindowsVmRow extends FocusRow {
  resource_id: string;
  resource_name: string | null;
  region: string | null;
  meter_subcategory: string;
  meter: string | null;
  currency: string;
  cost: string;
  hours: string | null;
}

/**
 * On-demand VM hours billed on a Windows meter ("… Series Windows" subcategory): the price includes the Windows
 * Server licence. With Azure Hybrid Benefit the meter is the base (Linux) one and AdditionalInfo says "Windows Server BYOL".
 */
export function queryWindowsLicensedVms(focus: FocusInput, p: { accountId: string; period: Period }): Promise<WindowsVmRow[]> {
  return focus.query<WindowsVmRow>(
    `SELECT "ResourceId" AS resource_id, max("ResourceName") AS resource_name, "RegionId" AS region,
            "x_SkuMeterSubcategory" AS meter_subcategory, max("SkuMeter") AS meter, "BillingCurrency" AS currency,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost, CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS hours
       FROM focus
      WHERE ${PROVIDER_FILTER_SQL(1)}
        AND "SubAccountId" = $2
        AND "ChargeCategory" = 'Usage'
        AND "PricingCategory" = 'Standard'
        AND "ResourceId" IS NOT NULL
        AND "x_SkuMeterCategory" = 'Virtual Machines'
        AND "x_SkuMeterSubcategory" ILIKE '%windows%'
        AND COALESCE("x_SkuDetails", '') NOT ILIKE '%BYOL%'
        AND "ChargePeriodStart" >= CAST($3 AS TIMESTAMPTZ) AND "ChargePeriodStart" < CAST($4 AS TIMESTAMPTZ)
      GROUP BY "ResourceId", "RegionId", "x_SkuMeterSubcategory", "BillingCurrency"
     HAVING SUM("EffectiveCost") > 0
      ORDER BY resource_id, meter_subcategory, currency`,
    [providerNamesParam('azure'), p.accountId, p.period.start.toISOString(), p.period.end.toISOString()],
  );
}

export const azureHybridBenefitChecker = defineChecker({
  id: META.checkId,
  version: META.checkVersion,
  title: 'Windows VMs paying for the Windows Server licence (no Azure Hybrid Benefit)',
  description:
    'On-demand Windows VM hours of the last full month billed on Windows meters without Azure Hybrid Benefit; saving = billed cost x the licence share of the Windows meter price (estimated; needs Windows Server licences with Software Assurance).',
  provider: 'azure',
  category: 'rightsizing',
  severity: 'medium',
  resourceTypes: ['virtual-machine'],
  inputs: { focus: true },
  configSchema: z
    .object({
      licenseShare: ratioString('0.4', 'Share of a Windows VM meter price that is the Windows Server licence (about 0.4 on general-purpose sizes)'),
      minMonthlySavings: decimalString('5', 'Skip VMs whose estimated monthly saving is below this amount'),
    })
    .strict(),
  docsExample: { licenseShare: '0.45', minMonthlySavings: '10' },
  moduleUrl: import.meta.url,
  async *run(ctx) {
    const period = lastFullMonth((await billingAsOf(ctx, 'azure')).month);
    for (const r of await queryWindowsLicensedVms(ctx.inputs.focus, { accountId: ctx.accountId, period })) {
      const cost = new Decimal(r.cost);
      const savings = cost.times(ctx.config.licenseShare);
      if (savings.lt(ctx.config.minMonthlySavings)) continue;
      const name = r.resource_name ?? r.resource_id.split('/').pop() ?? r.resource_id;
      yield {
        provider: 'azure',
        accountId: ctx.accountId,
        region: r.region ?? 'global',
        resourceType: 'virtual-machine',
        resourceId: r.resource_id,
        checkId: META.checkId,
        checkVersion: META.checkVersion,
        category: 'rightsizing',
        severity: 'medium',
        title: `${name} pays the Windows Server licence: ${money(cost)} ${r.currency} in ${period.label}`,
        recommendation:
          'If you own Windows Server licences with Software Assurance (or subscriptions), turn on Azure Hybrid Benefit for this VM (Configuration → Licensing); no restart needed.',
        estimatedMonthlySavings: money(savings),
        currency: r.currency,
        savingsBasis: 'estimated',
        observedMonthlyCost: money(cost),
        evidence: {
          period: period.label,
          periodStart: period.start.toISOString(),
          periodEnd: period.end.toISOString(),
          meterSubcategory: r.meter_subcategory,
          meter: r.meter,
          billedCost: money(cost),
          hours: r.hours,
          licenseShare: ctx.config.licenseShare,
        },
        exclusionGroup: exclusionGroupFor('virtual-machine', r.resource_id, 'license', 'azure'),
      };
    }
  },
});
