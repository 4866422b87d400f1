import type { FindingView } from '@openfinops/contracts';
import type { FindingState } from '../generated/prisma/client.ts';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** A FindingState row as the API returns it: money as a decimal string beside its currency, times as ISO strings. */
export function findingView(row: FindingState): FindingView {
  return {
    fingerprint: row.fingerprint,
    checkId: row.checkId,
    provider: row.provider,
    accountId: row.accountId,
    region: row.region,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    status: row.status,
    title: row.title,
    category: row.category,
    severity: row.severity,
    estimatedMonthlySavings: row.estimatedMonthlySavings === null ? null : row.estimatedMonthlySavings.toFixed(6),
    currency: row.currency,
    exclusionGroup: row.exclusionGroup,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: iso(row.resolvedAt),
    suppressedUntil: iso(row.suppressedUntil),
    suppressedBy: row.suppressedBy,
    suppressedReason: row.suppressedReason,
    assignee: row.assignee,
    assignedAt: iso(row.assignedAt),
  };
}
