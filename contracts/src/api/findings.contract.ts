import { z } from 'zod';
import { FINDING_STATUSES } from '../finding.schema.ts';
import { decimalString, filterValue, isoTimestamp, safeText } from './common.contract.ts';

/** Sort keys the API accepts (`-` = descending). */
export const FINDING_SORT_KEYS = ['-savings', 'savings', '-lastSeenAt', 'lastSeenAt', '-firstSeenAt', 'firstSeenAt', 'title', '-title'] as const;
export const FINDINGS_PAGE_MAX = 500;
export const EXPORT_FORMATS = ['csv', 'parquet', 'arrow'] as const;

/** Filters of the findings list and export. `text` matches title, resource id or check id (case-insensitive). */
export const findingFilterShape = {
  status: z.enum(FINDING_STATUSES).optional(),
  check: filterValue.optional(),
  category: filterValue.optional(),
  severity: filterValue.optional(),
  provider: filterValue.optional(),
  account: filterValue.optional(),
  region: filterValue.optional(),
  resource: filterValue.optional(),
  assignee: filterValue.optional(),
  text: filterValue.optional(),
  sort: z.enum(FINDING_SORT_KEYS).default('-savings'),
};

export const findingsListQuery = z
  .object({
    ...findingFilterShape,
    limit: z.coerce.number().int().min(1).max(FINDINGS_PAGE_MAX).default(50),
    cursor: z.string().min(1).max(2000).regex(/^[A-Za-z0-9_-]+$/, 'not a cursor').optional(),
  })
  .strict();
export type FindingsListQuery = z.infer<typeof findingsListQuery>;

export const findingsExportQuery = z.object({ ...findingFilterShape, format: z.enum(EXPORT_FORMATS).default('csv') }).strict();
export type FindingsExportQuery = z.infer<typeof findingsExportQuery>;

export const findingDetailQuery = z.object({ history: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

export const patchFindingBody = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('suppress'),
      reason: safeText(1000),
      until: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
  z.object({ action: z.literal('reopen') }).strict(),
  /** `assignee: null` clears the assignment. */
  z.object({ action: z.literal('assign'), assignee: safeText(254).nullable() }).strict(),
]);
export type PatchFindingBody = z.infer<typeof patchFindingBody>;

export const findingView = z.object({
  fingerprint: z.string(),
  checkId: z.string(),
  provider: z.string(),
  accountId: z.string(),
  region: z.string().nullable(),
  resourceType: z.string(),
  resourceId: z.string(),
  status: z.enum(FINDING_STATUSES),
  title: z.string(),
  category: z.string(),
  severity: z.string(),
  estimatedMonthlySavings: decimalString.nullable(),
  currency: z.string().nullable(),
  exclusionGroup: z.string().nullable(),
  firstSeenAt: isoTimestamp,
  lastSeenAt: isoTimestamp,
  resolvedAt: isoTimestamp.nullable(),
  suppressedUntil: isoTimestamp.nullable(),
  suppressedBy: z.string().nullable(),
  suppressedReason: z.string().nullable(),
  assignee: z.string().nullable(),
  assignedAt: isoTimestamp.nullable(),
});
export type FindingView = z.infer<typeof findingView>;

export const findingsListResponse = z.object({ findings: z.array(findingView), nextCursor: z.string().nullable() });
export type FindingsListResponse = z.infer<typeof findingsListResponse>;

/** One sighting of the finding by one run, from the findings parquet in the lake. */
export const findingObservation = z.object({
  runId: z.string(),
  runDate: z.string(),
  observedAt: isoTimestamp,
  checkVersion: z.string(),
  title: z.string(),
  recommendation: z.string(),
  estimatedMonthlySavings: decimalString,
  currency: z.string(),
  savingsBasis: z.string(),
  observedMonthlyCost: decimalString.nullable(),
  evidence: z.record(z.string(), z.unknown()),
});

export const findingDetailResponse = findingView.extend({
  savingsBasis: z.string().nullable(),
  reopenCount: z.number().int(),
  lastRunId: z.string(),
  /** Latest observation's recommendation (null before any observation is in the lake). */
  recommendation: z.string().nullable(),
  /** Newest first. */
  observations: z.array(findingObservation),
});
export type FindingDetailResponse = z.infer<typeof findingDetailResponse>;

/** Columns of findings/export, in order (CSV header, Arrow/parquet field names). */
export const FINDING_EXPORT_COLUMNS = [
  'fingerprint',
  'checkId',
  'provider',
  'accountId',
  'region',
  'resourceType',
  'resourceId',
  'status',
  'title',
  'category',
  'severity',
  'estimatedMonthlySavings',
  'currency',
  'exclusionGroup',
  'firstSeenAt',
  'lastSeenAt',
  'resolvedAt',
  'suppressedUntil',
  'suppressedReason',
  'assignee',
] as const;
