WITH
-- GCP Cloud Billing BigQuery export (standard / detailed usage cost) → FOCUS 1.2. See docs/focus/gcp-billing-export.md.
-- The CTEs up to the "END SHARED PREFIX" marker are also the prefix of the source-totals query (gcp-billing-export.totals.sql).
-- Every input (NDJSON from `bq extract`, parquet, BigQuery API rows) is re-shaped into one typed record with the full
-- standard + detailed export schema, numbers kept as text: fields a file lacks (older schemas, standard vs detailed
-- export) become NULL instead of binder errors, and amounts never pass through DOUBLE arithmetic here.
g_rows AS (
  SELECT json_transform(to_json(s), '{"billing_account_id":"VARCHAR","service":{"id":"VARCHAR","description":"VARCHAR"},"sku":{"id":"VARCHAR","description":"VARCHAR"},"usage_start_time":"VARCHAR","usage_end_time":"VARCHAR","project":{"id":"VARCHAR","number":"VARCHAR","name":"VARCHAR","labels":[{"key":"VARCHAR","value":"VARCHAR"}],"ancestry_numbers":"VARCHAR"},"labels":[{"key":"VARCHAR","value":"VARCHAR"}],"system_labels":[{"key":"VARCHAR","value":"VARCHAR"}],"tags":[{"key":"VARCHAR","value":"VARCHAR","inherited":"VARCHAR","namespace":"VARCHAR"}],"location":{"location":"VARCHAR","country":"VARCHAR","region":"VARCHAR","zone":"VARCHAR"},"transaction_type":"VARCHAR","seller_name":"VARCHAR","export_time":"VARCHAR","cost":"VARCHAR","currency":"VARCHAR","currency_conversion_rate":"VARCHAR","usage":{"amount":"VARCHAR","unit":"VARCHAR","amount_in_pricing_units":"VARCHAR","pricing_unit":"VARCHAR"},"credits":[{"name":"VARCHAR","amount":"VARCHAR","full_name":"VARCHAR","id":"VARCHAR","type":"VARCHAR"}],"invoice":{"month":"VARCHAR","publisher_type":"VARCHAR"},"cost_type":"VARCHAR","adjustment_info":{"id":"VARCHAR","description":"VARCHAR","mode":"VARCHAR","type":"VARCHAR"},"cost_at_list":"VARCHAR","resource":{"name":"VARCHAR","global_name":"VARCHAR"},"price":{"effective_price":"VARCHAR","tier_start_amount":"VARCHAR","unit":"VARCHAR","pricing_unit_quantity":"VARCHAR"}}') AS r, COALESCE(CAST(s."filename" AS VARCHAR), '<input>') AS src_file
  FROM src s
),
g_typed AS (
  SELECT
    r,
    src_file,
    TRY_CAST(r.cost AS DECIMAL(38,18)) AS cost_num,
    TRY_CAST(r.cost_at_list AS DECIMAL(38,18)) AS cost_at_list_num,
    upper(NULLIF(trim(r.currency), '')) AS currency_code,
    CASE WHEN regexp_matches(r.invoice.month, '^\d{6}$')
      THEN make_timestamp(CAST(left(r.invoice.month, 4) AS BIGINT), CAST(right(r.invoice.month, 2) AS BIGINT), 1, 0, 0, 0)
    END AS invoice_month_start,
    -- Each credit keeps its text amount and a parsed one; an unparseable amount is reported below.
    list_transform(COALESCE(r.credits, []), c -> struct_pack(
      name := c.name, full_name := c.full_name, id := c.id, type := upper(c.type),
      amount_text := c.amount, amount := TRY_CAST(c.amount AS DECIMAL(38,18)),
      -- Promotional credits (free trial, marketing) are FOCUS Credit rows; every other credit type (SUD, CUD, spend-based
      -- CUD, discounts, free tier, subscription benefit, reseller margin) is a price reduction of the row it is on.
      is_promotion := COALESCE(upper(c.type) = 'PROMOTION', c.type IS NULL AND (lower(c.name) LIKE '%promotion%' OR lower(c.name) LIKE '%free trial%'))
    )) AS credit_list
  FROM g_rows
),
g_checked AS (
  SELECT
    *,
    CASE
      WHEN r.cost IS NULL THEN error(format('gcp-billing-export: {}: row (sku "{}", usage_start_time {}) has no cost', src_file, r.sku.description, r.usage_start_time))::DECIMAL(38,18)
      WHEN cost_num IS NULL THEN error(format('gcp-billing-export: {}: cost "{}" is not a number (sku "{}")', src_file, r.cost, r.sku.description))::DECIMAL(38,18)
      ELSE cost_num
    END AS cost_checked,
    CASE
      WHEN currency_code IS NULL THEN error(format('gcp-billing-export: {}: row (sku "{}") has no currency', src_file, r.sku.description))::VARCHAR
      ELSE currency_code
    END AS currency_checked,
    CASE
      WHEN invoice_month_start IS NULL THEN error(format('gcp-billing-export: {}: invoice.month "{}" is not YYYYMM (sku "{}")', src_file, r.invoice.month, r.sku.description))::TIMESTAMP
      ELSE invoice_month_start
    END AS invoice_month_checked,
    CASE
      WHEN len(list_filter(credit_list, c -> c.amount IS NULL)) > 0 THEN error(format('gcp-billing-export: {}: credits[].amount "{}" is not a number (sku "{}")', src_file,
        list_filter(credit_list, c -> c.amount IS NULL)[1].amount_text, r.sku.description))::DECIMAL(38,18)
      ELSE COALESCE(list_sum(list_transform(credit_list, c -> c.amount)), 0)::DECIMAL(38,18)
    END AS credits_total,
    COALESCE(list_sum(list_transform(list_filter(credit_list, c -> NOT c.is_promotion), c -> c.amount)), 0)::DECIMAL(38,18) AS discount_credits_total
  FROM g_typed
)
-- END SHARED PREFIX
,
-- ServiceName → ServiceCategory, from the FinOps Foundation focus_converters GCP mapping (gcp-service-categories.csv, MIT).
-- BEGIN gcp_service_categories (generated from gcp-service-categories.csv; gcp-billing-export.test.ts checks it)
gcp_service_categories AS (
  SELECT * FROM (VALUES
    ('Directions API', 'Integration'),
    ('Distance Matrix API', 'Integration'),
    ('Maps Elevation API', 'Integration'),
    ('Geocoding API', 'Integration'),
    ('Geolocation API', 'Integration'),
    ('Google Maps Mobile SDK', 'Integration'),
    ('Roads API', 'Integration'),
    ('Maps Static API', 'Integration'),
    ('Time Zone API', 'Integration'),
    ('Custom Search', 'Integration'),
    ('Places API', 'Integration'),
    ('Prediction', 'AI and Machine Learning'),
    ('Street View Static API', 'Integration'),
    ('Translate', 'Developer Tools'),
    ('App Engine', 'Compute'),
    ('BigQuery', 'Databases'),
    ('Cloud DNS', 'Networking'),
    ('Cloud SQL', 'Databases'),
    ('Cloud Storage', 'Storage'),
    ('Compute Engine', 'Compute'),
    ('Actifio GO', 'Security'),
    ('Vertex AI', 'AI and Machine Learning'),
    ('Anthos', 'Compute'),
    ('Anthos Config Management', 'Compute'),
    ('API Gateway', 'Integration'),
    ('Google Cloud Platform Apigee team Apigee Developer Portal', 'Integration'),
    ('Artifact Registry', 'Compute'),
    ('Cloud AutoML', 'AI and Machine Learning'),
    ('BigQuery BI Engine', 'Analytics'),
    ('BigQuery Data Transfer Service', 'Migration'),
    ('BigQuery Reservation API', 'Analytics'),
    ('BigQuery Storage API', 'Storage'),
    ('Cloud Bigtable', 'Databases'),
    ('Networking', 'Networking'),
    ('Binary Authorization', 'Security'),
    ('Cloud Build', 'Developer Tools'),
    ('Cloud Functions', 'Compute'),
    ('Cloud IoT Core', 'Internet of Things'),
    ('Cloud Key Management Service (KMS)', 'Security'),
    ('Cloud Optimization', 'AI and Machine Learning'),
    ('Cloud Scheduler', 'Developer Tools'),
    ('Cloud Tasks', 'Developer Tools'),
    ('Stackdriver Trace', 'Compute'),
    ('Cloud Composer', 'Analytics'),
    ('Confidential Computing', 'Compute'),
    ('Contact Center AI Insights', 'AI and Machine Learning'),
    ('Kubernetes Engine', 'Compute'),
    ('Container Registry Vulnerability Scanning', 'Security'),
    ('Data Catalog', 'Analytics'),
    ('Cloud Dataflow', 'Analytics'),
    ('Cloud Data Fusion', 'Analytics'),
    ('Cloud Data Labeling Service', 'AI and Machine Learning'),
    ('Google Cloud Platform Financial Services team Datashare', 'Management and Governance'),
    ('Datastream', 'Databases'),
    ('Cloud Dialogflow API', 'Integration'),
    ('Cloud Data Loss Prevention', 'Security'),
    ('Cloud Document API', 'Integration'),
    ('Cloud Document AI API', 'Integration'),
    ('Cloud Domains', 'Web'),
    ('Enterprise Agreement', 'Management and Governance'),
    ('Elastifile Cloud File System', 'Storage'),
    ('Cloud Filestore', 'Storage'),
    ('Firebase', 'Mobile'),
    ('Firebase Auth', 'Security'),
    ('Firebase Realtime Database', 'Databases'),
    ('Firebase Hosting', 'Mobile'),
    ('Game Services API', 'Integration'),
    ('Google Quickstart Simple pre-configured Debian VM', 'Compute'),
    ('Genomics', 'AI and Machine Learning'),
    ('Backup for GKE', 'Storage'),
    ('Cloud Healthcare', 'Integration'),
    ('BeyondCorp Enterprise', 'Security'),
    ('Identity Platform', 'Security'),
    ('Cloud IDS', 'Security'),
    ('Cloud Talent Solution', 'AI and Machine Learning'),
    ('Cloud Natural Language', 'AI and Machine Learning'),
    ('Live Stream API', 'Integration'),
    ('Cloud Logging', 'Management and Governance'),
    ('Looker Data Platform SaaS', 'Analytics'),
    ('Maps Embed API', 'Integration'),
    ('Cloud Media Translation API', 'Integration'),
    ('Cloud Memorystore for Memcached', 'Databases'),
    ('Anthos Service Mesh', 'Management and Governance'),
    ('Dataproc Metastore', 'Storage'),
    ('Cloud Machine Learning Engine', 'AI and Machine Learning'),
    ('Stackdriver Monitoring', 'Compute'),
    ('MultiClusterIngress', 'Compute'),
    ('Notebooks', 'AI and Machine Learning'),
    ('Google Cloud Vision OCR On-Prem', 'AI and Machine Learning'),
    ('On-Demand Scanning', 'Security'),
    ('VM Manager', 'Compute'),
    ('Certificate Authority Service', 'Security'),
    ('Programmable Search Element', 'Integration'),
    ('Cloud Pub/Sub', 'Integration'),
    ('Pub/Sub Lite', 'Integration'),
    ('reCAPTCHA Enterprise', 'Security'),
    ('Recommendations AI', 'AI and Machine Learning'),
    ('Cloud Memorystore for Redis', 'Databases'),
    ('Remote Build Execution', 'Developer Tools'),
    ('Cloud Run', 'Compute'),
    ('Secret Manager', 'Security'),
    ('Security Command Center', 'Security'),
    ('Google Service Control', 'Networking'),
    ('Source Repository', 'Developer Tools'),
    ('Cloud Spanner', 'Databases'),
    ('Speaker ID', 'AI and Machine Learning'),
    ('Cloud Speech API', 'Integration'),
    ('Transfer Service', 'Storage'),
    ('Google Click to Deploy Deep Learning VM', 'AI and Machine Learning'),
    ('Firebase Test Lab', 'Mobile'),
    ('Cloud Text-to-Speech API', 'Integration'),
    ('Cloud TPU', 'AI and Machine Learning'),
    ('Transcode API', 'Integration'),
    ('Transcoder API', 'Integration'),
    ('Transfer Appliance', 'Migration'),
    ('Maps SDK for Unity', 'Integration'),
    ('Cloud Video Intelligence API', 'Integration'),
    ('Video Stitcher API', 'Integration'),
    ('Cloud Vision API', 'Integration'),
    ('VMware Engine', 'Compute'),
    ('Web Risk', 'Security'),
    ('Workflows', 'Developer Tools'),
    ('Zync', 'Media'),
    ('Cloud CDN', 'Networking'),
    ('Stackdriver', 'Management and Governance')
  ) AS t("ServiceDescription", "ServiceCategory")
),
-- END gcp_service_categories
g_base AS (
  SELECT
    c.*,
    -- Google bills by invoice month in Pacific Time: the period starts at local midnight of the 1st.
    timezone('America/Los_Angeles', invoice_month_checked) AS period_start,
    timezone('America/Los_Angeles', invoice_month_checked + INTERVAL 1 MONTH) AS period_end,
    CASE
      WHEN r.usage_start_time IS NULL THEN NULL
      WHEN regexp_matches(r.usage_start_time, '(Z|[+-]\d\d(:?\d\d)?)$') THEN TRY_CAST(r.usage_start_time AS TIMESTAMPTZ)
      ELSE timezone('UTC', TRY_CAST(r.usage_start_time AS TIMESTAMP))
    END AS usage_start,
    CASE
      WHEN r.usage_end_time IS NULL THEN NULL
      WHEN regexp_matches(r.usage_end_time, '(Z|[+-]\d\d(:?\d\d)?)$') THEN TRY_CAST(r.usage_end_time AS TIMESTAMPTZ)
      ELSE timezone('UTC', TRY_CAST(r.usage_end_time AS TIMESTAMP))
    END AS usage_end,
    list_filter(credit_list, x -> x.type IN ('COMMITTED_USAGE_DISCOUNT', 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE'))[1] AS cud_credit,
    sc."ServiceCategory" AS service_category
  FROM g_checked c
  LEFT JOIN gcp_service_categories sc ON sc."ServiceDescription" = c.r.service.description
),
g_valid AS (
  SELECT
    *,
    CASE WHEN usage_start IS NULL THEN error(format('gcp-billing-export: {}: usage_start_time "{}" is not a timestamp (sku "{}")', src_file, r.usage_start_time, r.sku.description))::TIMESTAMPTZ
         ELSE usage_start END AS usage_start_checked,
    CASE WHEN usage_end IS NULL THEN error(format('gcp-billing-export: {}: usage_end_time "{}" is not a timestamp (sku "{}")', src_file, r.usage_end_time, r.sku.description))::TIMESTAMPTZ
         ELSE usage_end END AS usage_end_checked
  FROM g_base
),
-- One FOCUS row per export row, net of its discount-type credits, plus one Credit row per promotional credit.
g_lines AS (
  SELECT
    v.*,
    false AS is_credit_row,
    lower(COALESCE(r.cost_type, 'regular')) = 'regular' AS is_usage_line,
    NULL::VARCHAR AS credit_name, NULL::VARCHAR AS credit_id, NULL::VARCHAR AS credit_type, NULL::VARCHAR AS credit_full_name,
    cost_checked + discount_credits_total AS billed,
    cost_checked AS contracted,
    COALESCE(cost_at_list_num, cost_checked) AS listed
  FROM g_valid v
  UNION ALL
  SELECT
    v.*,
    true AS is_credit_row,
    false AS is_usage_line,
    cr.name, cr.id, cr.type, cr.full_name,
    cr.amount AS billed,
    cr.amount AS contracted,
    cr.amount AS listed
  FROM g_valid v, unnest(list_filter(v.credit_list, x -> x.is_promotion)) AS u(cr)
),
-- Unit prices of a usage line: its contracted and list cost over its PricingQuantity, so price × quantity gives the
-- cost back (FOCUS ContractedCost-C-009-C, ListCost-C-009-C); the export's own price.effective_price is a tier price
-- that need not. Divided exactly on scaled integers (DuckDB's DECIMAL division returns DOUBLE) and truncated to 12
-- decimals; a zero quantity takes the tier price (0 × price = the zero cost). try(): a cost beyond 10^8 leaves NULL.
g_priced AS (
  SELECT
    l.*,
    CASE WHEN is_usage_line AND NULLIF(r.usage.pricing_unit, '') IS NOT NULL THEN TRY_CAST(r.usage.amount_in_pricing_units AS DECIMAL(38,18)) END AS pricing_quantity,
    TRY_CAST(r.price.effective_price AS DECIMAL(38,18)) AS tier_price,
    -- A DECIMAL(38,18) as its integer of 10^-18 units: the text always has 18 decimals.
    CAST(replace(CAST(CAST(contracted AS DECIMAL(38,18)) AS VARCHAR), '.', '') AS HUGEINT) AS contracted_units,
    CAST(replace(CAST(CAST(listed AS DECIMAL(38,18)) AS VARCHAR), '.', '') AS HUGEINT) AS listed_units
  FROM g_lines l
),
g_units AS (
  SELECT
    *,
    CAST(replace(CAST(pricing_quantity AS VARCHAR), '.', '') AS HUGEINT) AS quantity_units
  FROM g_priced
),
g_unit_prices AS (
  -- units × 10^12 ÷ quantity units = the price in 10^-12 units, truncated.
  SELECT
    *,
    CAST(CASE WHEN pricing_quantity > 0 THEN try(CAST(contracted_units * CAST(1000000000000 AS HUGEINT) // quantity_units AS DECIMAL(38,0)) * CAST('0.000000000001' AS DECIMAL(38,12)))
      WHEN pricing_quantity = 0 THEN COALESCE(tier_price, 0) END AS DECIMAL(38,18)) AS contracted_unit_price,
    CAST(CASE WHEN pricing_quantity > 0 THEN try(CAST(listed_units * CAST(1000000000000 AS HUGEINT) // quantity_units AS DECIMAL(38,0)) * CAST('0.000000000001' AS DECIMAL(38,12)))
      WHEN pricing_quantity = 0 THEN COALESCE(tier_price, 0) END AS DECIMAL(38,18)) AS list_unit_price
  FROM g_units
)
SELECT
  CAST(NULLIF(r.location.zone, '') AS VARCHAR) AS "AvailabilityZone",
  CAST(billed AS DECIMAL(38,18)) AS "BilledCost",
  CAST(r.billing_account_id AS VARCHAR) AS "BillingAccountId",
  CAST(NULL AS VARCHAR) AS "BillingAccountName",
  CAST('Billing Account' AS VARCHAR) AS "BillingAccountType",
  CAST(currency_checked AS VARCHAR) AS "BillingCurrency",
  period_end AS "BillingPeriodEnd",
  period_start AS "BillingPeriodStart",
  CAST(NULL AS VARCHAR) AS "CapacityReservationId",
  CAST(NULL AS VARCHAR) AS "CapacityReservationStatus",
  CAST(CASE
    WHEN is_credit_row THEN 'Credit'
    WHEN lower(r.cost_type) = 'tax' THEN 'Tax'
    WHEN lower(r.cost_type) IN ('adjustment', 'rounding_error', 'credit') THEN 'Adjustment'
    ELSE 'Usage'
  END AS VARCHAR) AS "ChargeCategory",
  CAST(CASE WHEN NOT is_credit_row AND lower(r.cost_type) = 'adjustment' AND r.adjustment_info.id IS NOT NULL THEN 'Correction' END AS VARCHAR) AS "ChargeClass",
  CAST(CASE WHEN is_credit_row THEN COALESCE(credit_full_name, credit_name) ELSE r.sku.description END AS VARCHAR) AS "ChargeDescription",
  CAST(CASE WHEN NOT is_credit_row AND lower(r.cost_type) IN ('adjustment', 'rounding_error') THEN 'One-Time' ELSE 'Usage-Based' END AS VARCHAR) AS "ChargeFrequency",
  usage_end_checked AS "ChargePeriodEnd",
  usage_start_checked AS "ChargePeriodStart",
  CAST(CASE WHEN NOT is_credit_row THEN CASE cud_credit.type
    WHEN 'COMMITTED_USAGE_DISCOUNT' THEN 'Usage' WHEN 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE' THEN 'Spend' END END AS VARCHAR) AS "CommitmentDiscountCategory",
  CAST(CASE WHEN NOT is_credit_row THEN COALESCE(cud_credit.id, cud_credit.name) END AS VARCHAR) AS "CommitmentDiscountId",
  CAST(CASE WHEN NOT is_credit_row THEN COALESCE(cud_credit.full_name, cud_credit.name) END AS VARCHAR) AS "CommitmentDiscountName",
  -- Resource-based CUDs count the covered usage in pricing units; spend-based CUDs count the covered spend.
  CAST(CASE WHEN NOT is_credit_row THEN CASE cud_credit.type
    WHEN 'COMMITTED_USAGE_DISCOUNT' THEN TRY_CAST(r.usage.amount_in_pricing_units AS DECIMAL(38,18))
    WHEN 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE' THEN contracted END END AS DECIMAL(38,18)) AS "CommitmentDiscountQuantity",
  CAST(CASE WHEN NOT is_credit_row AND cud_credit IS NOT NULL THEN 'Used' END AS VARCHAR) AS "CommitmentDiscountStatus",
  CAST(CASE WHEN NOT is_credit_row AND cud_credit IS NOT NULL THEN 'Committed Use Discount' END AS VARCHAR) AS "CommitmentDiscountType",
  CAST(CASE WHEN NOT is_credit_row THEN CASE cud_credit.type
    WHEN 'COMMITTED_USAGE_DISCOUNT' THEN r.usage.pricing_unit
    WHEN 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE' THEN currency_checked END END AS VARCHAR) AS "CommitmentDiscountUnit",
  CAST(CASE WHEN NOT is_credit_row AND lower(COALESCE(r.cost_type, 'regular')) = 'regular' THEN TRY_CAST(r.usage.amount AS DECIMAL(38,18)) END AS DECIMAL(38,18)) AS "ConsumedQuantity",
  CAST(CASE WHEN NOT is_credit_row AND lower(COALESCE(r.cost_type, 'regular')) = 'regular' THEN r.usage.unit END AS VARCHAR) AS "ConsumedUnit",
  CAST(contracted AS DECIMAL(38,18)) AS "ContractedCost",
  contracted_unit_price AS "ContractedUnitPrice",
  -- No amortization data in the export: CUD fees are their own monthly rows, so EffectiveCost = BilledCost.
  CAST(billed AS DECIMAL(38,18)) AS "EffectiveCost",
  CAST(NULL AS VARCHAR) AS "InvoiceId",
  CAST('Google Cloud' AS VARCHAR) AS "InvoiceIssuerName",
  CAST(listed AS DECIMAL(38,18)) AS "ListCost",
  list_unit_price AS "ListUnitPrice",
  CAST(CASE
    WHEN is_credit_row THEN NULL
    WHEN lower(COALESCE(r.cost_type, 'regular')) <> 'regular' THEN NULL
    WHEN cud_credit IS NOT NULL THEN 'Committed'
    ELSE 'Standard'
  END AS VARCHAR) AS "PricingCategory",
  CAST(currency_checked AS VARCHAR) AS "PricingCurrency",
  contracted_unit_price AS "PricingCurrencyContractedUnitPrice",
  -- The export prices and bills in one currency (currency_conversion_rate is to USD), so these equal the billing ones.
  CAST(billed AS DECIMAL(38,18)) AS "PricingCurrencyEffectiveCost",
  list_unit_price AS "PricingCurrencyListUnitPrice",
  pricing_quantity AS "PricingQuantity",
  CAST(CASE WHEN is_usage_line THEN NULLIF(r.usage.pricing_unit, '') END AS VARCHAR) AS "PricingUnit",
  CAST('Google Cloud' AS VARCHAR) AS "ProviderName",
  CAST(COALESCE(NULLIF(r.seller_name, ''), 'Google Cloud') AS VARCHAR) AS "PublisherName",
  CAST(NULLIF(COALESCE(r.location.region, r.location.location), '') AS VARCHAR) AS "RegionId",
  CAST(NULLIF(COALESCE(r.location.region, r.location.location), '') AS VARCHAR) AS "RegionName",
  CAST(CASE WHEN NOT is_credit_row THEN NULLIF(COALESCE(r.resource.global_name, r.resource.name), '') END AS VARCHAR) AS "ResourceId",
  CAST(CASE WHEN NOT is_credit_row THEN NULLIF(r.resource.name, '') END AS VARCHAR) AS "ResourceName",
  -- "//compute.googleapis.com/projects/p/zones/z/instances/i" → "compute.googleapis.com/instances".
  CAST(CASE WHEN NOT is_credit_row AND starts_with(r.resource.global_name, '//') THEN
    regexp_extract(r.resource.global_name, '^//([^/]+)/', 1) || '/' || string_split(r.resource.global_name, '/')[-2] END AS VARCHAR) AS "ResourceType",
  CAST(COALESCE(service_category, 'Other') AS VARCHAR) AS "ServiceCategory",
  CAST(COALESCE(NULLIF(r.service.description, ''), 'Unknown') AS VARCHAR) AS "ServiceName",
  CAST('Other (' || COALESCE(service_category, 'Other') || ')' AS VARCHAR) AS "ServiceSubcategory",
  -- Tax, adjustment and credit rows are not SKU charges.
  CAST(CASE WHEN is_usage_line THEN r.sku.id END AS VARCHAR) AS "SkuId",
  CAST(CASE WHEN is_usage_line THEN r.sku.description END AS VARCHAR) AS "SkuMeter",
  CAST(NULL AS JSON) AS "SkuPriceDetails",
  CAST(CASE WHEN is_usage_line THEN r.sku.id END AS VARCHAR) AS "SkuPriceId",
  CAST(NULLIF(r.project.id, '') AS VARCHAR) AS "SubAccountId",
  CAST(NULLIF(r.project.name, '') AS VARCHAR) AS "SubAccountName",
  CAST(CASE WHEN NULLIF(r.project.id, '') IS NOT NULL THEN 'Project' END AS VARCHAR) AS "SubAccountType",
  -- User labels and resource-manager tags (namespace/key); project labels and system labels stay in x_ columns.
  CASE WHEN len(COALESCE(r.labels, [])) + len(COALESCE(r.tags, [])) > 0 THEN
    map_from_entries(list_distinct(list_concat(
      list_transform(COALESCE(r.labels, []), l -> struct_pack(key := l.key, value := l.value)),
      list_transform(COALESCE(r.tags, []), t -> struct_pack(key := COALESCE(t.namespace || '/', '') || t.key, value := t.value)))))
  END::MAP(VARCHAR, VARCHAR) AS "Tags",
  CAST(r.cost_type AS VARCHAR) AS "x_CostType",
  CAST(CASE WHEN NOT is_credit_row THEN cost_checked END AS DECIMAL(38,18)) AS "x_CostBeforeCredits",
  CAST(CASE WHEN NOT is_credit_row THEN credits_total END AS DECIMAL(38,18)) AS "x_CreditsTotal",
  CAST(CASE WHEN NOT is_credit_row AND len(credit_list) > 0 THEN to_json(list_transform(credit_list,
    x -> struct_pack(name := x.name, full_name := x.full_name, id := x.id, type := x.type, amount := x.amount_text))) END AS JSON) AS "x_Credits",
  CAST(credit_type AS VARCHAR) AS "x_CreditType",
  CAST(credit_id AS VARCHAR) AS "x_CreditId",
  CAST(TRY_CAST(r.currency_conversion_rate AS DECIMAL(38,18)) AS DECIMAL(38,18)) AS "x_CurrencyConversionRate",
  CAST(r.export_time AS VARCHAR) AS "x_ExportTime",
  CAST(r.invoice.month AS VARCHAR) AS "x_InvoiceMonth",
  CAST(r.invoice.publisher_type AS VARCHAR) AS "x_InvoicePublisherType",
  CAST(r.location.country AS VARCHAR) AS "x_LocationCountry",
  CAST(r.location.location AS VARCHAR) AS "x_Location",
  CAST(r.project.number AS VARCHAR) AS "x_ProjectNumber",
  CAST(r.project.ancestry_numbers AS VARCHAR) AS "x_ProjectAncestryNumbers",
  CASE WHEN len(COALESCE(r.project.labels, [])) > 0 THEN map_from_entries(list_distinct(list_transform(r.project.labels, l -> struct_pack(key := l.key, value := l.value)))) END::MAP(VARCHAR, VARCHAR) AS "x_ProjectLabels",
  CASE WHEN len(COALESCE(r.system_labels, [])) > 0 THEN map_from_entries(list_distinct(list_transform(r.system_labels, l -> struct_pack(key := l.key, value := l.value)))) END::MAP(VARCHAR, VARCHAR) AS "x_SystemLabels",
  CAST(r.service.id AS VARCHAR) AS "x_ServiceId",
  CAST(r.transaction_type AS VARCHAR) AS "x_TransactionType",
  CAST(CASE WHEN r.adjustment_info.id IS NOT NULL THEN to_json(r.adjustment_info) END AS JSON) AS "x_AdjustmentInfo",
  CAST(TRY_CAST(r.price.effective_price AS DECIMAL(38,18)) AS DECIMAL(38,18)) AS "x_EffectiveUnitPrice",
  CAST(r.price.unit AS VARCHAR) AS "x_PriceUnit",
  CAST(TRY_CAST(r.price.pricing_unit_quantity AS DECIMAL(38,18)) AS DECIMAL(38,18)) AS "x_PricingUnitQuantity"
FROM g_unit_prices
