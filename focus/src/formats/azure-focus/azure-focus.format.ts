import { readFileSync } from 'node:fs';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const sqlFile = sqlFilePath('./azure-focus.sql', import.meta.url);

/** Every source column the SQL names; FocusCost 1.0 lacks the 1.1/1.2 additions, 1.2 lacks the renamed 1.0 x_ columns. */
const optionalColumns = [
  ...new Set([...readFileSync(sqlFile, 'utf8').matchAll(/CAST\("([A-Za-z_]+)" AS VARCHAR\)/g)].map((m) => m[1] as string)),
  'Tags',
  'x_EffectiveCostInUsd',
  'x_SkuDetails',
  'filename',
].sort();

const FOCUS_CORE = ['BilledCost', 'BillingAccountId', 'BillingCurrency', 'BillingPeriodStart', 'ChargePeriodStart', 'EffectiveCost', 'ServiceName'];
/** x_ columns only Microsoft's FocusCost export carries (present in every schema version 1.0 … 1.2). */
const MICROSOFT_X = ['x_BillingProfileId', 'x_ResourceGroupName', 'x_SkuMeterCategory', 'x_SkuMeterId', 'x_PricingBlockSize', 'x_SkuPartNumber'];

export function detectAzureFocus(probe: FormatProbe): number {
  const cols = new Set(probe.columns.map((c) => c.trim()));
  if (!FOCUS_CORE.every((c) => cols.has(c))) return 0;
  const microsoft = MICROSOFT_X.filter((c) => cols.has(c)).length;
  // Beats the generic `focus` passthrough (0.8) only when the file is recognisably Microsoft's export.
  return microsoft >= 3 ? 0.85 + (0.1 * microsoft) / MICROSOFT_X.length : 0;
}

export const azureFocusFormat: SourceFormat = {
  id: 'azure-focus',
  title: 'Microsoft Cost Management FOCUS export (FocusCost 1.0, 1.0r2, 1.2-preview, 1.2), CSV, CSV.gz or parquet',
  provider: 'azure',
  fileKinds: ['csv', 'parquet'],
  detect: detectAzureFocus,
  read: { csv: { filename: true }, parquet: { filename: true } },
  sqlFile,
  optionalColumns,
  mapColumns: ['Tags'],
  sourceTotalsSql: `SELECT
  strftime(CAST(CAST("BillingPeriodStart" AS VARCHAR) AS TIMESTAMPTZ), '%Y-%m') AS billing_period,
  CAST("BillingCurrency" AS VARCHAR) AS currency,
  count(*) AS row_count,
  SUM(CAST(CAST("BilledCost" AS VARCHAR) AS DECIMAL(38,18))) AS billed_total,
  SUM(CAST(CAST("EffectiveCost" AS VARCHAR) AS DECIMAL(38,18))) AS effective_total
FROM src
GROUP BY 1, 2`,
  sourceIdSql: `SELECT string_agg(DISTINCT CAST("BillingAccountId" AS VARCHAR), '-' ORDER BY CAST("BillingAccountId" AS VARCHAR)) AS source_id FROM src`,
  docPath: 'docs/focus/azure-focus.md',
};
