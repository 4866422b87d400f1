import type { FindingView } from '@openfinops/contracts';
import type { FindingState } from '../generated/prisma/client.ts';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * The fields every view of a FindingState shares (the API's FindingView and the CLI's FindingStateView): money as a
 * decimal string beside its currency. Times are left to each view (ISO strings over HTTP, Dates in-process).
 */
export function findingFields(row: FindingState) {
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
    suppressedBy: row.suppressedBy,
    suppressedReason: row.suppressedReason,
  };
}

/** A FindingState row as the API returns it: times as ISO strings. */
export function findingView(row: FindingState): FindingView {
  return {
    ...findingFields(row),
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: iso(row.resolvedAt),
    suppressedUntil: iso(row.suppressedUntil),
    assignee: row.assignee,
    assignedAt: iso(row.assignedAt),
  };
}
