import type { FindingView } from '@openfinops/contracts';
import type { FindingState } from '../generated/prisma/client.ts';

const isoString = (d: Date) => d.toISOString();

/**
 * The fields every view of a FindingState shares (the API's FindingView and the CLI's FindingStateView): money as a
 * decimal string beside its currency, times through `time` (ISO strings over HTTP, Dates in-process).
 */
export function findingFields<T>(row: FindingState, time: (d: Date) => T) {
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
    firstSeenAt: time(row.firstSeenAt),
    lastSeenAt: time(row.lastSeenAt),
    resolvedAt: row.resolvedAt === null ? null : time(row.resolvedAt),
    suppressedUntil: row.suppressedUntil === null ? null : time(row.suppressedUntil),
    suppressedBy: row.suppressedBy,
    suppressedReason: row.suppressedReason,
  };
}

/** A FindingState row as the API returns it. */
export function findingView(row: FindingState): FindingView {
  // Object.assign onto the fresh object, not `{ ...findingFields(row), … }`: the spread made each row ~10× slower
  // (35 µs instead of 3 µs here), a third of an uncached findings page's CPU.
  return Object.assign(findingFields(row, isoString), {
    assignee: row.assignee,
    assignedAt: row.assignedAt === null ? null : row.assignedAt.toISOString(),
  });
}
