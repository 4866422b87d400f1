import { readFileSync } from 'node:fs';
import { referencedSourceColumns } from '../aws-cur-v1/aws-cur-v1.format.ts';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const sqlFile = sqlFilePath('./aws-cur-v2.sql', import.meta.url);

const EFFECTIVE_COST = `CASE "line_item_line_item_type"
    WHEN 'SavingsPlanCoveredUsage' THEN CAST("savings_plan_savings_plan_effective_cost" AS DECIMAL(38,18))
    WHEN 'SavingsPlanRecurringFee' THEN COALESCE(CAST("savings_plan_total_commitment_to_date" AS DECIMAL(38,18)), 0)
                                      - COALESCE(CAST("savings_plan_used_commitment" AS DECIMAL(38,18)), 0)
    WHEN 'SavingsPlanNegation' THEN 0
    WHEN 'SavingsPlanUpfrontFee' THEN 0
    WHEN 'DiscountedUsage' THEN CAST("reservation_effective_cost" AS DECIMAL(38,18))
    WHEN 'RIFee' THEN COALESCE(CAST("reservation_unused_amortized_upfront_fee_for_billing_period" AS DECIMAL(38,18)), 0)
                    + COALESCE(CAST("reservation_unused_recurring_fee" AS DECIMAL(38,18)), 0)
    WHEN 'Fee' THEN CASE WHEN NULLIF("reservation_reservation_a_r_n", '') IS NOT NULL THEN 0
                         ELSE CAST("line_item_unblended_cost" AS DECIMAL(38,18)) END
    ELSE CAST("line_item_unblended_cost" AS DECIMAL(38,18))
  END`;

export const awsCurV2Format: SourceFormat = {
  id: 'aws-cur-v2',
  title: 'AWS CUR 2.0 / Data Exports (snake_case columns), parquet, CSV or CSV.gz',
  provider: 'aws',
  fileKinds: ['csv', 'parquet'],
  detect(probe: FormatProbe): number {
    const cols = new Set(probe.columns);
    if (!cols.has('line_item_unblended_cost') || !cols.has('line_item_line_item_type')) return 0;
    return cols.has('bill_billing_period_start_date') ? 0.95 : 0.5;
  },
  sqlFile,
  optionalColumns: referencedSourceColumns(
    readFileSync(sqlFile, 'utf8'),
    /"((?:bill|line_item|product|pricing|reservation|savings_plan|identity|resource_tags)(?:_[a-z0-9_]+)?)"/g,
  ),
  mapColumns: ['resource_tags', 'product', 'discount', 'cost_category'],
  sourceTotalsSql: `SELECT
  strftime(CAST("bill_billing_period_start_date" AS TIMESTAMPTZ), '%Y-%m') AS billing_period,
  "line_item_currency_code" AS currency,
  count(*) AS row_count,
  SUM(CAST("line_item_unblended_cost" AS DECIMAL(38,18))) AS billed_total,
  SUM(${EFFECTIVE_COST}) AS effective_total
FROM src
GROUP BY 1, 2`,
  sourceIdSql: `SELECT string_agg(DISTINCT "bill_payer_account_id", '-' ORDER BY "bill_payer_account_id") AS source_id FROM src`,
  docPath: 'docs/focus/aws-cur-v2.md',
};
