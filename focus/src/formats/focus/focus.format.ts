import { readFileSync } from 'node:fs';
import { referencedSourceColumns } from '../aws-cur-v1/aws-cur-v1.format.ts';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const sqlFile = sqlFilePath('./focus.sql', import.meta.url);

/** Columns every FOCUS version since 1.0 has; a file with all of them is FOCUS whatever else it carries. */
export const FOCUS_CORE_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingCurrency',
  'BillingPeriodStart',
  'ChargePeriodStart',
  'EffectiveCost',
  'ServiceName',
];

export function hasFocusCore(probe: FormatProbe): boolean {
  const cols = new Set(probe.columns);
  return FOCUS_CORE_COLUMNS.every((c) => cols.has(c));
}

export const FOCUS_SOURCE_TOTALS_SQL = `SELECT
  strftime(CAST("BillingPeriodStart" AS TIMESTAMPTZ), '%Y-%m') AS billing_period,
  "BillingCurrency" AS currency,
  count(*) AS row_count,
  SUM(CAST("BilledCost" AS DECIMAL(38,18))) AS billed_total,
  SUM(CAST("EffectiveCost" AS DECIMAL(38,18))) AS effective_total
FROM src
GROUP BY 1, 2`;

export const focusFormat: SourceFormat = {
  id: 'focus',
  title: 'FOCUS 1.0, 1.1 or 1.2 files from any provider (upgraded to 1.2), CSV, CSV.gz or parquet',
  provider: 'by-provider-name',
  fileKinds: ['csv', 'parquet'],
  detect: (probe) => (hasFocusCore(probe) ? 0.8 : 0),
  // FOCUS sample data and database dumps write NULL as the bare token NULL; empty fields are NULL too.
  read: { csv: { nullstr: ['', 'NULL'] } },
  sqlFile,
  // Every FOCUS 1.2 column is optional in the input: 1.0 and 1.1 files lack the later additions.
  optionalColumns: referencedSourceColumns(readFileSync(sqlFile, 'utf8'), /CAST\("([A-Za-z]+)"/g).concat('Tags'),
  mapColumns: ['Tags'],
  sourceTotalsSql: FOCUS_SOURCE_TOTALS_SQL,
  sourceIdSql: `SELECT string_agg(DISTINCT "BillingAccountId", '-' ORDER BY "BillingAccountId") AS source_id FROM src`,
  docPath: 'docs/focus/focus.md',
};
