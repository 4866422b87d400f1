/**
 * The FOCUS import pipeline: files → `src` view → conversion SQL → staged parquet → validation → reconciliation →
 * daily rollups → atomic swap into the tenant's lake partitions. Everything row-level runs inside DuckDB.
 * ImportState bookkeeping stays with the caller (apps/api) through the `state` hooks.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { type LakeLayout, partitionValues } from '@openfinops/tenants';
import { LAKE_PROVIDER, PASSTHROUGH_X_COLUMNS, SOURCE_HAS_COLUMN, type FormatProbe, type SourceFormat } from '../formats/format.ts';
import { detectFormat, formats as allFormats, getFormat, knownFormatIds, UnknownFormatError } from '../formats/registry.ts';
import { fastDecimalCasts } from './decimal-cast.ts';
import { canonicalDecimal, fromScaled, toScaled } from './decimal-text.ts';
import {
  applySessionSettings,
  copyConvertedToFile,
  copyConvertedToStaging,
  copyRollupsToStaging,
  createStagedFocusView,
  createStagedView,
  createView,
  describeJsonArrayColumns,
  describeParquetColumns,
  describeRelation,
  fileGroupScanSql,
  findColumnWithValue,
  findRowWithValue,
  type FocusTotalsRow,
  queryStagedPeriods,
  queryStagedTotals,
  partitionStagedFile,
  providerPartitionExpr,
  querySourceId,
  querySourceTotals,
  quoteIdent,
  type SourceTotalsRow,
} from './import-queries.ts';
import { acquireTenantLock, recoverInterruptedSwaps, swapPartitions } from './partition-swap.ts';
import { collectSourceFiles, findMalformedJsonLine, SourceInputError, type SourceFile, type SourceManifest } from './source-files.ts';

export class ReconciliationError extends Error {
  readonly code = 'RECONCILIATION_MISMATCH';
  constructor(message: string, readonly mismatches: ReconciliationMismatch[]) {
    super(message);
    this.name = 'ReconciliationError';
  }
}

export class FocusValidationError extends Error {
  readonly code = 'FOCUS_VALIDATION_FAILED';
  constructor(message: string, readonly summary: ValidationSummary) {
    super(message);
    this.name = 'FocusValidationError';
  }
}

export interface ReconciliationMismatch {
  billingPeriod: string;
  currency: string;
  measure: 'rows' | 'BilledCost' | 'EffectiveCost';
  source: string;
  focus: string;
  difference: string;
}

/** What the importer needs from the FOCUS validator (focus/src/validation): pass/fail and a short account. */
export interface ValidationSummary {
  valid: boolean;
  errors: number;
  warnings: number;
  messages: string[];
}

export type FocusValidator = (conn: DuckDBConnection, relationName: string) => Promise<ValidationSummary>;

export interface PeriodCurrencyTotals {
  billingPeriod: string;
  provider: string;
  currency: string;
  rows: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}

export interface ImportedPartition {
  billingPeriod: string;
  provider: string;
  source: string;
  rows: number;
  /** Sum over currencies is meaningless; kept per currency. */
  totals: PeriodCurrencyTotals[];
}

export interface ImportStateHooks {
  /** Whether this exact source version was already imported (then nothing is read or written). */
  isUnchanged(sourceKey: string, version: string): Promise<boolean>;
  /** Called after the swap committed, once per imported partition. */
  recordImported(entry: { sourceKey: string; version: string; partition: ImportedPartition }): Promise<void>;
}

export interface FocusImportOptions {
  tenantId: string;
  inputs: readonly string[];
  layout: LakeLayout;
  /** 'auto' (default) or a format id. */
  format?: string;
  runId?: string;
  validate?: FocusValidator;
  /** Abort (nothing replaced) when validation reports errors; otherwise the result carries the validation summary. */
  failOnInvalid?: boolean;
  state?: ImportStateHooks;
  onProgress?: (message: string) => void;
  threads?: number;
  memoryLimit?: string;
  /** Formats to choose from (tests); defaults to the registry. */
  formats?: readonly SourceFormat[];
  /**
   * Identity given by a cloud connector (apps/api/src/connectors): its ImportState key, the delivery's version
   * (assemblyId/executionId/watermark) and the lake `source=` id. Replaces detection from manifests/rows and the
   * content hash, which would read every staged byte once more for a version the connector already knows.
   */
  source?: { sourceKey: string; version: string; sourceId: string };
  /**
   * Stops the import between phases (after detection, source totals, conversion, validation, reconciliation, and
   * before the swap) and interrupts the DuckDB statement running when it fires. The import then throws the signal's
   * reason, with the lake, ImportState and staging as they were. Once the partition swap has started it is not
   * consulted any more: the journaled swap and its ImportState records complete, so they never disagree.
   */
  signal?: AbortSignal;
}

/**
 * Wall time of each phase in ms (operators compare them across runs; the benchmark prints them):
 * read = collect files, probe headers, detect the format, source id and version hash; sourceTotals = the format's own
 * totals over the source files, a second scan run beside the conversion (its time overlaps convert, which ends when both
 * scans have); convert = conversion SQL → staged parquet; validate = FOCUS 1.2 rules over the staged
 * rows; reconcile = staged totals compared with the source totals; rollups = daily rollups; swap = partition swap and
 * ImportState bookkeeping. Phases that did not run are 0.
 */
export interface ImportPhaseTimings {
  read: number;
  sourceTotals: number;
  convert: number;
  validate: number;
  reconcile: number;
  rollups: number;
  swap: number;
}

export interface FocusImportResult {
  status: 'imported' | 'skipped';
  runId: string;
  format: string;
  sourceKey: string;
  source: string;
  version: string;
  files: string[];
  rows: number;
  partitions: ImportedPartition[];
  totals: PeriodCurrencyTotals[];
  validation: ValidationSummary | null;
  durationMs: number;
  rowsPerSecond: number;
  phasesMs: ImportPhaseTimings;
}

/** Default DuckDB session limits of an import: see docs/focus/import.md (DuckDB settings) for the measurements. */
export const IMPORT_DEFAULT_THREADS = 2;
export const IMPORT_DEFAULT_MEMORY_LIMIT = '256MB';

const SAFE_SOURCE = /[^A-Za-z0-9._-]+/g;

/** Makes a lake-safe, stable source id; long or odd ids become a readable prefix plus a short hash. */
export function sanitizeSourceId(raw: string | null | undefined, fallback: string): string {
  const base = (raw ?? '').trim() || fallback;
  let cleaned = base.replace(SAFE_SOURCE, '_').replace(/\.{2,}/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  if (cleaned.length === 0 || cleaned.length > 64 || cleaned !== base) {
    const hash = createHash('sha256').update(base).digest('hex').slice(0, 12);
    cleaned = `${cleaned.slice(0, 40) || 'source'}-${hash}`;
  }
  return partitionValues.source(cleaned);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sourceVersion(format: SourceFormat, files: SourceFile[], manifests: SourceManifest[]): Promise<string> {
  const deliveries = manifests.map((m) => m.deliveryId).filter((d): d is string => Boolean(d));
  const hash = createHash('sha256').update(format.id);
  if (deliveries.length > 0) {
    for (const d of deliveries.sort()) hash.update(`\0delivery:${d}`);
  }
  // File contents always count: a re-delivered manifest id with different bytes is still a change.
  const digests = await Promise.all(files.map((f) => sha256File(f.path)));
  for (const d of digests.sort()) hash.update(`\0file:${d}`);
  return hash.digest('hex');
}

/** Turns DuckDB's CSV reader errors into one line naming the file, line and problem. */
export function describeCsvError(err: unknown, files: SourceFile[]): Error | null {
  const msg = err instanceof Error ? err.message : String(err);
  const line = /CSV Error on Line: (\d+)/.exec(msg);
  if (!line) {
    if (/Invalid unicode|invalid UTF-8|byte sequence/i.test(msg)) {
      const file = /file\s*=\s*(\S+)/.exec(msg)?.[1];
      const shown = files.find((f) => f.path === file)?.displayName ?? file ?? files.map((f) => f.displayName).join(', ');
      return new SourceInputError(`${shown}: not valid UTF-8 (${msg.split('\n')[0]}); export or convert the file as UTF-8`);
    }
    return null;
  }
  const file = /file\s*=\s*(\S+)/.exec(msg)?.[1];
  const shown = files.find((f) => f.path === file)?.displayName ?? file ?? 'input';
  const cols = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
  const detail = cols ? `expected ${cols[1]} columns, found ${cols[2]}` : (msg.split('\n')[0] ?? msg).replace(/^.*?Error:\s*/, '');
  const original = /Original Line: (.*)/.exec(msg)?.[1];
  return new SourceInputError(`${shown}: line ${line[1]}: ${detail}${original ? ` (${original.slice(0, 120)})` : ''}`);
}

/**
 * Turns DuckDB's "Malformed JSON in file …" into one line naming the file and line. DuckDB's own line number can point
 * past the broken record, so for NDJSON the file is re-read (error path only) to find the first line that is not a
 * JSON object.
 */
export async function describeJsonError(err: unknown, files: SourceFile[]): Promise<Error | null> {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /Malformed JSON in file "([^"]*)",?\s*(.*)/.exec(msg);
  if (!m) return null;
  const file = files.find((f) => f.path === m[1]);
  const shown = file?.displayName ?? m[1] ?? 'input';
  const detail = (m[2] ?? '').split('\n')[0]?.trim().replace(/\.$/, '') ?? '';
  if (file && file.kind === 'ndjson') {
    const bad = await findMalformedJsonLine(file.path, file.compression === 'gzip');
    if (bad) return new SourceInputError(`${shown}: line ${bad.line}: malformed JSON (${bad.message})`);
  }
  return new SourceInputError(`${shown}: malformed JSON (${detail})`);
}

/** CSV or JSON reader error → SourceInputError naming the file (and line); null when the error is something else. */
async function describeReadError(err: unknown, files: SourceFile[]): Promise<Error | null> {
  return describeCsvError(err, files) ?? (await describeJsonError(err, files));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface PreparedSource {
  format: SourceFormat;
  groups: SourceFile[][];
}

function groupByHeader(files: SourceFile[]): SourceFile[][] {
  const groups = new Map<string, SourceFile[]>();
  for (const f of files) {
    const key = `${f.kind}|${f.compression}|${f.jsonFormat ?? ''}|${f.columns.join('\u0001')}`;
    const g = groups.get(key) ?? [];
    g.push(f);
    groups.set(key, g);
  }
  return [...groups.values()];
}

async function chooseFormat(files: SourceFile[], requested: string, list: readonly SourceFormat[]): Promise<SourceFormat> {
  if (requested !== 'auto') {
    const format = getFormat(requested, list);
    const wrong = files.find((f) => !format.fileKinds.includes(f.kind));
    if (wrong) throw new SourceInputError(`${wrong.displayName}: format ${format.id} does not read ${wrong.kind} files`);
    return format;
  }
  let chosen: SourceFormat | null = null;
  for (const f of files) {
    const probe: FormatProbe = { fileName: path.basename(f.displayName), fileKind: f.kind, columns: f.columns };
    const hit = detectFormat(probe, list);
    if (!hit) {
      const seen = f.columns.slice(0, 20).join(', ') + (f.columns.length > 20 ? `, … (${f.columns.length} columns)` : '');
      throw new UnknownFormatError(
        `${f.displayName}: unknown billing format. Columns seen: ${seen || '(none)'}. Known formats: ${knownFormatIds(list).join(', ')}`,
      );
    }
    if (chosen && chosen.id !== hit.format.id) {
      throw new SourceInputError(`${f.displayName} is ${hit.format.id} but earlier files are ${chosen.id}; import them separately`);
    }
    chosen = hit.format;
  }
  if (!chosen) throw new SourceInputError('No input files');
  return chosen;
}

/** Builds `src`: the union of the file groups, plus NULL stand-ins for absent optional columns, tags and maps. */
async function createSrcView(conn: DuckDBConnection, prepared: PreparedSource): Promise<string[]> {
  const { format, groups } = prepared;
  const scans = groups.map((g) => fileGroupScanSql(g, format.read ?? {}));
  await createView(conn, 'src_raw', scans.map((s) => `(${s})`).join(' UNION ALL BY NAME '));
  const described = await describeRelation(conn, 'src_raw');
  const present = new Map(described.map((c) => [c.column_name, c.column_type]));
  const replace: string[] = [];
  const extra: string[] = [];
  const mapColumns = new Set(format.mapColumns ?? []);
  for (const col of format.optionalColumns ?? []) {
    if (!present.has(col) && !mapColumns.has(col)) extra.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(col)}`);
  }
  for (const col of format.mapColumns ?? []) {
    const type = present.get(col);
    const q = quoteIdent(col);
    const asMap = type?.startsWith('MAP(')
      ? `CAST(${q} AS MAP(VARCHAR, VARCHAR))`
      : `CASE WHEN ${q} IS NULL OR trim(CAST(${q} AS VARCHAR)) IN ('', '{}') THEN NULL ELSE json_transform(CAST(${q} AS VARCHAR), '"MAP(VARCHAR, VARCHAR)"') END`;
    if (type) replace.push(`${asMap} AS ${q}`);
    else extra.push(`CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS ${q}`);
  }
  if (format.tagColumnPrefix) {
    const prefix = format.tagColumnPrefix;
    const tagCols = described.map((c) => c.column_name).filter((c) => c.startsWith(prefix));
    if (tagCols.length === 0) extra.push(`CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS "__tags"`);
    else {
      const entries = `[${tagCols.map((c) => `{'k': '${c.slice(prefix.length).replaceAll("'", "''")}', 'v': CAST(${quoteIdent(c)} AS VARCHAR)}`).join(', ')}]`;
      const filtered = `list_filter(${entries}, e -> e.v IS NOT NULL AND e.v <> '')`;
      extra.push(`CASE WHEN len(${filtered}) = 0 THEN NULL ELSE map_from_entries(${filtered}) END AS "__tags"`);
    }
  }
  const select = `SELECT *${replace.length ? ` REPLACE (${replace.join(', ')})` : ''}${extra.map((e) => `, ${e}`).join('')} FROM src_raw`;
  await createView(conn, 'src', select);
  return described.map((c) => c.column_name);
}

async function conversionSql(format: SourceFormat, srcColumns: string[]): Promise<string> {
  const text = await readFile(format.sqlFile, 'utf8');
  let sql = (format.renderSql ? format.renderSql(text) : text).trim().replace(/;\s*$/, '');
  if (sql.includes(PASSTHROUGH_X_COLUMNS)) {
    const produced = new Set([...sql.matchAll(/AS\s+"(x_[^"]+)"/g)].map((m) => m[1]));
    const xs = srcColumns.filter((c) => c.startsWith('x_') && !produced.has(c));
    sql = sql.replace(PASSTHROUGH_X_COLUMNS, xs.map((c) => `, ${quoteIdent(c)}`).join(''));
  }
  const present = new Set(srcColumns);
  sql = sql.replace(SOURCE_HAS_COLUMN, (_, column: string) => (present.has(column) ? 'true' : 'false'));
  sql = sql.replaceAll(LAKE_PROVIDER, providerPartitionExpr(format.provider));
  return fastDecimalCasts(sql);
}

/** When a CAST fails, find the file, line and column holding the offending value. */
async function explainConversionError(conn: DuckDBConnection, err: unknown, prepared: PreparedSource): Promise<Error> {
  const msg = errorMessage(err);
  const read = await describeReadError(err, prepared.groups.flat());
  if (read) return read;
  const bad = /Could not convert string "([^"]*)" to ([A-Z(),0-9 ]+)/.exec(msg) ?? /Could not convert string '([^']*)' to ([A-Z(),0-9 ]+)/.exec(msg);
  if (!bad) return err instanceof Error ? err : new Error(msg);
  const value = bad[1] as string;
  for (const [gi, group] of prepared.groups.entries()) {
    for (const [fi, file] of group.entries()) {
      const view = `diag_${gi}_${fi}`;
      await createView(conn, view, fileGroupScanSql([file], prepared.format.read ?? {}));
      const cols = (await describeRelation(conn, view)).map((c) => c.column_name);
      const column = await findColumnWithValue(conn, view, cols, value);
      if (!column) continue;
      const row = await findRowWithValue(conn, view, column, value);
      // CSV rows start on line 2 (after the header); NDJSON record n is line n when the file has no blank lines.
      const where = row !== null && file.kind === 'csv' ? `line ${row + 1}` : row !== null && file.kind === 'ndjson' ? `record ${row}` : `row ${row ?? '?'}`;
      return new SourceInputError(`${file.displayName}: ${where}, column ${column}: ${JSON.stringify(value)} is not a valid ${bad[2]?.trim()}`);
    }
  }
  return new SourceInputError(`Conversion failed: ${msg.split('\n')[0]}`);
}

function key(period: string | null, currency: string | null): string {
  return `${period ?? '∅'}|${currency ?? '∅'}`;
}

export function reconcile(source: SourceTotalsRow[], focus: FocusTotalsRow[]): ReconciliationMismatch[] {
  const focusBy = new Map<string, { rows: bigint; billed: bigint; effective: bigint }>();
  for (const r of focus) {
    const k = key(r.billing_period, r.currency);
    const acc = focusBy.get(k) ?? { rows: 0n, billed: 0n, effective: 0n };
    acc.rows += BigInt(r.row_count);
    acc.billed += toScaled(r.billed_cost ?? '0');
    acc.effective += toScaled(r.effective_cost ?? '0');
    focusBy.set(k, acc);
  }
  const out: ReconciliationMismatch[] = [];
  const seen = new Set<string>();
  for (const s of source) {
    const k = key(s.billing_period, s.currency);
    seen.add(k);
    const f = focusBy.get(k) ?? { rows: 0n, billed: 0n, effective: 0n };
    const base = { billingPeriod: s.billing_period ?? '(none)', currency: s.currency ?? '(none)' };
    const rows = BigInt(s.row_count);
    if (rows !== f.rows) out.push({ ...base, measure: 'rows', source: String(rows), focus: String(f.rows), difference: String(f.rows - rows) });
    const billed = toScaled(s.billed_total ?? '0');
    if (billed !== f.billed) {
      out.push({ ...base, measure: 'BilledCost', source: fromScaled(billed), focus: fromScaled(f.billed), difference: fromScaled(f.billed - billed) });
    }
    if (s.effective_total !== null) {
      const eff = toScaled(s.effective_total);
      if (eff !== f.effective) {
        out.push({ ...base, measure: 'EffectiveCost', source: fromScaled(eff), focus: fromScaled(f.effective), difference: fromScaled(f.effective - eff) });
      }
    }
  }
  for (const [k, f] of focusBy) {
    if (!seen.has(k)) {
      const [p, c] = k.split('|');
      out.push({ billingPeriod: p ?? '', currency: c ?? '', measure: 'rows', source: '0', focus: String(f.rows), difference: String(f.rows) });
    }
  }
  return out;
}

async function listPartitionDirs(root: string): Promise<Array<{ billingPeriod: string; provider: string; dir: string }>> {
  const out: Array<{ billingPeriod: string; provider: string; dir: string }> = [];
  for (const bp of await readdir(root).catch(() => [] as string[])) {
    const period = /^billing_period=(.*)$/.exec(bp)?.[1];
    if (period === undefined) continue;
    for (const pv of await readdir(path.join(root, bp))) {
      const provider = /^provider=(.*)$/.exec(pv)?.[1];
      if (provider === undefined) continue;
      out.push({ billingPeriod: decodeURIComponent(period), provider: decodeURIComponent(provider), dir: path.join(root, bp, pv) });
    }
  }
  return out;
}

async function renameParts(dir: string, runId: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.parquet')).sort();
  for (const [i, f] of files.entries()) await rename(path.join(dir, f), path.join(dir, `part-${runId}-${i}.parquet`));
}

function toTotals(rows: FocusTotalsRow[]): PeriodCurrencyTotals[] {
  return rows.map((r) => ({
    billingPeriod: r.billing_period,
    provider: r.provider,
    currency: r.currency ?? '',
    rows: Number(r.row_count),
    billedCost: canonicalDecimal(r.billed_cost),
    effectiveCost: canonicalDecimal(r.effective_cost),
    listCost: canonicalDecimal(r.list_cost),
  }));
}

/**
 * Moves the converted rows of a fixed-provider source into `billing_period=<p>/provider=<v>/`, by the billing periods
 * the rows themselves carry: one period (the usual export) is a rename; several are split by a parquet-to-parquet
 * COPY; no rows leave no partition.
 */
async function placeConvertedFile(conn: DuckDBConnection, file: string, provider: string, focusDir: string): Promise<void> {
  const periods = await queryStagedPeriods(conn, file);
  const [only] = periods;
  if (periods.length === 1 && only) {
    const dir = path.join(focusDir, `billing_period=${partitionValues.billingPeriod(only)}`, `provider=${partitionValues.provider(provider)}`);
    await mkdir(dir, { recursive: true });
    await rename(file, path.join(dir, 'data_0.parquet'));
    return;
  }
  if (periods.length > 0) await partitionStagedFile(conn, file, provider, focusDir);
  await rm(file, { force: true });
}

function isOutOfMemory(err: unknown): boolean {
  return /Out of Memory Error/i.test(errorMessage(err));
}

/**
 * Runs the source totals (on the second connection: `side` true) and the conversion side by side; whichever fails first
 * interrupts the other, and that first failure is the one thrown. When the two scans together overrun DuckDB's
 * memory_limit (both hold read buffers, the conversion its open row groups), the partial output is removed and the same
 * work runs one scan at a time on the main connection, as it did before the scans ran side by side.
 */
export async function sourceTotalsAndConversion(ops: {
  totals: (side: boolean) => Promise<SourceTotalsRow[]>;
  convert: () => Promise<void>;
  interrupt: (side: boolean) => void;
  onTotals?: () => void;
  beforeRetry: () => Promise<void>;
}): Promise<SourceTotalsRow[]> {
  const totalsDone = ops.totals(true).then(
    (rows) => {
      ops.onTotals?.();
      return rows;
    },
    (err: unknown) => {
      ops.interrupt(false);
      throw err;
    },
  );
  const convertDone = ops.convert().catch((err: unknown) => {
    ops.interrupt(true);
    throw err;
  });
  const [totals, converting] = await Promise.allSettled([totalsDone, convertDone]);
  const interrupted = (r: PromiseSettledResult<unknown>): boolean => r.status === 'rejected' && /INTERRUPT/i.test(errorMessage(r.reason));
  const failure = [totals, converting].find((r) => r.status === 'rejected' && !interrupted(r)) ?? [totals, converting].find((r) => r.status === 'rejected');
  if (!failure) return (totals as PromiseFulfilledResult<SourceTotalsRow[]>).value;
  const reason: unknown = (failure as PromiseRejectedResult).reason;
  if (!isOutOfMemory(reason)) throw reason;
  await ops.beforeRetry();
  const rows = await ops.totals(false);
  ops.onTotals?.();
  await ops.convert();
  return rows;
}

export async function importFocusFiles(options: FocusImportOptions): Promise<FocusImportResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const phasesMs: ImportPhaseTimings = { read: 0, sourceTotals: 0, convert: 0, validate: 0, reconcile: 0, rollups: 0, swap: 0 };
  let phaseStart = Date.now();
  const endPhase = (phase: keyof ImportPhaseTimings): void => {
    const now = Date.now();
    phasesMs[phase] += now - phaseStart;
    phaseStart = now;
  };
  const runId = options.runId ?? `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  partitionValues.runId(runId);
  const stagingRoot = options.layout.stagingDir(options.tenantId);
  const release = await acquireTenantLock(stagingRoot, undefined, signal);
  const workDir = path.join(stagingRoot, `import-${runId}`);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Stops the running statement (a conversion can take minutes) instead of waiting for it to finish.
  const interrupt = (): void => conn.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  // Whatever an interrupted statement threw (or an error explained from it), a stop is reported as the stop.
  const stopIfAborted = (): void => signal?.throwIfAborted();
  let swapStarted = false;
  try {
    await recoverInterruptedSwaps(stagingRoot);
    await mkdir(path.join(workDir, 'tmp'), { recursive: true });
    await applySessionSettings(conn, {
      threads: options.threads ?? IMPORT_DEFAULT_THREADS,
      memoryLimit: options.memoryLimit ?? IMPORT_DEFAULT_MEMORY_LIMIT,
      tempDirectory: path.join(workDir, 'tmp'),
    });
    progress('Reading headers');
    const { files, manifests } = await collectSourceFiles(options.inputs, workDir);
    for (const f of files) {
      try {
        if (f.kind === 'parquet') f.columns = (await describeParquetColumns(conn, f.path)).map((c) => c.column_name);
        else if (f.kind === 'json' && f.columns.length === 0) f.columns = (await describeJsonArrayColumns(conn, f)).map((c) => c.column_name);
      } catch (err) {
        stopIfAborted();
        throw (await describeReadError(err, [f])) ?? new SourceInputError(`${f.displayName}: cannot read (${errorMessage(err).split('\n')[0]})`);
      }
    }
    const format = await chooseFormat(files, options.format ?? 'auto', options.formats ?? allFormats);
    const prepared: PreparedSource = { format, groups: groupByHeader(files) };
    let srcColumns: string[];
    try {
      srcColumns = await createSrcView(conn, prepared);
    } catch (err) {
      stopIfAborted();
      throw (await describeReadError(err, files)) ?? err;
    }

    const manifestSource = options.source?.sourceId ?? manifests.find((m) => m.account)?.account ?? null;
    let rawSource: string | null = manifestSource;
    if (!rawSource && format.sourceIdSql) {
      await createView(conn, 'src_head', 'SELECT * FROM src LIMIT 10000');
      try {
        rawSource = await querySourceId(conn, format.sourceIdSql.replace(/\bFROM src\b/, 'FROM src_head'));
      } catch (err) {
        stopIfAborted();
        throw (await describeReadError(err, files)) ?? err;
      }
    }
    const source = sanitizeSourceId(rawSource, format.id);
    const sourceKey = options.source?.sourceKey ?? `${format.id}:${source}`;
    const version = options.source?.version ?? (await sourceVersion(format, files, manifests));
    const base = { runId, format: format.id, sourceKey, source, version, files: files.map((f) => f.displayName) };
    endPhase('read');
    stopIfAborted();

    if (options.state && (await options.state.isUnchanged(sourceKey, version))) {
      return { status: 'skipped', ...base, rows: 0, partitions: [], totals: [], validation: null, durationMs: Date.now() - started, rowsPerSecond: 0, phasesMs };
    }

    // The source totals and the conversion each scan the source; run side by side on two connections they share
    // DuckDB's thread pool, so the totals' single-threaded scan (gzip inflate and CSV tokenizing) fills what the
    // conversion leaves idle instead of running before it.
    progress(`Converting to FOCUS 1.2 (${format.id}) and summing the source`);
    const focusDir = path.join(workDir, 'focus');
    const provider = format.provider === 'by-provider-name' ? null : partitionValues.provider(format.provider);
    const converted = path.join(workDir, 'converted.parquet');
    const totalsConn = await instance.connect();
    const interruptTotals = (): void => totalsConn.interrupt();
    signal?.addEventListener('abort', interruptTotals, { once: true });
    let sourceTotals: SourceTotalsRow[];
    try {
      const sql = await conversionSql(format, srcColumns);
      const totalsSql = fastDecimalCasts(format.sourceTotalsSql);
      sourceTotals = await sourceTotalsAndConversion({
        totals: (side) => querySourceTotals(side ? totalsConn : conn, totalsSql),
        // A fixed-provider source is written as one file and placed by its own billing periods below: PARTITION_BY
        // routes every row through partitioned buffers, ~20% more CPU for the usual one-period export.
        convert: () => (provider ? copyConvertedToFile(conn, sql, converted) : copyConvertedToStaging(conn, sql, format.provider, focusDir)),
        interrupt: (side) => (side ? totalsConn : conn).interrupt(),
        onTotals: () => {
          phasesMs.sourceTotals = Date.now() - phaseStart;
        },
        beforeRetry: async () => {
          stopIfAborted();
          progress(`Converting to FOCUS 1.2 (${format.id}): one scan at a time (memory limit)`);
          await rm(converted, { force: true });
          await rm(focusDir, { recursive: true, force: true });
        },
      });
    } catch (err) {
      stopIfAborted();
      throw await explainConversionError(conn, err, prepared);
    } finally {
      signal?.removeEventListener('abort', interruptTotals);
      totalsConn.closeSync();
    }
    const undated = sourceTotals.find((t) => t.billing_period === null);
    if (undated) throw new SourceInputError(`${undated.row_count} row(s) have no billing period start; cannot place them in a partition`);
    for (const t of sourceTotals) partitionValues.billingPeriod(t.billing_period as string);
    if (provider) await placeConvertedFile(conn, converted, provider, focusDir);
    const staged = await listPartitionDirs(focusDir);
    endPhase('convert');
    stopIfAborted();
    let validation: ValidationSummary | null = null;
    let focusTotals: FocusTotalsRow[] = [];
    if (staged.length > 0) {
      if (options.validate) {
        progress('Validating FOCUS 1.2 conformance');
        // Exactly the columns the lake files hold: no partition keys, no hive keys picked up from the staging path.
        await createStagedFocusView(conn, 'focus_rows', focusDir);
        validation = await options.validate(conn, 'focus_rows');
        endPhase('validate');
        stopIfAborted();
        if (!validation.valid && options.failOnInvalid) {
          throw new FocusValidationError(
            `Converted rows are not valid FOCUS 1.2 (${validation.errors} error(s)): ${validation.messages.slice(0, 5).join('; ')}`,
            validation,
          );
        }
      }
      progress('Reconciling totals');
      await createStagedView(conn, 'focus_staged', focusDir);
      focusTotals = await queryStagedTotals(conn, 'focus_staged');
    } else if (options.validate) {
      validation = { valid: true, errors: 0, warnings: 0, messages: ['no rows'] };
    }

    const mismatches = reconcile(sourceTotals, focusTotals);
    endPhase('reconcile');
    stopIfAborted();
    if (mismatches.length > 0) {
      const text = mismatches
        .map((m) => `${m.billingPeriod} ${m.currency} ${m.measure}: source ${m.source}, FOCUS ${m.focus}, difference ${m.difference}`)
        .join('; ');
      throw new ReconciliationError(`Reconciliation failed, nothing was replaced: ${text}`, mismatches);
    }

    const rollupDir = path.join(workDir, 'rollup');
    if (staged.length > 0) {
      progress('Materialising daily rollups');
      await copyRollupsToStaging(conn, await readFile(new URL('./rollup.sql', import.meta.url), 'utf8'), rollupDir);
    }
    const totals = toTotals(focusTotals);
    const partitions: ImportedPartition[] = [];
    const pairs: Array<{ staged: string; final: string }> = [];
    const rollups = new Map((await listPartitionDirs(rollupDir)).map((r) => [`${r.billingPeriod}|${r.provider}`, r.dir]));
    for (const s of staged) {
      const p = { billingPeriod: s.billingPeriod, provider: s.provider, source };
      await renameParts(s.dir, runId);
      pairs.push({ staged: s.dir, final: options.layout.focusPartitionDir(options.tenantId, p) });
      const r = rollups.get(`${s.billingPeriod}|${s.provider}`);
      if (r) {
        await renameParts(r, runId);
        pairs.push({ staged: r, final: options.layout.rollupPartitionDir(options.tenantId, p) });
      }
      const own = totals.filter((t) => t.billingPeriod === s.billingPeriod && t.provider === s.provider);
      partitions.push({ ...p, rows: own.reduce((n, t) => n + t.rows, 0), totals: own });
    }
    signal?.removeEventListener('abort', interrupt);
    conn.closeSync();
    instance.closeSync();
    endPhase('rollups');
    stopIfAborted();
    // From here on the swap and its ImportState records run to the end whatever the signal says (see `signal`).
    swapStarted = true;
    progress('Swapping partitions into the lake');
    await swapPartitions(stagingRoot, workDir, pairs);
    for (const partition of partitions) await options.state?.recordImported({ sourceKey, version, partition });
    endPhase('swap');
    const rows = partitions.reduce((n, p) => n + p.rows, 0);
    const durationMs = Date.now() - started;
    return {
      status: 'imported',
      ...base,
      rows,
      partitions,
      totals,
      validation,
      durationMs,
      rowsPerSecond: durationMs > 0 ? Math.round((rows * 1000) / durationMs) : rows,
      phasesMs,
    };
  } catch (err) {
    if (!swapStarted) stopIfAborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    try {
      conn.closeSync();
      instance.closeSync();
    } catch {
      // already closed before the swap
    }
    await rm(workDir, { recursive: true, force: true });
    await release();
  }
}
