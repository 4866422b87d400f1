-- Source totals of gcp-billing-export: appended after the shared prefix of gcp-billing-export.sql.
-- billed_total: Σ cost + Σ credits[].amount per invoice month and currency (what Google invoices). GCP exports carry no
-- amortized figure, so effective_total is NULL. row_count: export rows plus one per promotional credit (the FOCUS row count).
SELECT
  left(r.invoice.month, 4) || '-' || right(r.invoice.month, 2) AS billing_period,
  currency_checked AS currency,
  CAST(count(*) + COALESCE(sum(len(list_filter(credit_list, x -> x.is_promotion))), 0) AS BIGINT) AS row_count,
  CAST(sum(cost_checked + credits_total) AS DECIMAL(38,18)) AS billed_total,
  CAST(NULL AS DECIMAL(38,18)) AS effective_total
FROM g_checked
WHERE invoice_month_checked IS NOT NULL
GROUP BY ALL
ORDER BY billing_period, currency
