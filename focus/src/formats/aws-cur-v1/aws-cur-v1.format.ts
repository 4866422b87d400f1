import { readFileSync } from 'node:fs';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const sqlFile = sqlFilePath('./aws-cur-v1.sql', import.meta.url);

/** Every `"category/Name"` the conversion names; CUR omits columns an account never used, so all are optional. */
export function referencedSourceColumns(sql: string, pattern: RegExp): string[] {
  return [...new Set([...sql.matchAll(pattern)].map((m) => m[1] as string))].sort();
}

const EFFECTIVE_COST = `CASE "lineItem/LineItemType"
    WHEN 'SavingsPlanCoveredUsage' THEN CAST("savingsPlan/SavingsPlanEffectiveCost" AS DECIMAL(38,18))
    WHEN 'SavingsPlanRecurringFee' THEN COALESCE(CAST("savingsPlan/TotalCommitmentToDate" AS DECIMAL(38,18)), 0)
                                      - COALESCE(CAST("savingsPlan/UsedCommitment" AS DECIMAL(38,18)), 0)
    WHEN 'SavingsPlanNegation' THEN 0
    WHEN 'SavingsPlanUpfrontFee' THEN 0
    WHEN 'DiscountedUsage' THEN CAST("reservation/EffectiveCost" AS DECIMAL(38,18))
    WHEN 'RIFee' THEN COALESCE(CAST("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod" AS DECIMAL(38,18)), 0)
                    + COALESCE(CAST("reservation/UnusedRecurringFee" AS DECIMAL(38,18)), 0)
    WHEN 'Fee' THEN CASE WHEN NULLIF("reservation/ReservationARN", '') IS NOT NULL THEN 0
                         ELSE CAST("lineItem/UnblendedCost" AS DECIMAL(38,18)) END
    ELSE CAST("lineItem/UnblendedCost" AS DECIMAL(38,18))
  END`;

export const awsCurV1Format: SourceFormat = {
  id: 'aws-cur-v1',
  title: 'AWS Cost and Usage Report, legacy CUR 1.0 (lineItem/… headers), CSV or CSV.gz',
  provider: 'aws',
  fileKinds: ['csv', 'parquet'],
  detect(probe: FormatProbe): number {
    const cols = new Set(probe.columns);
    if (!cols.has('lineItem/UnblendedCost') || !cols.has('lineItem/LineItemType')) return 0;
    return cols.has('bill/BillingPeriodStartDate') ? 0.95 : 0.5;
  },
  sqlFile,
  optionalColumns: referencedSourceColumns(readFileSync(sqlFile, 'utf8'), /"((?:bill|lineItem|product|pricing|reservation|savingsPlan|identity)\/[^"]+)"/g),
  tagColumnPrefix: 'resourceTags/',
  sourceTotalsSql: `SELECT
  strftime(CAST("bill/BillingPeriodStartDate" AS TIMESTAMPTZ), '%Y-%m') AS billing_period,
  "lineItem/CurrencyCode" AS currency,
  count(*) AS row_count,
  SUM(CAST("lineItem/UnblendedCost" AS DECIMAL(38,18))) AS billed_total,
  SUM(${EFFECTIVE_COST}) AS effective_total
FROM src
GROUP BY 1, 2`,
  sourceIdSql: `SELECT string_agg(DISTINCT "bill/PayerAccountId", '-' ORDER BY "bill/PayerAccountId") AS source_id FROM src`,
  docPath: 'docs/focus/aws-cur-v1.md',
};
