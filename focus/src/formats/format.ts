/**
 * A source billing format, described as data: how to recognise it, how the import driver reads its files into a
 * DuckDB view named `src`, and the SQL that turns `src` into FOCUS 1.2 rows. The driver (focus/src/import) owns
 * everything else (staging, validation, reconciliation, partitions, rollups), so a format never touches the lake.
 *
 * Stability: this interface is shared by several format folders; change it only by appending optional members.
 */
import { fileURLToPath } from 'node:url';
import type { LakeProvider } from '@openfinops/tenants';

export type SourceFileKind = 'csv' | 'parquet' | 'ndjson' | 'json';

/** What detection sees of one input file: its name, its kind (from the extension) and its header / column names. */
export interface FormatProbe {
  fileName: string;
  fileKind: SourceFileKind;
  /** Column names exactly as the file spells them (BOM already stripped). */
  columns: string[];
}

/** Extra named parameters for DuckDB's readers (`read_csv`, `read_parquet`, `read_json`), e.g. `{ delim: ';' }`. */
export type ReaderParameters = Record<string, string | number | boolean | readonly string[]>;

export interface SourceReadOptions {
  /**
   * Extra `read_csv` parameters. The driver always passes `header = true`, `all_varchar = true` (account ids keep their
   * leading zeros; the conversion SQL casts) and `union_by_name = true`, plus the compression it infers.
   */
  csv?: ReaderParameters;
  /** Extra `read_parquet` parameters (the driver passes `union_by_name = true`). */
  parquet?: ReaderParameters;
  /** Extra `read_json` parameters for `ndjson` / `json` files. */
  json?: ReaderParameters;
}

export interface SourceFormat {
  /** Stable id used on the command line (`--format <id>`), in ImportState source keys and in docs/focus/<id>.md. */
  readonly id: string;
  /** One line for humans: "AWS Cost and Usage Report (legacy CUR 1.0)". */
  readonly title: string;
  /**
   * Lake provider partition of every converted row, or 'by-provider-name' when one file mixes providers (FOCUS files):
   * the driver then maps each row's ProviderName (AWS/Amazon → aws, Microsoft/Azure → azure, Google → gcp,
   * Oracle/OCI → oci, anything else → other).
   */
  readonly provider: LakeProvider | 'by-provider-name';
  /** File kinds this format can read. */
  readonly fileKinds: readonly SourceFileKind[];
  /** Confidence 0..1 that the probed file is this format; 0 = certainly not. Pure and cheap (headers only). */
  detect(probe: FormatProbe): number;
  readonly read?: SourceReadOptions;
  /**
   * Absolute path of the conversion SQL: one SELECT over the view `src` returning the FOCUS 1.2 columns with CASTs to
   * the storage types (Decimal → DECIMAL(38,18), DateTime → TIMESTAMPTZ in UTC, Tags → MAP(VARCHAR, VARCHAR),
   * other JSON → JSON) plus provider-only `x_*` columns. No trailing semicolon. Use `sqlFilePath('./x.sql', import.meta.url)`.
   */
  readonly sqlFile: string;
  /**
   * One SELECT over `src` giving the source's own totals for reconciliation, one row per billing period and currency:
   *   billing_period VARCHAR ('yyyy-mm'), currency VARCHAR, row_count BIGINT,
   *   billed_total DECIMAL(38,18), effective_total DECIMAL(38,18) (NULL when the source has no amortized figure).
   * The driver checks them EXACTLY against SUM(BilledCost) / SUM(EffectiveCost) of the converted rows grouped by
   * strftime(BillingPeriodStart, '%Y-%m') and BillingCurrency.
   */
  readonly sourceTotalsSql: string;
  /**
   * Optional SELECT over `src` returning one row, one VARCHAR column `source_id`: a stable id of the account / export
   * that produced the files (e.g. the payer account). Re-imports of the same source and period replace each other.
   * The driver sanitizes it for the lake path; when absent or NULL it falls back to the format id.
   */
  readonly sourceIdSql?: string;
  /** Path of the mapping documentation, relative to the repository root (docs/focus/<id>.md). */
  readonly docPath?: string;
  /**
   * Source columns the SQL references that some exports omit (CUR column sets depend on the account's usage): the
   * driver adds each one missing from the files to `src` as NULL VARCHAR, so the SQL can name them unconditionally.
   */
  readonly optionalColumns?: readonly string[];
  /**
   * When set, the driver adds `src."__tags"` MAP(VARCHAR, VARCHAR) built from every source column whose name starts with
   * this prefix (key = the rest of the name, NULL/empty values dropped), e.g. 'resourceTags/' for legacy CUR.
   */
  readonly tagColumnPrefix?: string;
  /**
   * Columns that hold a string→string map: a JSON object string in CSV, a MAP in parquet. The driver normalises each
   * present one in `src` to MAP(VARCHAR, VARCHAR) so one SQL file serves both file kinds.
   */
  readonly mapColumns?: readonly string[];
  /**
   * Turns the text of `sqlFile` into the conversion SQL this format runs, when one SQL file serves several formats
   * (aws-cur-v2 renames the columns of aws-cur-v1.sql). Pure; applied before the driver's own rewrites.
   */
  readonly renderSql?: (sql: string) => string;
}

/**
 * Placeholder a conversion SQL may put at the end of its select list: the driver replaces it with `, "x_a", "x_b", …`
 * (every `src` column starting with `x_` that the SQL does not already produce) or with nothing.
 */
export const PASSTHROUGH_X_COLUMNS = '{{x_columns}}';

/**
 * `{{lake_provider}}` in a conversion SQL becomes the expression that places a row in its lake `provider=` partition
 * (the format's fixed provider, or the mapping from ProviderName for mixed files: `providerPartitionExpr`), so a
 * conversion that needs a row's provider uses the same mapping as the partitioning.
 */
export const LAKE_PROVIDER = '{{lake_provider}}';

/**
 * `{{has:Column}}` in a conversion SQL becomes `true` when the source files carry that column and `false` when the
 * driver stood in a NULL for it, so an upgrade can tell "the file's version has no such column" from "this row's value
 * is null" (e.g. FOCUS 1.0 prices are in the billing currency, a 1.2 file says so per row).
 */
export const SOURCE_HAS_COLUMN = /\{\{has:([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

export function sqlFilePath(relative: string, importMetaUrl: string): string {
  return fileURLToPath(new URL(relative, importMetaUrl));
}
