-- Source totals of azure-cost-details: appended after azure-cost-details.common.sql.
-- billed_total: everything the ActualCost export(s) say was charged, per billing period and currency (the invoice view).
-- effective_total: the AmortizedCost export(s) total (NULL when only actual cost was imported), excluding commitment
-- purchases, which amortization spreads onto the usage rows.
SELECT
  strftime(period_start_checked, '%Y-%m') AS billing_period,
  currency_checked AS currency,
  CAST(count(*) FILTER (WHERE NOT combined OR dataset = 'amortized'
    OR (charge_type IN ('Purchase', 'Refund') AND pricing_model IN ('Reservation', 'SavingsPlan'))) AS BIGINT) AS row_count,
  CAST(COALESCE(sum(cost_checked) FILTER (WHERE dataset = 'actual'), 0) AS DECIMAL(38,18)) AS billed_total,
  CAST(CASE WHEN bool_or(dataset = 'amortized') THEN COALESCE(sum(cost_checked) FILTER (
    WHERE dataset = 'amortized' AND NOT (charge_type IN ('Purchase', 'Refund') AND pricing_model IN ('Reservation', 'SavingsPlan'))), 0)
  END AS DECIMAL(38,18)) AS effective_total
FROM az_all
GROUP BY ALL
ORDER BY billing_period, currency
