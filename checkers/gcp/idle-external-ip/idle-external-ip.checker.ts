import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import type { Period } from '../../sdk/focus-checks.ts';
import { defineIdleIpChecker, queryIdleIpCharges, type IdleIpRow as IdleIpChargeRow } from '../../sdk/focus-idle-ip.ts';
import type { FocusInput } from '../../sdk/focus-input.ts';

const META = { checkId: 'gcp/idle-external-ip', checkVersion: '1.0.0' } as const;

export interface IdleIpRow extends IdleIpChargeRow {
  sku_id: string | null;
  sku: string;
}

/** Charges of reserved-but-unused static IPs ("Static Ip Charge") and IPs on stopped VMs ("External IP Charge on a Standby VM"). */
export function queryIdleExternalIps(focus: FocusInput, p: { accountId: string; period: Period }): Promise<IdleIpRow[]> {
  return queryIdleIpCharges<IdleIpRow>(focus, {
    provider: 'gcp',
    ...p,
    columns: `"SkuId" AS sku_id, COALESCE("SkuMeter", "ChargeDescription") AS sku, `,
    matchSql: `COALESCE("SkuMeter", "ChargeDescription") ILIKE '%Static Ip Charge%'
             OR COALESCE("SkuMeter", "ChargeDescription") ILIKE '%External IP Charge on a Standby VM%'`,
    orderBy: 'resource_id NULLS LAST, region, sku, currency',
  });
}

export const gcpIdleExternalIpChecker = defineIdleIpChecker({
  ...META,
  title: 'Idle external IP addresses',
  description:
    'Static external IPs reserved but not used, and external IPs held by stopped (standby) VMs, billed in the last full month. The billed amount is paid for nothing, so it is the exact saving of releasing the address.',
  provider: 'gcp',
  resourceType: 'external-ip',
  moduleUrl: import.meta.url,
  query: queryIdleExternalIps,
  describe: (r, { accountId, region, cost, period }) => {
    const standby = /standby/i.test(r.sku);
    const resourceId = r.resource_id ?? `${accountId}/${region}/${r.sku_id ?? r.sku}`;
    return {
      resourceId,
      title: `${standby ? 'External IP on a stopped VM' : 'Unused static external IP'} (${resourceId}) billed ${cost} ${r.currency} in ${period.label}`,
      recommendation: standby
        ? 'Delete the stopped VM or remove its external IP (use an ephemeral IP or Cloud NAT when it runs again).'
        : 'Release the reserved static address (gcloud compute addresses delete) if nothing uses it; check DNS records and allow-lists first.',
      evidence: { sku: r.sku, skuId: r.sku_id, hours: r.hours },
      exclusionGroup: exclusionGroupFor('external-ip', resourceId, undefined, 'gcp'),
    };
  },
});
