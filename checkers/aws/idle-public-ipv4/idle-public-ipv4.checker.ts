import { exclusionGroupFor } from '../../sdk/exclusion-group.ts';
import type { Period } from '../../sdk/focus-checks.ts';
import { defineIdleIpChecker, queryIdleIpCharges, type IdleIpRow } from '../../sdk/focus-idle-ip.ts';
import type { FocusInput } from '../../sdk/focus-input.ts';

const META = { checkId: 'aws/idle-public-ipv4', checkVersion: '1.0.0' } as const;

export type IdleIpv4Row = IdleIpRow;

/** Hourly public IPv4 charges for addresses not attached to a running resource (usage type `PublicIPv4:IdleAddress`). */
export function queryIdlePublicIpv4(focus: FocusInput, p: { accountId: string; period: Period }): Promise<IdleIpv4Row[]> {
  return queryIdleIpCharges<IdleIpv4Row>(focus, {
    provider: 'aws',
    ...p,
    columns: '',
    matchSql: `"x_UsageType" LIKE '%PublicIPv4:IdleAddress%' OR "ChargeDescription" ILIKE '%idle public IPv4%'`,
    orderBy: 'resource_id NULLS LAST, region, currency',
  });
}

export const awsIdlePublicIpv4Checker = defineIdleIpChecker({
  ...META,
  title: 'Idle public IPv4 addresses billed hourly',
  description:
    'Public IPv4 addresses billed as PublicIPv4:IdleAddress in the last full month (allocated but not attached to a running resource). Every idle hour is paid for nothing, so the billed amount is the exact saving of releasing them.',
  provider: 'aws',
  resourceType: 'elastic-ip',
  moduleUrl: import.meta.url,
  query: queryIdlePublicIpv4,
  describe: (r, { region, cost, period }) => {
    const allocation = /eipalloc-[0-9a-f]+/.exec(r.resource_id ?? '')?.[0];
    const resourceId = allocation ?? r.resource_id ?? `${region}:idle-public-ipv4`;
    return {
      resourceId,
      title: `Idle public IPv4 ${resourceId} billed ${cost} ${r.currency} in ${period.label}`,
      recommendation:
        'Release the address if nothing needs it (or attach it to the resource that should use it); check DNS records and allow-lists that reference the IP before releasing.',
      evidence: { idleHours: r.hours, billedResourceId: r.resource_id },
      ...(allocation || r.resource_id ? { exclusionGroup: exclusionGroupFor('elastic-ip', resourceId) } : {}),
    };
  },
});
