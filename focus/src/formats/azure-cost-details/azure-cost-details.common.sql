-- Shared prefix of the azure-cost-details conversion and source-totals queries (CTEs only; the build step prepends
-- `WITH` and the open-data lookups). Reads the driver's `src` view: every column VARCHAR, `filename` added.
--
-- EA and MCA exports spell the same facts differently across schema versions (Cost vs CostInBillingCurrency,
-- BillingCurrency vs BillingCurrencyCode, camelCase MCA headers). UNION ALL BY NAME with an empty typed template makes
-- every known header exist (NULL when the file lacks it); identifiers match case-insensitively.
az_tpl AS (
  SELECT
    NULL::VARCHAR AS "filename",
    NULL::VARCHAR AS "BillingAccountId", NULL::VARCHAR AS "BillingAccountName",
    NULL::VARCHAR AS "BillingPeriodStartDate", NULL::VARCHAR AS "BillingPeriodEndDate",
    NULL::VARCHAR AS "BillingProfileId", NULL::VARCHAR AS "BillingProfileName",
    NULL::VARCHAR AS "AccountOwnerId", NULL::VARCHAR AS "AccountName",
    NULL::VARCHAR AS "SubscriptionId", NULL::VARCHAR AS "SubscriptionName",
    NULL::VARCHAR AS "Date", NULL::VARCHAR AS "ServicePeriodStartDate", NULL::VARCHAR AS "ServicePeriodEndDate",
    NULL::VARCHAR AS "Product", NULL::VARCHAR AS "ProductName", NULL::VARCHAR AS "ProductId",
    NULL::VARCHAR AS "PartNumber", NULL::VARCHAR AS "MeterId", NULL::VARCHAR AS "ServiceFamily",
    NULL::VARCHAR AS "MeterCategory", NULL::VARCHAR AS "MeterSubCategory", NULL::VARCHAR AS "MeterRegion",
    NULL::VARCHAR AS "MeterName", NULL::VARCHAR AS "Quantity", NULL::VARCHAR AS "EffectivePrice",
    NULL::VARCHAR AS "Cost", NULL::VARCHAR AS "CostInBillingCurrency", NULL::VARCHAR AS "CostInPricingCurrency",
    NULL::VARCHAR AS "CostInUsd", NULL::VARCHAR AS "PaygCostInBillingCurrency", NULL::VARCHAR AS "PaygCostInUsd",
    NULL::VARCHAR AS "UnitPrice", NULL::VARCHAR AS "PayGPrice",
    NULL::VARCHAR AS "BillingCurrency", NULL::VARCHAR AS "BillingCurrencyCode",
    NULL::VARCHAR AS "PricingCurrency", NULL::VARCHAR AS "PricingCurrencyCode",
    NULL::VARCHAR AS "ExchangeRatePricingToBilling", NULL::VARCHAR AS "ExchangeRateDate",
    NULL::VARCHAR AS "ResourceLocation", NULL::VARCHAR AS "Location", NULL::VARCHAR AS "AvailabilityZone",
    NULL::VARCHAR AS "ConsumedService", NULL::VARCHAR AS "ResourceId", NULL::VARCHAR AS "ResourceName",
    NULL::VARCHAR AS "ServiceInfo1", NULL::VARCHAR AS "ServiceInfo2", NULL::VARCHAR AS "AdditionalInfo",
    NULL::VARCHAR AS "Tags", NULL::VARCHAR AS "InvoiceId", NULL::VARCHAR AS "InvoiceSectionId",
    NULL::VARCHAR AS "InvoiceSection", NULL::VARCHAR AS "InvoiceSectionName", NULL::VARCHAR AS "CostCenter",
    NULL::VARCHAR AS "UnitOfMeasure", NULL::VARCHAR AS "ResourceGroup", NULL::VARCHAR AS "ResourceGroupName",
    NULL::VARCHAR AS "ReservationId", NULL::VARCHAR AS "ReservationName",
    NULL::VARCHAR AS "ProductOrderId", NULL::VARCHAR AS "ProductOrderName", NULL::VARCHAR AS "OfferId",
    NULL::VARCHAR AS "IsAzureCreditEligible", NULL::VARCHAR AS "Term",
    NULL::VARCHAR AS "PublisherName", NULL::VARCHAR AS "PublisherId", NULL::VARCHAR AS "PublisherType",
    NULL::VARCHAR AS "PlanName", NULL::VARCHAR AS "ChargeType", NULL::VARCHAR AS "Frequency",
    NULL::VARCHAR AS "PricingModel", NULL::VARCHAR AS "CostAllocationRuleName",
    NULL::VARCHAR AS "BenefitId", NULL::VARCHAR AS "BenefitName",
    NULL::VARCHAR AS "PartnerName", NULL::VARCHAR AS "ResellerName", NULL::VARCHAR AS "ResellerMpnId"
  WHERE false
),
az_raw AS (
  SELECT * FROM az_tpl UNION ALL BY NAME SELECT * FROM src
),
-- One typed, trimmed record per source row. Parse failures stay NULL here and are turned into named errors in az_rows.
az_norm AS (
  SELECT
    COALESCE("filename", '<input>') AS src_file,
    NULLIF(trim("BillingAccountId"), '') AS billing_account_id_raw,
    NULLIF(trim("BillingProfileId"), '') AS billing_profile_id,
    NULLIF(trim("ChargeType"), '') AS charge_type,
    -- "Savings Plan" (with a space) appears in Microsoft's docs; exports say SavingsPlan.
    replace(NULLIF(trim("PricingModel"), ''), ' ', '') AS pricing_model,
    COALESCE(NULLIF(trim("CostInBillingCurrency"), ''), NULLIF(trim("Cost"), '')) AS cost_text,
    upper(COALESCE(NULLIF(trim("BillingCurrencyCode"), ''), NULLIF(trim("BillingCurrency"), ''))) AS billing_currency,
    NULLIF(trim("Date"), '') AS date_text,
    NULLIF(trim("BillingPeriodStartDate"), '') AS period_start_text,
    NULLIF(trim("BillingPeriodEndDate"), '') AS period_end_text,
    COALESCE(try_strptime(trim("Date"), '%m/%d/%Y'), try_strptime(trim("Date"), '%Y-%m-%d'),
             TRY_CAST(trim("Date") AS TIMESTAMP)) AS charge_day,
    COALESCE(try_strptime(trim("BillingPeriodStartDate"), '%m/%d/%Y'), try_strptime(trim("BillingPeriodStartDate"), '%Y-%m-%d'),
             TRY_CAST(trim("BillingPeriodStartDate") AS TIMESTAMP)) AS period_start_day,
    COALESCE(try_strptime(trim("BillingPeriodEndDate"), '%m/%d/%Y'), try_strptime(trim("BillingPeriodEndDate"), '%Y-%m-%d'),
             TRY_CAST(trim("BillingPeriodEndDate") AS TIMESTAMP)) AS period_end_day,
    TRY_CAST(trim("CostInBillingCurrency") AS DECIMAL(38,18)) AS cost_in_billing_currency,
    TRY_CAST(trim("Cost") AS DECIMAL(38,18)) AS cost_legacy,
    *
  FROM az_raw
),
az_typed AS (
  SELECT
    *,
    -- MCA billing account ids look like "<guid>:<guid>_2019-05-31"; EA enrollment numbers never contain ':'.
    COALESCE(billing_account_id_raw LIKE '%:%', false) AS is_mca,
    TRY_CAST(cost_text AS DECIMAL(38,18)) AS cost_num
  FROM az_norm
),
-- Which export each file is. Cost Management names its exports "…ActualCost…" / "…AmortizedCost…"; files named
-- otherwise are classified by content: only amortized data has UnusedReservation / UnusedSavingsPlan rows or
-- commitment-covered usage with a non-zero cost.
az_files AS (
  SELECT
    src_file,
    CASE
      WHEN regexp_matches(lower(regexp_extract(src_file, '[^/\\]*$')), 'amorti[sz]') THEN 'amortized'
      WHEN regexp_matches(lower(regexp_extract(src_file, '[^/\\]*$')), 'actual') THEN 'actual'
      WHEN bool_or(charge_type IN ('UnusedReservation', 'UnusedSavingsPlan')
                   OR (charge_type = 'Usage' AND pricing_model IN ('Reservation', 'SavingsPlan') AND cost_num <> 0)) THEN 'amortized'
      ELSE 'actual'
    END AS dataset
  FROM az_typed
  GROUP BY src_file
),
-- Row-level checks: bad input stops the import with the file, field and value named.
az_rows AS (
  SELECT
    t.*,
    f.dataset,
    CASE
      WHEN t.cost_text IS NULL THEN error(format('azure-cost-details: {}: row dated "{}" (meter {}) has no Cost / CostInBillingCurrency value', t.src_file, t.date_text, COALESCE(t."MeterId", '?')))::DECIMAL(38,18)
      WHEN t.cost_num IS NULL THEN error(format('azure-cost-details: {}: Cost / CostInBillingCurrency "{}" is not a decimal number (row dated "{}")', t.src_file, t.cost_text, t.date_text))::DECIMAL(38,18)
      ELSE t.cost_num
    END AS cost_checked,
    CASE
      WHEN t.charge_day IS NULL THEN error(format('azure-cost-details: {}: Date "{}" is not MM/DD/YYYY or YYYY-MM-DD', t.src_file, t.date_text))::TIMESTAMP
      ELSE t.charge_day
    END AS charge_day_checked,
    CASE
      WHEN t.period_start_day IS NULL THEN error(format('azure-cost-details: {}: BillingPeriodStartDate "{}" is not MM/DD/YYYY or YYYY-MM-DD', t.src_file, t.period_start_text))::TIMESTAMP
      ELSE t.period_start_day
    END AS period_start_checked,
    CASE
      WHEN t.period_end_day IS NULL THEN error(format('azure-cost-details: {}: BillingPeriodEndDate "{}" is not MM/DD/YYYY or YYYY-MM-DD', t.src_file, t.period_end_text))::TIMESTAMP
      ELSE t.period_end_day
    END AS period_end_checked,
    CASE
      WHEN t.billing_currency IS NULL THEN error(format('azure-cost-details: {}: row dated "{}" has no BillingCurrency / BillingCurrencyCode', t.src_file, t.date_text))::VARCHAR
      ELSE t.billing_currency
    END AS currency_checked,
    CASE
      WHEN COALESCE(CASE WHEN t.is_mca THEN t.billing_profile_id END, t.billing_account_id_raw) IS NULL
        THEN error(format('azure-cost-details: {}: row dated "{}" has no BillingAccountId / BillingProfileId', t.src_file, t.date_text))::VARCHAR
      ELSE COALESCE(CASE WHEN t.is_mca THEN t.billing_profile_id END, t.billing_account_id_raw)
    END AS account_key
  FROM az_typed t
  JOIN az_files f USING (src_file)
),
-- Actual and amortized exports of the same billing account and period are combined (Microsoft's rule): all amortized
-- rows + the actual rows that are commitment purchases/refunds. An amortized export without its actual export cannot
-- give BilledCost (purchases are missing, covered usage is amortized), so it is refused.
az_periods AS (
  SELECT
    account_key,
    period_start_checked,
    bool_or(dataset = 'actual') AS has_actual,
    bool_or(dataset = 'amortized') AS has_amortized,
    string_agg(DISTINCT src_file, ', ' ORDER BY src_file) AS files
  FROM az_rows
  GROUP BY account_key, period_start_checked
),
az_all AS (
  SELECT r.*, p.has_amortized AS combined
  FROM az_rows r
  JOIN az_periods p USING (account_key, period_start_checked)
  WHERE CASE
    WHEN p.has_amortized AND NOT p.has_actual THEN error(format(
      'azure-cost-details: {}: amortized cost export(s) for billing account {} period starting {} without the actual cost export of the same period; BilledCost cannot be derived from amortized cost alone: import the ActualCost export together with it',
      p.files, p.account_key, strftime(p.period_start_checked, '%Y-%m-%d')))::BOOLEAN
    ELSE true
  END
),
az_selected AS (
  SELECT * FROM az_all
  WHERE NOT combined OR dataset = 'amortized'
    OR (charge_type IN ('Purchase', 'Refund') AND pricing_model IN ('Reservation', 'SavingsPlan'))
)
