import { DataType, type RecordBatch } from 'apache-arrow';
import { type z } from 'zod';
import { DecimalError, FINDING_DECIMAL_SCALE, formatDecimal, toDecimal18_6 } from './decimal.ts';
import { type FindingWire, FindingWireSchema } from './finding.schema.ts';
import { type ValidatedFinding, validateWireFast } from './finding-wire-fast.ts';
import { canonicalJson, findingId, findingIdsOfRun, fingerprint } from './fingerprint.ts';
import {
  type FindingColumns,
  findingColumnsToRecordBatch,
  type FindingTextColumn,
  runDayNumber,
  sortedTagKeys,
  type TextColumnValues,
} from './finding-arrow.ts';
import { findingArrowSchema, type FindingRecord } from './finding-storage.schema.ts';

export interface CastContext {
  tenantId: string;
  runId: string;
  observedAt: Date;
}

export interface FindingRejection {
  /** Position of the record in the input batch. */
  index: number;
  resourceId?: string;
  /** Wire field name (camelCase, dotted for nested paths); '' when the record itself is not an object. */
  field: string;
  reason: string;
}

export interface CastResult {
  records: FindingRecord[];
  rejected: FindingRejection[];
}

export const DUPLICATE_FINGERPRINT_REASON = 'duplicate fingerprint in run';

/** 'YYYY-MM-DD' of the UTC day of `date`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): { field: string; reason: string } {
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys.join(','), reason: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  const field = issue.path.map(String).join('.');
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined && issue.code === 'invalid_type') {
    return { field, reason: `missing required field "${field}"` };
  }
  return { field, reason: field ? `${field}: ${issue.message.replace(`${field}: `, '')}` : issue.message };
}

/** Scaled DECIMAL(18,6) savings: the fast validator's parse, else the zod output's text parsed (throws DecimalError). */
function savingsOf(finding: ValidatedFinding): bigint {
  return finding.savings ?? toDecimal18_6(finding.wire.estimatedMonthlySavings, 'estimatedMonthlySavings');
}

function observedCostOf(finding: ValidatedFinding): bigint | null {
  if (finding.observedCost !== undefined) return finding.observedCost;
  const text = finding.wire.observedMonthlyCost;
  return text === undefined || text === null ? null : toDecimal18_6(text, 'observedMonthlyCost');
}

function toRecord(finding: ValidatedFinding, ctx: CastContext, fp: string, runDate: string): FindingRecord {
  const { wire } = finding;
  const discriminator = wire.discriminator && wire.discriminator !== '' ? wire.discriminator : null;
  const savings = savingsOf(finding);
  const observedCost = observedCostOf(finding);
  return {
    tenant_id: ctx.tenantId,
    run_id: ctx.runId,
    run_date: runDate,
    observed_at: new Date(ctx.observedAt.getTime()),
    fingerprint: fp,
    finding_id: findingId(fp, ctx.runId),
    provider: wire.provider,
    account_id: wire.accountId,
    region: wire.region,
    resource_type: wire.resourceType,
    resource_id: wire.resourceId,
    check_id: wire.checkId,
    check_version: wire.checkVersion,
    category: wire.category,
    severity: wire.severity,
    title: wire.title,
    recommendation: wire.recommendation,
    estimated_monthly_savings: formatDecimal(savings, FINDING_DECIMAL_SCALE),
    currency: wire.currency,
    savings_basis: wire.savingsBasis,
    observed_monthly_cost: observedCost === null ? null : formatDecimal(observedCost, FINDING_DECIMAL_SCALE),
    evidence: finding.evidenceJson,
    tags: { ...wire.tags },
    discriminator,
    exclusion_group: wire.exclusionGroup ?? null,
  };
}

/** Throws the cast's TypeError for a bad `ctx` (it concerns the whole run). */
export function assertCastContext(ctx: CastContext): void {
  if (ctx === null || typeof ctx !== 'object') throw new TypeError('castFindings: ctx must be { tenantId, runId, observedAt }');
  if (typeof ctx.tenantId !== 'string' || ctx.tenantId.trim() === '') throw new TypeError('castFindings: ctx.tenantId must be a non-empty string');
  if (typeof ctx.runId !== 'string' || ctx.runId.trim() === '') throw new TypeError('castFindings: ctx.runId must be a non-empty string');
  if (!(ctx.observedAt instanceof Date) || Number.isNaN(ctx.observedAt.getTime())) {
    throw new TypeError(`castFindings: ctx.observedAt must be a valid Date, got ${String(ctx.observedAt)}`);
  }
}

const RESOURCE_ID_PATH = ['resourceId'] as const;

/**
 * The validation loop both cast paths share (`ctx` already checked): each input is validated (fast path, else
 * zod), fingerprinted and handed to `accept`; a bad record, or one `accept` refuses by throwing, is reported in
 * the returned rejections.
 */
function castEach(inputs: unknown[], ctx: CastContext, accept: (finding: ValidatedFinding, fingerprint: string) => void): FindingRejection[] {
  if (!Array.isArray(inputs)) throw new TypeError('castFindings: inputs must be an array');
  const rejected: FindingRejection[] = [];
  const seen = new Set<string>();

  inputs.forEach((input, index) => {
    const rawResourceId = valueAt(input, RESOURCE_ID_PATH);
    const resourceId = typeof rawResourceId === 'string' ? rawResourceId : undefined;
    const reject = (field: string, reason: string) => rejected.push({ index, ...(resourceId !== undefined ? { resourceId } : {}), field, reason });

    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      reject('', `record ${index} is not an object`);
      return;
    }
    // The fast validator accepts only records zod would accept with the same output; anything it
    // is unsure about goes through zod, so every rejection message comes from the one schema.
    let validated = validateWireFast(input as Record<string, unknown>);
    if (validated === undefined) {
      const parsed = FindingWireSchema.safeParse(input);
      if (!parsed.success) {
        const described = parsed.error.issues.map((issue) => describeIssue(input, issue));
        const first = described[0] ?? { field: '', reason: 'invalid finding' };
        reject(first.field, described.map((d) => d.reason).join('; '));
        return;
      }
      let evidenceJson: string;
      try {
        // Zod accepts strings JSON cannot carry canonically (lone surrogates); canonicalJson refuses them.
        evidenceJson = canonicalJson(parsed.data.evidence);
      } catch (error) {
        reject('evidence', `evidence: ${(error as Error).message}`);
        return;
      }
      validated = { wire: parsed.data, evidenceJson };
    }
    const w = validated.wire;
    const fp = fingerprint({
      tenantId: ctx.tenantId,
      provider: w.provider,
      accountId: w.accountId,
      region: w.region,
      resourceType: w.resourceType,
      resourceId: w.resourceId,
      checkId: w.checkId,
      discriminator: w.discriminator,
    });
    if (seen.has(fp)) {
      reject('fingerprint', DUPLICATE_FINGERPRINT_REASON);
      return;
    }
    try {
      accept(validated, fp);
    } catch (error) {
      reject(error instanceof DecimalError ? error.field : '', (error as Error).message);
      return;
    }
    seen.add(fp);
  });
  return rejected;
}

/**
 * Validates wire findings and turns them into storage records (fingerprint, finding id, exact
 * DECIMAL(18,6) money, canonical evidence JSON). A bad record is reported in `rejected` with its
 * index, resourceId (when readable) and the offending field, and never stops the batch. Within a
 * batch the first record of a fingerprint wins; later ones are rejected as duplicates.
 * Throws only for a bad `ctx` (it concerns the whole run).
 */
export function castFindings(inputs: unknown[], ctx: CastContext): CastResult {
  assertCastContext(ctx);
  const records: FindingRecord[] = [];
  const runDate = utcDay(ctx.observedAt);
  const rejected = castEach(inputs, ctx, (finding, fp) => {
    records.push(toRecord(finding, ctx, fp, runDate));
  });
  return { records, rejected };
}

/** A finding `castFindingsToBatch` accepted into its batch, for callers that need per-finding facts too. */
export interface AcceptedFinding {
  fingerprint: string;
  /** The validated wire finding (trimmed text, defaulted evidence/tags), as the batch row was built from it. */
  wire: FindingWire;
  /** `estimated_monthly_savings` scaled by 10^6, as stored; `formatDecimal(savings, FINDING_DECIMAL_SCALE)` is its text. */
  savings: bigint;
}

export interface BatchCastOptions {
  /**
   * Called once per row of the batch, in row order, after the whole batch is cast (so a throwing callback cannot
   * leave a partial row): e.g. the lifecycle's sightings, without a storage record object per finding.
   */
  onAccepted?: (finding: AcceptedFinding) => void;
  /**
   * Called once, after the whole batch is cast, with its column values (`finding_id` excepted, which may still be
   * empty): per-column facts of a run without an object per finding. The columns must not be changed; their typed
   * arrays may be moved to another thread once the call returns. A throw leaves nothing appended.
   */
  onColumns?: (columns: FindingColumns) => void;
}

export interface BatchCastResult {
  /** The valid findings as one Arrow record batch with `findingArrowSchema`. */
  batch: RecordBatch;
  rejected: FindingRejection[];
}

const TEXT_COLUMN_NAMES = findingArrowSchema.fields.filter((f) => DataType.isUtf8(f.type)).map((f) => f.name as FindingTextColumn);

/** What `castFindingsToColumns` makes of a run: the checked column values, with `finding_id` still to compute. */
export interface CastColumns {
  /** Every column of the batch but `finding_id`, whose values are empty (see `withFindingIds`). */
  columns: FindingColumns;
  rejected: FindingRejection[];
  /** One per row, in row order, when asked for. */
  accepted?: AcceptedFinding[];
}

/**
 * The per-finding part of `castFindingsToBatch`: validation, rejections, fingerprints and every column value but the
 * finding ids; the rest (`withFindingIds` and `findingColumnsToRecordBatch`) is per-column work that can run on
 * another thread. `onAccepted` is not called here: the caller calls it with `accepted` once its batch is safe.
 */
export function castFindingsToColumns(inputs: unknown[], ctx: CastContext, wantAccepted = false): CastColumns {
  assertCastContext(ctx);
  const capacity = Array.isArray(inputs) ? inputs.length : 0;
  const text = Object.fromEntries(TEXT_COLUMN_NAMES.map((name) => [name, [] as string[]])) as Record<FindingTextColumn, string[]>;
  const discriminatorValid: boolean[] = [];
  const exclusionGroupValid: boolean[] = [];
  let discriminatorNulls = 0;
  let exclusionGroupNulls = 0;
  const savings = new BigInt64Array(capacity);
  const observedCost = new BigInt64Array(capacity);
  const observedCostValid: boolean[] = [];
  let observedCostNulls = 0;
  const tagOffsets = new Int32Array(capacity + 1);
  const tagKeys: string[] = [];
  const tagValues: string[] = [];
  let rows = 0;
  const accepted: AcceptedFinding[] | undefined = wantAccepted ? [] : undefined;

  const rejected = castEach(inputs, ctx, (finding, fp) => {
    const { wire } = finding;
    // Everything that can throw comes before the first push, so a refused finding leaves no partial row.
    const saving = savingsOf(finding);
    const cost = observedCostOf(finding);
    const discriminator = wire.discriminator && wire.discriminator !== '' ? wire.discriminator : null;
    const exclusionGroup = wire.exclusionGroup ?? null;

    text.tenant_id.push(ctx.tenantId);
    text.run_id.push(ctx.runId);
    text.fingerprint.push(fp);
    text.provider.push(wire.provider);
    text.account_id.push(wire.accountId);
    text.region.push(wire.region);
    text.resource_type.push(wire.resourceType);
    text.resource_id.push(wire.resourceId);
    text.check_id.push(wire.checkId);
    text.check_version.push(wire.checkVersion);
    text.category.push(wire.category);
    text.severity.push(wire.severity);
    text.title.push(wire.title);
    text.recommendation.push(wire.recommendation);
    text.currency.push(wire.currency);
    text.savings_basis.push(wire.savingsBasis);
    text.evidence.push(finding.evidenceJson);
    text.discriminator.push(discriminator ?? '');
    discriminatorValid.push(discriminator !== null);
    if (discriminator === null) discriminatorNulls++;
    text.exclusion_group.push(exclusionGroup ?? '');
    exclusionGroupValid.push(exclusionGroup !== null);
    if (exclusionGroup === null) exclusionGroupNulls++;
    savings[rows] = saving;
    if (cost === null) observedCostNulls++;
    else observedCost[rows] = cost;
    observedCostValid.push(cost !== null);
    const tags = wire.tags ?? {};
    for (const key of sortedTagKeys(tags)) {
      tagKeys.push(key);
      tagValues.push(tags[key]!);
    }
    rows++;
    tagOffsets[rows] = tagKeys.length;
    accepted?.push({ fingerprint: fp, wire, savings: saving });
  });

  const runDay = runDayNumber(utcDay(ctx.observedAt), 'castFindingsToBatch: observedAt');
  const columns: FindingColumns = {
    length: rows,
    text: Object.fromEntries(
      TEXT_COLUMN_NAMES.map((name) => {
        const values = text[name];
        if (name === 'discriminator') return [name, { values, valid: discriminatorValid, nullCount: discriminatorNulls }];
        if (name === 'exclusion_group') return [name, { values, valid: exclusionGroupValid, nullCount: exclusionGroupNulls }];
        return [name, { values, nullCount: 0 }];
      }),
    ) as Record<FindingTextColumn, TextColumnValues>,
    runDays: new Int32Array(rows).fill(runDay),
    observedAt: new BigInt64Array(rows).fill(BigInt(ctx.observedAt.getTime())),
    savings: savings.slice(0, rows),
    observedCost: observedCost.slice(0, rows),
    observedCostValid,
    observedCostNulls,
    tagOffsets: tagOffsets.slice(0, rows + 1),
    tagKeys,
    tagValues,
  };
  return { columns, rejected, ...(accepted ? { accepted } : {}) };
}

/** Fills the `finding_id` column of `castFindingsToColumns` (one SHA-256 per row, from its fingerprint and `runId`). */
export function withFindingIds(columns: FindingColumns, runId: string): FindingColumns {
  columns.text.finding_id = { values: findingIdsOfRun(columns.text.fingerprint.values, runId), nullCount: 0 };
  return columns;
}

/**
 * `castFindings` straight into an Arrow record batch: the same validation, rejections, fingerprints and values,
 * without a storage record object per finding (no record, Date, tags copy or money text that is parsed again).
 * The batch equals `findingsToRecordBatch(castFindings(inputs, ctx).records)` buffer for buffer; it is the path
 * for large runs, where those short-lived objects cost more than the work itself.
 */
export function castFindingsToBatch(inputs: unknown[], ctx: CastContext, options: BatchCastOptions = {}): BatchCastResult {
  const { columns, rejected, accepted } = castFindingsToColumns(inputs, ctx, options.onAccepted !== undefined);
  const batch = findingColumnsToRecordBatch(withFindingIds(columns, ctx.runId));
  if (accepted) for (const finding of accepted) options.onAccepted!(finding);
  options.onColumns?.(columns);
  return { batch, rejected };
}
