-- Conversion part of azure-cost-details: appended after azure-cost-details.common.sql. Column-by-column reasons are in
-- docs/focus/azure-cost-details.md.
,
az_enriched AS (
  SELECT
    s.*,
    TRY_CAST(trim(s."Quantity") AS DECIMAL(38,18)) AS qty,
    TRY_CAST(trim(s."UnitPrice") AS DECIMAL(38,18)) AS unit_price,
    TRY_CAST(trim(s."PayGPrice") AS DECIMAL(38,18)) AS payg_price,
    TRY_CAST(trim(s."EffectivePrice") AS DECIMAL(38,18)) AS effective_price,
    TRY_CAST(trim(s."PaygCostInBillingCurrency") AS DECIMAL(38,18)) AS payg_cost,
    -- EA prices are in the billing currency; MCA prices are in the pricing currency and carry the rate to billing.
    COALESCE(TRY_CAST(trim(s."ExchangeRatePricingToBilling") AS DECIMAL(38,18)), 1) AS pricing_to_billing,
    s.charge_type IN ('Purchase', 'Refund') AND s.pricing_model IN ('Reservation', 'SavingsPlan') AS is_commitment_purchase,
    s.pricing_model IN ('Reservation', 'SavingsPlan') AND (s.charge_type = 'Usage' OR s.charge_type LIKE 'Unused%') AS is_commitment_usage,
    NULLIF(COALESCE(trim(s."BenefitId"), trim(s."ReservationId")), '') AS benefit_id,
    NULLIF(COALESCE(trim(s."BenefitName"), trim(s."ReservationName")), '') AS benefit_name,
    NULLIF(trim(s."ResourceId"), '') AS resource_id,
    NULLIF(lower(trim(COALESCE(s."ResourceLocation", s."Location"))), '') AS location_key,
    NULLIF(lower(trim(s."ConsumedService")), '') AS consumed_service_key,
    -- ARM type from the resource id: namespace + every type segment after /providers/ ("…/providers/NS/t1/n1/t2/n2" → ns/t1/t2).
    CASE WHEN lower(s."ResourceId") LIKE '%/providers/%' THEN
      lower(array_to_string(list_filter(
        string_split(trim(regexp_extract(s."ResourceId", '(?i)/providers/(.*)$', 1), '/'), '/'),
        (x, i) -> i = 1 OR i % 2 = 0), '/'))
    END AS arm_type,
    NULLIF(trim(s."AdditionalInfo"), '') AS additional_info,
    NULLIF(trim(s."Tags"), '') AS tags_text,
    NULLIF(trim(s."UnitOfMeasure"), '') AS unit_of_measure
  FROM az_selected s
),
az_joined AS (
  SELECT
    e.*,
    pu."DistinctUnits" AS distinct_units,
    COALESCE(TRY_CAST(pu."PricingBlockSize" AS DECIMAL(38,0)), 1) AS block_size,
    rg."RegionId" AS region_id,
    rg."RegionName" AS region_name,
    COALESCE(sv1."ServiceName", sv2."ServiceName", sv3."ServiceName") AS service_name,
    COALESCE(sv1."ServiceCategory", sv2."ServiceCategory", sv3."ServiceCategory") AS service_category,
    COALESCE(sv1."ServiceSubcategory", sv2."ServiceSubcategory", sv3."ServiceSubcategory") AS service_subcategory,
    COALESCE(sv1."ServiceModel", sv2."ServiceModel", sv3."ServiceModel") AS service_model,
    rt."SingularDisplayName" AS resource_type_name
  FROM az_enriched e
  LEFT JOIN az_pricing_units pu ON pu."UnitOfMeasure" = e.unit_of_measure
  LEFT JOIN az_regions rg ON rg."OriginalValue" = e.location_key
  -- Services.csv is keyed by (ConsumedService, ResourceType); fall back to the resource type alone, then to the
  -- consumed service alone when Microsoft maps it to a single service, so every row gets a ServiceName.
  LEFT JOIN az_services sv1 ON lower(sv1."ConsumedService") = e.consumed_service_key AND lower(sv1."ResourceType") = e.arm_type
  LEFT JOIN (
    SELECT lower("ResourceType") AS rtype, min("ServiceName") AS "ServiceName", min("ServiceCategory") AS "ServiceCategory",
           min("ServiceSubcategory") AS "ServiceSubcategory", min("ServiceModel") AS "ServiceModel"
    FROM az_services GROUP BY lower("ResourceType") HAVING count(DISTINCT "ServiceName") = 1
  ) sv2 ON sv2.rtype = e.arm_type
  LEFT JOIN (
    SELECT lower("ConsumedService") AS cs, min("ServiceName") AS "ServiceName", min("ServiceCategory") AS "ServiceCategory",
           min("ServiceSubcategory") AS "ServiceSubcategory", min("ServiceModel") AS "ServiceModel"
    FROM az_services GROUP BY lower("ConsumedService") HAVING count(DISTINCT "ServiceName") = 1
  ) sv3 ON sv3.cs = e.consumed_service_key
  LEFT JOIN az_resource_types rt ON lower(rt."ResourceType") = e.arm_type
),
az_costed AS (
  SELECT
    j.*,
    -- BilledCost comes from the actual (invoiced) figures: commitment-covered and unused-commitment rows were paid by
    -- the purchase row, so they bill 0 (see docs for why Unused* rows are 0 too).
    CASE WHEN j.is_commitment_usage THEN CAST(0 AS DECIMAL(38,18)) ELSE j.cost_checked END AS billed_cost,
    CASE WHEN j.is_commitment_purchase THEN CAST(0 AS DECIMAL(38,18)) ELSE j.cost_checked END AS effective_cost,
    -- Products are computed at 12+12 fractional digits (DECIMAL(38,24): up to 10^14 per row) so DuckDB's decimal
    -- multiplication cannot overflow; then widened back to the 18-digit storage scale.
    CAST(CAST(j.unit_price AS DECIMAL(38,12)) * CAST(j.qty AS DECIMAL(38,12)) AS DECIMAL(38,18)) AS unit_price_x_qty,
    CAST(CAST(j.payg_price AS DECIMAL(38,12)) * CAST(j.qty AS DECIMAL(38,12)) AS DECIMAL(38,18)) AS payg_price_x_qty
  FROM az_joined j
),
az_final AS (
  SELECT
    c.*,
    CAST(CAST(c.unit_price_x_qty AS DECIMAL(38,12)) * CAST(c.pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18)) AS contracted_cost,
    CASE
      WHEN c.payg_cost IS NOT NULL THEN c.payg_cost
      -- Commitment purchases carry no pay-as-you-go price (PayGPrice 0): list them at their contracted cost.
      WHEN c.is_commitment_purchase AND COALESCE(c.payg_price, 0) = 0 THEN
        CAST(CAST(c.unit_price_x_qty AS DECIMAL(38,12)) * CAST(c.pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18))
      WHEN c.payg_price_x_qty IS NOT NULL THEN
        CAST(CAST(c.payg_price_x_qty AS DECIMAL(38,12)) * CAST(c.pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18))
      ELSE c.cost_checked
    END AS list_cost,
    -- Same rule as ListCost, per unit and in the pricing currency, so ListUnitPrice × PricingQuantity = ListCost.
    CASE WHEN c.is_commitment_purchase AND COALESCE(c.payg_price, 0) = 0 THEN c.unit_price ELSE c.payg_price END AS list_unit_price_pc
  FROM az_costed c
)
SELECT
  CAST(NULLIF(trim("AvailabilityZone"), '') AS VARCHAR) AS "AvailabilityZone",
  CAST(billed_cost AS DECIMAL(38,18)) AS "BilledCost",
  CAST(account_key AS VARCHAR) AS "BillingAccountId",
  CAST(NULLIF(trim(CASE WHEN is_mca THEN "BillingProfileName" ELSE "BillingAccountName" END), '') AS VARCHAR) AS "BillingAccountName",
  CAST(CASE WHEN is_mca THEN 'Billing Profile' ELSE 'Billing Account' END AS VARCHAR) AS "BillingAccountType",
  CAST(currency_checked AS VARCHAR) AS "BillingCurrency",
  timezone('UTC', period_end_checked + INTERVAL 1 DAY) AS "BillingPeriodEnd",
  timezone('UTC', period_start_checked) AS "BillingPeriodStart",
  CAST(NULLIF(json_extract_string(additional_info, '$.VMCapacityReservationId'), '') AS VARCHAR) AS "CapacityReservationId",
  CAST(CASE
    WHEN NULLIF(json_extract_string(additional_info, '$.VMCapacityReservationId'), '') IS NULL THEN NULL
    WHEN arm_type = 'microsoft.compute/capacityreservationgroups/capacityreservations' THEN 'Unused'
    ELSE 'Used'
  END AS VARCHAR) AS "CapacityReservationStatus",
  CAST(CASE
    WHEN charge_type IN ('Usage', 'Purchase', 'Credit', 'Tax') THEN charge_type
    WHEN charge_type IN ('UnusedReservation', 'UnusedSavingsPlan') THEN 'Usage'
    WHEN charge_type = 'Refund' THEN 'Purchase'
    ELSE 'Adjustment'
  END AS VARCHAR) AS "ChargeCategory",
  CAST(CASE WHEN charge_type = 'Refund' THEN 'Correction' END AS VARCHAR) AS "ChargeClass",
  CAST(NULLIF(trim(COALESCE("ProductName", "Product")), '') AS VARCHAR) AS "ChargeDescription",
  CAST(CASE trim("Frequency")
    WHEN 'OneTime' THEN 'One-Time'
    WHEN 'Recurring' THEN 'Recurring'
    WHEN 'UsageBased' THEN 'Usage-Based'
    -- FOCUS allows only the three values; Cost Management has no other documented frequency.
    ELSE CASE WHEN charge_type IN ('Purchase', 'Refund') THEN 'One-Time' ELSE 'Usage-Based' END
  END AS VARCHAR) AS "ChargeFrequency",
  timezone('UTC', charge_day_checked + INTERVAL 1 DAY) AS "ChargePeriodEnd",
  timezone('UTC', charge_day_checked) AS "ChargePeriodStart",
  CAST(CASE
    WHEN lower(benefit_id) LIKE '%/microsoft.capacity/%' THEN 'Usage'
    WHEN lower(benefit_id) LIKE '%/microsoft.billingbenefits/%' THEN 'Spend'
  END AS VARCHAR) AS "CommitmentDiscountCategory",
  CAST(benefit_id AS VARCHAR) AS "CommitmentDiscountId",
  CAST(benefit_name AS VARCHAR) AS "CommitmentDiscountName",
  -- Reservations are counted in the pricing unit of the covered meter (no instance-size-flexibility ratio applied);
  -- savings plans in money of the pricing currency.
  CAST(CASE
    WHEN benefit_id IS NULL THEN NULL
    WHEN lower(benefit_id) LIKE '%/microsoft.billingbenefits/%' THEN
      CASE WHEN is_mca THEN COALESCE(TRY_CAST(trim("CostInPricingCurrency") AS DECIMAL(38,18)), cost_checked) ELSE cost_checked END
    ELSE qty
  END AS DECIMAL(38,18)) AS "CommitmentDiscountQuantity",
  CAST(CASE
    WHEN charge_type IN ('UnusedReservation', 'UnusedSavingsPlan') THEN 'Unused'
    WHEN charge_type = 'Usage' AND pricing_model IN ('Reservation', 'SavingsPlan') THEN 'Used'
  END AS VARCHAR) AS "CommitmentDiscountStatus",
  CAST(CASE
    WHEN lower(benefit_id) LIKE '%/microsoft.capacity/%' THEN 'Reservation'
    WHEN lower(benefit_id) LIKE '%/microsoft.billingbenefits/%' THEN 'Savings Plan'
  END AS VARCHAR) AS "CommitmentDiscountType",
  CAST(CASE
    WHEN benefit_id IS NULL THEN NULL
    WHEN lower(benefit_id) LIKE '%/microsoft.billingbenefits/%' THEN COALESCE(upper(NULLIF(trim(COALESCE("PricingCurrency", "PricingCurrencyCode")), '')), currency_checked)
    ELSE COALESCE(distinct_units, unit_of_measure)
  END AS VARCHAR) AS "CommitmentDiscountUnit",
  CAST(CASE WHEN charge_type = 'Usage' THEN qty * block_size END AS DECIMAL(38,18)) AS "ConsumedQuantity",
  CAST(CASE WHEN charge_type = 'Usage' THEN COALESCE(distinct_units, unit_of_measure) END AS VARCHAR) AS "ConsumedUnit",
  CAST(COALESCE(contracted_cost, cost_checked) AS DECIMAL(38,18)) AS "ContractedCost",
  CAST(CAST(unit_price AS DECIMAL(38,12)) * CAST(pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18)) AS "ContractedUnitPrice",
  CAST(effective_cost AS DECIMAL(38,18)) AS "EffectiveCost",
  CAST(NULLIF(trim("InvoiceId"), '') AS VARCHAR) AS "InvoiceId",
  CAST(COALESCE(NULLIF(trim("PartnerName"), ''), 'Microsoft') AS VARCHAR) AS "InvoiceIssuerName",
  CAST(list_cost AS DECIMAL(38,18)) AS "ListCost",
  CAST(CAST(list_unit_price_pc AS DECIMAL(38,12)) * CAST(pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18)) AS "ListUnitPrice",
  CAST(CASE
    WHEN pricing_model = 'OnDemand' THEN 'Standard'
    WHEN pricing_model = 'Spot' THEN 'Dynamic'
    WHEN pricing_model IN ('Reservation', 'SavingsPlan') THEN 'Committed'
  END AS VARCHAR) AS "PricingCategory",
  CAST(COALESCE(upper(NULLIF(trim(COALESCE("PricingCurrency", "PricingCurrencyCode")), '')), currency_checked) AS VARCHAR) AS "PricingCurrency",
  -- EA prices and costs are in the billing currency, so the pricing-currency columns equal the billing ones; MCA
  -- prices are in the pricing currency and CostInPricingCurrency is given.
  CAST(CASE WHEN is_mca THEN unit_price
    ELSE CAST(CAST(unit_price AS DECIMAL(38,12)) * CAST(pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18)) END AS DECIMAL(38,18)) AS "PricingCurrencyContractedUnitPrice",
  CAST(CASE
    WHEN is_commitment_purchase THEN 0
    WHEN is_mca THEN COALESCE(TRY_CAST(trim("CostInPricingCurrency") AS DECIMAL(38,18)), CASE WHEN pricing_to_billing = 1 THEN effective_cost END)
    ELSE effective_cost
  END AS DECIMAL(38,18)) AS "PricingCurrencyEffectiveCost",
  CAST(CASE WHEN is_mca THEN list_unit_price_pc
    ELSE CAST(CAST(list_unit_price_pc AS DECIMAL(38,12)) * CAST(pricing_to_billing AS DECIMAL(38,12)) AS DECIMAL(38,18)) END AS DECIMAL(38,18)) AS "PricingCurrencyListUnitPrice",
  -- Cost Management's Quantity is already counted in UnitOfMeasure blocks (Cost = EffectivePrice × Quantity).
  CAST(qty AS DECIMAL(38,18)) AS "PricingQuantity",
  CAST(COALESCE(distinct_units, unit_of_measure) AS VARCHAR) AS "PricingUnit",
  CAST('Microsoft' AS VARCHAR) AS "ProviderName",
  CAST(COALESCE(NULLIF(trim("PublisherName"), ''), 'Microsoft') AS VARCHAR) AS "PublisherName",
  CAST(COALESCE(region_id, replace(location_key, ' ', '')) AS VARCHAR) AS "RegionId",
  CAST(COALESCE(region_name, NULLIF(trim(COALESCE("ResourceLocation", "Location")), '')) AS VARCHAR) AS "RegionName",
  CAST(resource_id AS VARCHAR) AS "ResourceId",
  CAST(CASE
    WHEN NOT is_mca AND NULLIF(trim("ResourceName"), '') IS NOT NULL THEN trim("ResourceName")
    ELSE NULLIF(regexp_extract(rtrim(resource_id, '/'), '[^/]*$'), '')
  END AS VARCHAR) AS "ResourceName",
  CAST(COALESCE(resource_type_name, arm_type) AS VARCHAR) AS "ResourceType",
  CAST(COALESCE(service_category, 'Other') AS VARCHAR) AS "ServiceCategory",
  CAST(COALESCE(service_name, NULLIF(trim("MeterCategory"), ''), NULLIF(trim("ConsumedService"), ''), 'Unknown') AS VARCHAR) AS "ServiceName",
  CAST(COALESCE(service_subcategory, 'Other (' || COALESCE(service_category, 'Other') || ')') AS VARCHAR) AS "ServiceSubcategory",
  -- MCA names the product (ProductId); EA exports have no product id, so the meter id identifies the SKU.
  CAST(COALESCE(NULLIF(trim("ProductId"), ''), NULLIF(trim("MeterId"), ''), NULLIF(trim("PartNumber"), '')) AS VARCHAR) AS "SkuId",
  CAST(NULLIF(trim("MeterName"), '') AS VARCHAR) AS "SkuMeter",
  CAST(CASE WHEN NULLIF(trim("MeterId"), '') IS NOT NULL AND json_valid(additional_info) AND json_type(additional_info) = 'OBJECT' THEN
    to_json(map_from_entries(list_transform(
      map_entries(json_transform(additional_info, '"MAP(VARCHAR, JSON)"')),
      e -> struct_pack(key := 'x_' || e.key, value := e.value))))
  END AS JSON) AS "SkuPriceDetails",
  -- Cost Management has no price id; meter + part number + term identify the price-sheet row.
  CAST(NULLIF(concat_ws('_', NULLIF(trim("MeterId"), ''), NULLIF(trim(COALESCE("PartNumber", "ProductId")), ''), NULLIF(trim("Term"), '')), '') AS VARCHAR) AS "SkuPriceId",
  CAST(NULLIF(trim("SubscriptionId"), '') AS VARCHAR) AS "SubAccountId",
  CAST(NULLIF(trim("SubscriptionName"), '') AS VARCHAR) AS "SubAccountName",
  CAST(CASE WHEN NULLIF(trim("SubscriptionId"), '') IS NOT NULL THEN 'Subscription' END AS VARCHAR) AS "SubAccountType",
  CASE
    WHEN tags_text IS NULL THEN NULL
    WHEN json_valid(CASE WHEN starts_with(tags_text, '{') THEN tags_text ELSE '{' || tags_text || '}' END)
      THEN json_transform(CASE WHEN starts_with(tags_text, '{') THEN tags_text ELSE '{' || tags_text || '}' END, '"MAP(VARCHAR, VARCHAR)"')
    ELSE error(format('azure-cost-details: {}: Tags value is not a JSON object body: {}', src_file, tags_text))::MAP(VARCHAR, VARCHAR)
  END AS "Tags",
  -- Provider columns, named as in Microsoft's own FOCUS export.
  CAST(NULLIF(trim("AccountName"), '') AS VARCHAR) AS "x_AccountName",
  CAST(NULLIF(trim("AccountOwnerId"), '') AS VARCHAR) AS "x_AccountOwnerId",
  CAST(CASE WHEN is_mca THEN billing_account_id_raw END AS VARCHAR) AS "x_BillingAccountId",
  CAST(CASE WHEN is_mca THEN NULLIF(trim("BillingAccountName"), '') END AS VARCHAR) AS "x_BillingAccountName",
  CAST(billing_profile_id AS VARCHAR) AS "x_BillingProfileId",
  CAST(NULLIF(trim("BillingProfileName"), '') AS VARCHAR) AS "x_BillingProfileName",
  CAST(pricing_to_billing AS DECIMAL(38,18)) AS "x_BillingExchangeRate",
  CAST(trim("ChargeType") AS VARCHAR) AS "x_ChargeType",
  CAST(NULLIF(trim("CostAllocationRuleName"), '') AS VARCHAR) AS "x_CostAllocationRuleName",
  CAST(NULLIF(trim("CostCenter"), '') AS VARCHAR) AS "x_CostCenter",
  CAST(effective_price AS DECIMAL(38,18)) AS "x_EffectiveUnitPrice",
  CAST(NULLIF(trim("InvoiceSectionId"), '') AS VARCHAR) AS "x_InvoiceSectionId",
  CAST(NULLIF(trim(COALESCE("InvoiceSectionName", "InvoiceSection")), '') AS VARCHAR) AS "x_InvoiceSectionName",
  CAST(block_size AS DECIMAL(38,18)) AS "x_PricingBlockSize",
  CAST(pricing_model AS VARCHAR) AS "x_PricingSubcategory",
  CAST(unit_of_measure AS VARCHAR) AS "x_PricingUnitDescription",
  CAST(NULLIF(trim("PublisherType"), '') AS VARCHAR) AS "x_PublisherCategory",
  CAST(NULLIF(trim("ResellerMpnId"), '') AS VARCHAR) AS "x_ResellerId",
  CAST(NULLIF(trim("ResellerName"), '') AS VARCHAR) AS "x_ResellerName",
  CAST(NULLIF(trim(COALESCE("ResourceGroupName", "ResourceGroup")), '') AS VARCHAR) AS "x_ResourceGroupName",
  CAST(arm_type AS VARCHAR) AS "x_ResourceType",
  CAST(service_model AS VARCHAR) AS "x_ServiceModel",
  CAST(additional_info AS VARCHAR) AS "x_SkuDetails",
  CAST(NULLIF(trim("IsAzureCreditEligible"), '') AS VARCHAR) AS "x_SkuIsCreditEligible",
  CAST(NULLIF(trim("MeterCategory"), '') AS VARCHAR) AS "x_SkuMeterCategory",
  CAST(NULLIF(trim("MeterId"), '') AS VARCHAR) AS "x_SkuMeterId",
  CAST(NULLIF(trim("MeterSubCategory"), '') AS VARCHAR) AS "x_SkuMeterSubcategory",
  CAST(NULLIF(trim("OfferId"), '') AS VARCHAR) AS "x_SkuOfferId",
  CAST(NULLIF(trim("ProductOrderId"), '') AS VARCHAR) AS "x_SkuOrderId",
  CAST(NULLIF(trim("ProductOrderName"), '') AS VARCHAR) AS "x_SkuOrderName",
  CAST(NULLIF(trim("PartNumber"), '') AS VARCHAR) AS "x_SkuPartNumber",
  CAST(NULLIF(trim("PlanName"), '') AS VARCHAR) AS "x_SkuPlanName",
  CAST(NULLIF(trim("MeterRegion"), '') AS VARCHAR) AS "x_SkuRegion",
  CAST(NULLIF(trim("ServiceFamily"), '') AS VARCHAR) AS "x_SkuServiceFamily",
  CAST(NULLIF(trim("Term"), '') AS VARCHAR) AS "x_SkuTerm",
  CAST(CASE WHEN dataset = 'amortized' THEN 'AmortizedCost' ELSE 'ActualCost' END AS VARCHAR) AS "x_SourceDataset"
FROM az_final
