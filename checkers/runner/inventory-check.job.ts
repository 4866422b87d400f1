import { castFindingsToBatch, type FindingColumns, type FindingRejection, FINDING_DECIMAL_SCALE, formatDecimal, writeFindingsBatch } from '@openfinops/contracts';
import { LakeLayout } from '@openfinops/tenants';
import { readInventorySnapshot } from '../collectors/inventory-snapshot.repository.ts';
import { ec2OnDemandLinuxPricing } from '../aws/pricing/ec2-pricing.ts';
import { getChecker } from '../registry.ts';
import { collectFindings, createCheckerContext, fixedClock } from '../sdk/context.ts';
import type { Checker } from '../sdk/define-checker.ts';
import type { InventoryKind, InventorySnapshot } from '../sdk/inventory.ts';
import { type LogEntry, memoryLogger } from '../sdk/logger.ts';

/**
 * One account's inventory check runs, as a check worker thread (or the caller's own thread) executes them: the
 * account's latest lake snapshots are read once, then each built-in checker runs over them, its findings are cast
 * and written as that run's parquet file, and what the caller's lifecycle needs comes back as plain data.
 * Everything here is cloneable, so a job and its outcomes cross a thread boundary as they are.
 */
export interface InventoryCheckJob {
  dataDir: string;
  tenantId: string;
  accountId: string;
  /** ISO time of the runs (the checkers' clock and the findings' observed_at). */
  now: string;
  runs: InventoryCheckJobRun[];
}

export interface InventoryCheckJobRun {
  /** A built-in checker id; the version is checked against the thread's copy of the registry. */
  checkerId: string;
  checkerVersion: string;
  runId: string;
  /** Raw config, parsed with the checker's schema here (the caller parsed it too, so it is known to be valid). */
  config: unknown;
  /** The run's findings file (`LakeLayout.findingsFile`), already checked to lie inside the tenant's lake. */
  parquetPath: string;
}

/**
 * A column of a run's sightings: one value per row, or `{ every }` when every row holds the same value, as most
 * columns of a run do (its provider, resource type, currency, category...): one value crosses a thread boundary far
 * cheaper than thousands of copies of it.
 */
export type SightingColumn<T> = T[] | { every: T };

/** Row `row`'s value of a sighting column. */
export function sightingValue<T>(column: SightingColumn<T>, row: number): T {
  return Array.isArray(column) ? (column[row] as T) : column.every;
}

/**
 * The lifecycle's view of a run's findings, one column per field (cheaper to move between threads than one object
 * per finding). The run's account and check are the same for every row (`sightingColumnsOf` makes sure) and are
 * not repeated.
 */
export interface SightingColumns {
  fingerprint: string[];
  provider: SightingColumn<string>;
  region: SightingColumn<string>;
  resourceType: SightingColumn<string>;
  resourceId: string[];
  /** DECIMAL(18,6) text, as stored. */
  estimatedMonthlySavings: string[];
  currency: SightingColumn<string>;
  savingsBasis: SightingColumn<string>;
  exclusionGroup: SightingColumn<string | null>;
  category: SightingColumn<string>;
  severity: SightingColumn<string>;
  title: SightingColumn<string>;
}

interface RunOutcomeBase {
  runId: string;
  checkerId: string;
  /** The checker's log lines, in order (forwarded by the caller). */
  logs: LogEntry[];
}

export interface InventoryCheckRunSucceeded extends RunOutcomeBase {
  ok: true;
  emitted: number;
  rows: number;
  rejected: number;
  /** The first rejections (at most `MAX_REJECTIONS_RETURNED`); `rejected` has the count. */
  rejections: FindingRejection[];
  sightings: SightingColumns;
}

export interface InventoryCheckRunFailed extends RunOutcomeBase {
  ok: false;
  /** Why the run failed (no file was left behind). */
  error: string;
  emitted: number;
}

export type InventoryCheckRunOutcome = InventoryCheckRunSucceeded | InventoryCheckRunFailed;

export const MAX_REJECTIONS_RETURNED = 50;

/** The inventory kinds any of `checkers` reads (the snapshot a job loads). */
function kindsOf(checkers: readonly Checker<unknown>[]): InventoryKind[] {
  return [...new Set(checkers.flatMap((c) => c.inputs.inventory ?? []))];
}

function compact<T>(values: T[]): SightingColumn<T> {
  if (values.length < 2) return values;
  const first = values[0] as T;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return values;
  return { every: first };
}

/**
 * A run's sightings from the columns its cast built (`onColumns`; arrays are shared with them, not copied), refusing
 * a run whose findings leave its scope: a run covers only its own check and account, whichever thread it runs on.
 */
export function sightingColumnsOf(columns: FindingColumns, scope: { accountId: string; checkId: string }): SightingColumns {
  const { text } = columns;
  for (let i = 0; i < columns.length; i++) {
    const accountId = text.account_id.values[i]!;
    const checkId = text.check_id.values[i]!;
    if (accountId !== scope.accountId || checkId !== scope.checkId) {
      throw new Error(`Checker ${scope.checkId} emitted a finding for ${checkId} in account ${accountId}; a run covers only its own check and account`);
    }
  }
  const groups = text.exclusion_group;
  const savings = new Array<string>(columns.length);
  // A run repeats a few amounts (one per instance type, size or price): each is formatted once.
  const formatted = new Map<bigint, string>();
  for (let i = 0; i < columns.length; i++) {
    const value = columns.savings[i]!;
    let decimal = formatted.get(value);
    if (decimal === undefined) {
      decimal = formatDecimal(value, FINDING_DECIMAL_SCALE);
      formatted.set(value, decimal);
    }
    savings[i] = decimal;
  }
  return {
    fingerprint: text.fingerprint.values,
    provider: compact(text.provider.values),
    region: compact(text.region.values),
    resourceType: compact(text.resource_type.values),
    resourceId: text.resource_id.values,
    estimatedMonthlySavings: savings,
    currency: compact(text.currency.values),
    savingsBasis: compact(text.savings_basis.values),
    exclusionGroup: compact(groups.values.map((value, i) => (groups.valid?.[i] === false ? null : value))),
    category: compact(text.category.values),
    severity: compact(text.severity.values),
    title: compact(text.title.values),
  };
}

/** Log objects must survive a structured clone; anything that would not (functions, class instances) is sent as JSON data. */
function cloneableLogs(entries: LogEntry[]): LogEntry[] {
  return entries.map((entry) => {
    try {
      structuredClone(entry.obj);
      return entry;
    } catch {
      return { ...entry, obj: JSON.parse(JSON.stringify(entry.obj ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as object };
    }
  });
}

/**
 * A built-in checker by id, refusing a version other than the caller's (a worker started from other code). Plugins
 * and test checkers are not resolvable in another thread: the caller runs those itself.
 */
function builtinChecker(run: InventoryCheckJobRun): Checker<unknown> {
  const checker = getChecker(run.checkerId);
  if (checker.version !== run.checkerVersion) {
    throw new Error(`checker ${run.checkerId} is version ${checker.version} in this thread, the run asked for ${run.checkerVersion}`);
  }
  return checker;
}

/** Runs one job; a failing run is reported in its outcome and never stops the job's other runs. */
export async function runInventoryCheckJob(job: InventoryCheckJob): Promise<InventoryCheckRunOutcome[]> {
  const layout = new LakeLayout(job.dataDir);
  const now = new Date(job.now);
  if (Number.isNaN(now.getTime())) throw new TypeError(`inventory check job: now is not a valid time: ${JSON.stringify(job.now)}`);
  const resolved = job.runs.map((run) => {
    try {
      return { run, checker: builtinChecker(run) };
    } catch (err) {
      return { run, error: (err as Error).message };
    }
  });
  const checkers = resolved.flatMap((r) => (r.checker ? [r.checker] : []));
  const snapshot: Record<string, unknown[]> = {};
  for (const kind of kindsOf(checkers)) {
    snapshot[kind] = await readInventorySnapshot(layout, job.tenantId, kind, { accountId: job.accountId });
  }
  const pricing = ec2OnDemandLinuxPricing();
  const outcomes: InventoryCheckRunOutcome[] = [];
  // Each file is written (fsyncs included) while the next run's checks go on; the job answers once all are durable.
  const writes: { index: number; written: Promise<void> }[] = [];
  for (const { run, checker, error } of resolved) {
    const captured = memoryLogger();
    if (!checker) {
      outcomes.push({ ok: false, runId: run.runId, checkerId: run.checkerId, error: error ?? 'unknown checker', emitted: 0, logs: [] });
      continue;
    }
    let emitted = 0;
    try {
      const ctx = createCheckerContext(checker, {
        tenantId: job.tenantId,
        accountId: job.accountId,
        config: run.config,
        inventory: snapshot as InventorySnapshot,
        pricing,
        clock: fixedClock(now),
        logger: captured,
      });
      const findings = await collectFindings(checker, ctx);
      emitted = findings.length;
      let sightings: SightingColumns | undefined;
      const scope = { accountId: job.accountId, checkId: checker.id };
      const { batch, rejected } = castFindingsToBatch(findings, { tenantId: job.tenantId, runId: run.runId, observedAt: now }, { onColumns: (columns) => (sightings = sightingColumnsOf(columns, scope)) });
      const written = writeFindingsBatch(batch, run.parquetPath);
      written.catch(() => undefined);
      writes.push({ index: outcomes.length, written });
      outcomes.push({
        ok: true,
        runId: run.runId,
        checkerId: run.checkerId,
        emitted,
        rows: batch.numRows,
        rejected: rejected.length,
        rejections: rejected.slice(0, MAX_REJECTIONS_RETURNED),
        sightings: sightings!,
        logs: cloneableLogs(captured.entries),
      });
    } catch (err) {
      outcomes.push({
        ok: false,
        runId: run.runId,
        checkerId: run.checkerId,
        error: err instanceof Error ? err.message : String(err),
        emitted,
        logs: cloneableLogs(captured.entries),
      });
    }
  }
  for (const { index, written } of writes) {
    try {
      await written;
    } catch (err) {
      const outcome = outcomes[index]!;
      outcomes[index] = {
        ok: false,
        runId: outcome.runId,
        checkerId: outcome.checkerId,
        error: `writing findings: ${err instanceof Error ? err.message : String(err)}`,
        emitted: outcome.emitted,
        logs: outcome.logs,
      };
    }
  }
  return outcomes;
}
