import { readFileSync } from 'node:fs';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const sqlFile = sqlFilePath('./gcp-billing-export.sql', import.meta.url);
const PREFIX_END = '-- END SHARED PREFIX';

/** The conversion's CTEs up to the marker, reused so totals see exactly the rows the conversion sees. */
export function gcpSharedPrefix(sql: string = readFileSync(sqlFile, 'utf8')): string {
  const end = sql.indexOf(PREFIX_END);
  if (end < 0) throw new Error(`${sqlFile}: marker "${PREFIX_END}" not found`);
  return sql.slice(0, end).trimEnd();
}

/** Top-level fields of every standard and detailed export row (BigQuery table, `bq extract` NDJSON, parquet, API rows). */
const REQUIRED = ['billing_account_id', 'service', 'sku', 'usage_start_time', 'cost', 'currency', 'invoice'];
const SUPPORTING = ['credits', 'usage', 'project', 'cost_type', 'export_time', 'location', 'labels'];

export function detectGcpBillingExport(probe: FormatProbe): number {
  const cols = new Set(probe.columns.map((c) => c.trim().toLowerCase()));
  if (!REQUIRED.every((c) => cols.has(c))) return 0;
  const supporting = SUPPORTING.filter((c) => cols.has(c)).length;
  return 0.6 + (0.35 * supporting) / SUPPORTING.length;
}

export const gcpBillingExportFormat: SourceFormat = {
  id: 'gcp-billing-export',
  title: 'Google Cloud Billing BigQuery export (standard / detailed usage cost), NDJSON, JSON or parquet',
  provider: 'gcp',
  fileKinds: ['ndjson', 'json', 'parquet'],
  detect: detectGcpBillingExport,
  read: { json: { filename: true }, parquet: { filename: true } },
  // Error messages name the file when the reader provides it.
  optionalColumns: ['filename'],
  sqlFile,
  sourceTotalsSql: `${gcpSharedPrefix()}\n${readFileSync(sqlFilePath('./gcp-billing-export.totals.sql', import.meta.url), 'utf8').trimEnd()}`,
  sourceIdSql: `SELECT string_agg(DISTINCT CAST(billing_account_id AS VARCHAR), '-' ORDER BY CAST(billing_account_id AS VARCHAR)) AS source_id FROM src`,
  docPath: 'docs/focus/gcp-billing-export.md',
};
