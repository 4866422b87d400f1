/**
 * Every DuckDB statement the import runs, one named function each. File paths and filter values are bound
 * parameters; identifiers (column names read from headers) are quoted with quoteIdent.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceFile } from './source-files.ts';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface DuckDbSettings {
  threads: number;
  memoryLimit: string;
  tempDirectory: string;
}

export async function applySessionSettings(conn: DuckDBConnection, s: DuckDbSettings): Promise<void> {
  // SET does not take prepared parameters; the values come from code, not input.
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(`SET threads = ${Math.max(1, Math.floor(s.threads))}`);
  await conn.run(`SET memory_limit = ${sqlString(s.memoryLimit)}`);
  await conn.run(`SET temp_directory = ${sqlString(s.tempDirectory)}`);
  // Row order carries no meaning in FOCUS; dropping it lets COPY stream with far less memory.
  await conn.run(`SET preserve_insertion_order = false`);
}

export interface ColumnTypeRow {
  column_name: string;
  column_type: string;
}

export async function describeParquetColumns(conn: DuckDBConnection, file: string): Promise<ColumnTypeRow[]> {
  const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet($1)`, [file]);
  return r.getRowObjectsJson() as unknown as ColumnTypeRow[];
}

/** Columns of a JSON array file as `read_json` infers them from its first records (sample_size bounds the work). */
export async function describeJsonArrayColumns(conn: DuckDBConnection, file: SourceFile): Promise<ColumnTypeRow[]> {
  const r = await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM read_json($1, format = 'array', records = true, sample_size = 100, compression = $2)`,
    [file.path, file.compression === 'gzip' ? 'gzip' : 'uncompressed'],
  );
  return r.getRowObjectsJson() as unknown as ColumnTypeRow[];
}

export async function describeRelation(conn: DuckDBConnection, relation: string): Promise<ColumnTypeRow[]> {
  const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${quoteIdent(relation)}`);
  return r.getRowObjectsJson() as unknown as ColumnTypeRow[];
}

type ReaderParameters = Record<string, string | number | boolean | readonly string[]>;

function readerValue(v: string | number | boolean | readonly string[]): string {
  if (typeof v === 'string') return sqlString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `[${v.map(sqlString).join(', ')}]`;
}

function readerParams(params: ReaderParameters | undefined): string {
  return Object.entries(params ?? {})
    .map(([k, v]) => `, ${k.replace(/[^a-z_]/gi, '')} = ${readerValue(v)}`)
    .join('');
}

/**
 * The scan of one group of files sharing a header. CSV is read with the header we parsed (never sniffed) and every
 * column VARCHAR, so account ids keep leading zeros and a malformed row fails with its line number.
 * Paths are inlined as SQL string literals because DuckDB table functions do not accept prepared parameters here.
 */
export function fileGroupScanSql(files: SourceFile[], extra: { csv?: ReaderParameters; parquet?: ReaderParameters; json?: ReaderParameters }): string {
  const first = files[0];
  if (!first) throw new Error('empty file group');
  const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
  if (first.kind === 'parquet') return `SELECT * FROM read_parquet(${list}, union_by_name = true${readerParams(extra.parquet)})`;
  if (first.kind === 'ndjson' || first.kind === 'json') {
    const format = first.jsonFormat ?? (first.kind === 'ndjson' ? 'newline_delimited' : 'array');
    return (
      `SELECT * FROM read_json(${list}, format = ${sqlString(format)}, records = true, union_by_name = true, ` +
      `compression = ${sqlString(first.compression === 'gzip' ? 'gzip' : 'uncompressed')}${readerParams(extra.json)})`
    );
  }
  const columns = `{${first.columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`;
  return (
    `SELECT * FROM read_csv(${list}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ` +
    `columns = ${columns}, compression = ${sqlString(first.compression === 'gzip' ? 'gzip' : 'none')}${readerParams(extra.csv)})`
  );
}

/**
 * A view in the import's own in-memory database (each import opens its own DuckDB instance), not a TEMP one: the
 * source-totals connection reads the same `src` as the conversion's without describing the files again.
 */
export async function createView(conn: DuckDBConnection, name: string, selectSql: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS ${selectSql}`);
}

export interface SourceTotalsRow {
  billing_period: string | null;
  currency: string | null;
  row_count: string;
  billed_total: string | null;
  effective_total: string | null;
}

export async function querySourceTotals(conn: DuckDBConnection, sourceTotalsSql: string): Promise<SourceTotalsRow[]> {
  const r = await conn.runAndReadAll(`SELECT billing_period, currency, CAST(row_count AS VARCHAR) AS row_count,
    CAST(CAST(billed_total AS DECIMAL(38,18)) AS VARCHAR) AS billed_total,
    CAST(CAST(effective_total AS DECIMAL(38,18)) AS VARCHAR) AS effective_total
    FROM (${sourceTotalsSql}) ORDER BY 1, 2`);
  return r.getRowObjectsJson() as unknown as SourceTotalsRow[];
}

export async function querySourceId(conn: DuckDBConnection, sourceIdSql: string): Promise<string | null> {
  const r = await conn.runAndReadAll(`SELECT CAST(source_id AS VARCHAR) AS source_id FROM (${sourceIdSql}) LIMIT 1`);
  const row = r.getRowObjectsJson()[0] as { source_id: string | null } | undefined;
  return row?.source_id ?? null;
}

/** The lake provider partition of each converted row (for formats that mix providers, from ProviderName). */
export function providerPartitionExpr(provider: string): string {
  if (provider !== 'by-provider-name') return sqlString(provider);
  return `CASE
    WHEN lower("ProviderName") IN ('aws', 'amazon web services') OR lower("ProviderName") LIKE 'amazon%' THEN 'aws'
    WHEN lower("ProviderName") LIKE '%microsoft%' OR lower("ProviderName") LIKE '%azure%' THEN 'azure'
    WHEN lower("ProviderName") LIKE '%google%' OR lower("ProviderName") = 'gcp' THEN 'gcp'
    WHEN lower("ProviderName") LIKE '%oracle%' OR lower("ProviderName") = 'oci' THEN 'oci'
    ELSE 'other' END`;
}

/**
 * Row group size of staged and lake parquet. The parquet writer holds one open row group per thread and per
 * partition in memory; at DuckDB's default (122,880 rows × ~70 FOCUS columns) that overruns the import's memory limit
 * and the buffer manager thrashes (measured: 3× the CPU time of the same COPY at 30,720 rows under 400 MB). 15,360 rows
 * keep the conversion at the same CPU time under the 256 MB default limit (30,720 thrashed there: 1.8× the CPU), which
 * is what keeps the import process under 1 GB. Readers lose nothing at this size.
 */
export const STAGED_ROW_GROUP_SIZE = 15_360;

/**
 * Codec of staged and lake parquet. zstd level 1 instead of DuckDB's default level 3: rewriting the benchmark's
 * converted CUR (1 M rows, 66 columns) took 2.6 s of CPU instead of 3.0-3.3 s (three runs each) and the file came out
 * smaller (70.8 vs 72.4 MB); zstd decompresses at the same speed whatever the level, so queries lose nothing.
 */
const PARQUET_CODEC = 'COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** Converts `src` and writes staged parquet, hive-partitioned by billing period and lake provider. */
export async function copyConvertedToStaging(conn: DuckDBConnection, conversionSql: string, provider: string, targetDir: string): Promise<void> {
  await conn.run(`COPY (
      SELECT *, strftime("BillingPeriodStart", '%Y-%m') AS billing_period, ${providerPartitionExpr(provider)} AS provider
      FROM (${conversionSql})
    ) TO ${sqlString(targetDir)} (FORMAT parquet, ${PARQUET_CODEC}, PARTITION_BY (billing_period, provider), ROW_GROUP_SIZE ${STAGED_ROW_GROUP_SIZE})`);
}

/** Converts `src` into one parquet file, to be placed into its partitions afterwards (placeConvertedFile). */
export async function copyConvertedToFile(conn: DuckDBConnection, conversionSql: string, file: string): Promise<void> {
  await conn.run(`COPY (${conversionSql}) TO ${sqlString(file)} (FORMAT parquet, ${PARQUET_CODEC}, ROW_GROUP_SIZE ${STAGED_ROW_GROUP_SIZE})`);
}

/** The distinct billing periods (`yyyy-mm` of BillingPeriodStart, NULL included) of one converted file. */
export async function queryStagedPeriods(conn: DuckDBConnection, file: string): Promise<Array<string | null>> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT strftime("BillingPeriodStart", '%Y-%m') AS p FROM read_parquet(${sqlString(file)}, hive_partitioning = false) ORDER BY 1`,
  );
  return (r.getRowObjectsJson() as Array<{ p: string | null }>).map((row) => row.p);
}

/** Splits one converted file of several billing periods into the staged hive layout, for a fixed provider. */
export async function partitionStagedFile(conn: DuckDBConnection, file: string, provider: string, targetDir: string): Promise<void> {
  await conn.run(`COPY (
      SELECT *, strftime("BillingPeriodStart", '%Y-%m') AS billing_period, ${sqlString(provider)} AS provider
      FROM read_parquet(${sqlString(file)}, hive_partitioning = false)
    ) TO ${sqlString(targetDir)} (FORMAT parquet, ${PARQUET_CODEC}, PARTITION_BY (billing_period, provider), ROW_GROUP_SIZE ${STAGED_ROW_GROUP_SIZE})`);
}

/** Glob of the staged detail files: `<dir>/billing_period=<p>/provider=<v>/*.parquet`. */
function stagedGlob(dir: string): string {
  return `${dir}/billing_period=*/provider=*/*.parquet`;
}

/**
 * The staged FOCUS rows exactly as they will sit in the lake: hive partitioning off, so neither the partition keys
 * nor any `key=value` segment of the data dir path (`tenant_id=…`) shows up as a column. This is what validation sees.
 */
export async function createStagedFocusView(conn: DuckDBConnection, name: string, dir: string): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM read_parquet(${sqlString(stagedGlob(dir))}, hive_partitioning = false, union_by_name = true)`,
  );
}

/**
 * The staged rows plus `billing_period` and `provider` taken from the last two directories of each file's own path
 * (the layout this module wrote), never from DuckDB's hive detection over the whole path.
 */
export async function createStagedView(conn: DuckDBConnection, name: string, dir: string): Promise<void> {
  const file = '__staged_file';
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * EXCLUDE (${file}),
      regexp_extract(${file}, '/billing_period=([^/]+)/provider=[^/]+/[^/]+$', 1) AS billing_period,
      regexp_extract(${file}, '/provider=([^/]+)/[^/]+$', 1) AS provider
    FROM read_parquet(${sqlString(stagedGlob(dir))}, hive_partitioning = false, union_by_name = true, filename = ${sqlString(file)})`,
  );
}

export interface FocusTotalsRow {
  billing_period: string;
  provider: string;
  currency: string | null;
  row_count: string;
  billed_cost: string | null;
  effective_cost: string | null;
  list_cost: string | null;
}

export async function queryStagedTotals(conn: DuckDBConnection, relation: string): Promise<FocusTotalsRow[]> {
  const r = await conn.runAndReadAll(`SELECT billing_period, provider, "BillingCurrency" AS currency,
      CAST(count(*) AS VARCHAR) AS row_count,
      CAST(SUM("BilledCost") AS VARCHAR) AS billed_cost,
      CAST(SUM("EffectiveCost") AS VARCHAR) AS effective_cost,
      CAST(SUM("ListCost") AS VARCHAR) AS list_cost
    FROM ${quoteIdent(relation)} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return r.getRowObjectsJson() as unknown as FocusTotalsRow[];
}

export async function copyRollupsToStaging(conn: DuckDBConnection, rollupSql: string, targetDir: string): Promise<void> {
  await conn.run(
    `COPY (${rollupSql}) TO ${sqlString(targetDir)} (FORMAT parquet, ${PARQUET_CODEC}, PARTITION_BY (billing_period, provider), ROW_GROUP_SIZE ${STAGED_ROW_GROUP_SIZE})`,
  );
}

/** Diagnostics after a failed CAST: the first row of `relation` whose `column` holds `value`, numbered from 1. */
export async function findRowWithValue(conn: DuckDBConnection, relation: string, column: string, value: string): Promise<number | null> {
  const r = await conn.runAndReadAll(
    `SELECT rn FROM (SELECT row_number() OVER () AS rn, ${quoteIdent(column)} AS v FROM ${quoteIdent(relation)}) WHERE v = $1 ORDER BY rn LIMIT 1`,
    [value],
  );
  const row = r.getRowObjectsJson()[0] as { rn: string } | undefined;
  return row ? Number(row.rn) : null;
}

export async function findColumnWithValue(conn: DuckDBConnection, relation: string, columns: string[], value: string): Promise<string | null> {
  for (const column of columns) {
    const r = await conn.runAndReadAll(`SELECT 1 FROM ${quoteIdent(relation)} WHERE ${quoteIdent(column)} = $1 LIMIT 1`, [value]);
    if (r.currentRowCount > 0) return column;
  }
  return null;
}
