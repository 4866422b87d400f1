-- Daily rollup of the staged FOCUS rows: one row per day and dimension set, so cost queries never scan detail rows.
SELECT
  billing_period,
  provider,
  CAST("ChargePeriodStart" AS DATE) AS "ChargeDay",
  "ProviderName",
  "BillingAccountId",
  "SubAccountId",
  "ServiceCategory",
  "ServiceName",
  "RegionId",
  "ChargeCategory",
  "BillingCurrency",
  SUM("BilledCost") AS "BilledCost",
  SUM("EffectiveCost") AS "EffectiveCost",
  SUM("ListCost") AS "ListCost",
  count(*) AS "RowCount"
FROM focus_staged
GROUP BY ALL
