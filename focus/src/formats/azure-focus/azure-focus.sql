-- Microsoft Cost Management FOCUS export (FocusCost 1.0 / 1.0r2 / 1.2-preview / 1.2) → FOCUS 1.2: columns pass through
-- type-checked (a value that does not parse stops the import naming file, column and value); the few 1.0 → 1.2
-- renames are applied; every x_ column passes through. See docs/focus/azure-focus.md.
-- GENERATED once from the FOCUS 1.2 catalog (focus-1.2.columns.json); edit by hand from now on.
SELECT
  CAST(NULLIF(CAST("AvailabilityZone" AS VARCHAR), '') AS VARCHAR) AS "AvailabilityZone",
  CASE WHEN NULLIF(CAST("BilledCost" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("BilledCost" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: BilledCost "{}" is not a decimal number', src_file, "BilledCost"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("BilledCost" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "BilledCost",
  CAST(NULLIF(CAST("BillingAccountId" AS VARCHAR), '') AS VARCHAR) AS "BillingAccountId",
  CAST(NULLIF(CAST("BillingAccountName" AS VARCHAR), '') AS VARCHAR) AS "BillingAccountName",
  CAST(NULLIF(CAST("BillingAccountType" AS VARCHAR), '') AS VARCHAR) AS "BillingAccountType",
  CAST(NULLIF(CAST("BillingCurrency" AS VARCHAR), '') AS VARCHAR) AS "BillingCurrency",
  CASE WHEN NULLIF(CAST("BillingPeriodEnd" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("BillingPeriodEnd" AS VARCHAR) AS TIMESTAMPTZ) IS NULL
    THEN error(format('azure-focus: {}: BillingPeriodEnd "{}" is not a date-time', src_file, "BillingPeriodEnd"))::TIMESTAMPTZ
    ELSE TRY_CAST(NULLIF(CAST("BillingPeriodEnd" AS VARCHAR), '') AS TIMESTAMPTZ) END AS "BillingPeriodEnd",
  CASE WHEN NULLIF(CAST("BillingPeriodStart" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("BillingPeriodStart" AS VARCHAR) AS TIMESTAMPTZ) IS NULL
    THEN error(format('azure-focus: {}: BillingPeriodStart "{}" is not a date-time', src_file, "BillingPeriodStart"))::TIMESTAMPTZ
    ELSE TRY_CAST(NULLIF(CAST("BillingPeriodStart" AS VARCHAR), '') AS TIMESTAMPTZ) END AS "BillingPeriodStart",
  CAST(NULLIF(CAST("CapacityReservationId" AS VARCHAR), '') AS VARCHAR) AS "CapacityReservationId",
  CAST(NULLIF(CAST("CapacityReservationStatus" AS VARCHAR), '') AS VARCHAR) AS "CapacityReservationStatus",
  CAST(NULLIF(CAST("ChargeCategory" AS VARCHAR), '') AS VARCHAR) AS "ChargeCategory",
  CAST(NULLIF(CAST("ChargeClass" AS VARCHAR), '') AS VARCHAR) AS "ChargeClass",
  CAST(NULLIF(CAST("ChargeDescription" AS VARCHAR), '') AS VARCHAR) AS "ChargeDescription",
  CAST(NULLIF(CAST("ChargeFrequency" AS VARCHAR), '') AS VARCHAR) AS "ChargeFrequency",
  CASE WHEN NULLIF(CAST("ChargePeriodEnd" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ChargePeriodEnd" AS VARCHAR) AS TIMESTAMPTZ) IS NULL
    THEN error(format('azure-focus: {}: ChargePeriodEnd "{}" is not a date-time', src_file, "ChargePeriodEnd"))::TIMESTAMPTZ
    ELSE TRY_CAST(NULLIF(CAST("ChargePeriodEnd" AS VARCHAR), '') AS TIMESTAMPTZ) END AS "ChargePeriodEnd",
  CASE WHEN NULLIF(CAST("ChargePeriodStart" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ChargePeriodStart" AS VARCHAR) AS TIMESTAMPTZ) IS NULL
    THEN error(format('azure-focus: {}: ChargePeriodStart "{}" is not a date-time', src_file, "ChargePeriodStart"))::TIMESTAMPTZ
    ELSE TRY_CAST(NULLIF(CAST("ChargePeriodStart" AS VARCHAR), '') AS TIMESTAMPTZ) END AS "ChargePeriodStart",
  CAST(NULLIF(CAST("CommitmentDiscountCategory" AS VARCHAR), '') AS VARCHAR) AS "CommitmentDiscountCategory",
  CAST(NULLIF(CAST("CommitmentDiscountId" AS VARCHAR), '') AS VARCHAR) AS "CommitmentDiscountId",
  CAST(NULLIF(CAST("CommitmentDiscountName" AS VARCHAR), '') AS VARCHAR) AS "CommitmentDiscountName",
  CASE WHEN NULLIF(CAST("CommitmentDiscountQuantity" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("CommitmentDiscountQuantity" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: CommitmentDiscountQuantity "{}" is not a decimal number', src_file, "CommitmentDiscountQuantity"))::DECIMAL(38,18)
    ELSE COALESCE(TRY_CAST(NULLIF(CAST("CommitmentDiscountQuantity" AS VARCHAR), '') AS DECIMAL(38,18)),
      -- Not in FocusCost 1.0: derived by Microsoft's documented rule (reservations: pricing quantity, without the
      -- instance-size-flexibility ratio; savings plans: effective cost when priced in the billing currency).
      CASE WHEN NULLIF(CAST("CommitmentDiscountId" AS VARCHAR), '') IS NOT NULL THEN
        CASE CAST("CommitmentDiscountCategory" AS VARCHAR)
          WHEN 'Usage' THEN TRY_CAST(NULLIF(CAST("PricingQuantity" AS VARCHAR), '') AS DECIMAL(38,18))
          WHEN 'Spend' THEN CASE WHEN CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR) = CAST("BillingCurrency" AS VARCHAR)
            THEN TRY_CAST(NULLIF(CAST("EffectiveCost" AS VARCHAR), '') AS DECIMAL(38,18)) END
        END
      END) END AS "CommitmentDiscountQuantity",
  CAST(NULLIF(CAST("CommitmentDiscountStatus" AS VARCHAR), '') AS VARCHAR) AS "CommitmentDiscountStatus",
  CAST(NULLIF(CAST("CommitmentDiscountType" AS VARCHAR), '') AS VARCHAR) AS "CommitmentDiscountType",
  CAST(COALESCE(NULLIF(CAST("CommitmentDiscountUnit" AS VARCHAR), ''),
    CASE WHEN NULLIF(CAST("CommitmentDiscountId" AS VARCHAR), '') IS NOT NULL THEN
      CASE CAST("CommitmentDiscountCategory" AS VARCHAR)
        WHEN 'Usage' THEN NULLIF(CAST("PricingUnit" AS VARCHAR), '')
        WHEN 'Spend' THEN NULLIF(CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR), '')
      END
    END) AS VARCHAR) AS "CommitmentDiscountUnit",
  CASE WHEN NULLIF(CAST("ConsumedQuantity" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ConsumedQuantity" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: ConsumedQuantity "{}" is not a decimal number', src_file, "ConsumedQuantity"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("ConsumedQuantity" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "ConsumedQuantity",
  CAST(NULLIF(CAST("ConsumedUnit" AS VARCHAR), '') AS VARCHAR) AS "ConsumedUnit",
  CASE WHEN NULLIF(CAST("ContractedCost" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ContractedCost" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: ContractedCost "{}" is not a decimal number', src_file, "ContractedCost"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("ContractedCost" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "ContractedCost",
  CASE WHEN NULLIF(CAST("ContractedUnitPrice" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ContractedUnitPrice" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: ContractedUnitPrice "{}" is not a decimal number', src_file, "ContractedUnitPrice"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("ContractedUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "ContractedUnitPrice",
  CASE WHEN NULLIF(CAST("EffectiveCost" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("EffectiveCost" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: EffectiveCost "{}" is not a decimal number', src_file, "EffectiveCost"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("EffectiveCost" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "EffectiveCost",
  CAST(NULLIF(COALESCE(NULLIF(CAST("InvoiceId" AS VARCHAR), ''), NULLIF(CAST("x_InvoiceId" AS VARCHAR), '')), '') AS VARCHAR) AS "InvoiceId",
  CAST(NULLIF(CAST("InvoiceIssuerName" AS VARCHAR), '') AS VARCHAR) AS "InvoiceIssuerName",
  CASE WHEN NULLIF(CAST("ListCost" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ListCost" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: ListCost "{}" is not a decimal number', src_file, "ListCost"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("ListCost" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "ListCost",
  CASE WHEN NULLIF(CAST("ListUnitPrice" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("ListUnitPrice" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: ListUnitPrice "{}" is not a decimal number', src_file, "ListUnitPrice"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("ListUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "ListUnitPrice",
  CAST(NULLIF(CAST("PricingCategory" AS VARCHAR), '') AS VARCHAR) AS "PricingCategory",
  CAST(NULLIF(COALESCE(NULLIF(CAST("PricingCurrency" AS VARCHAR), ''), NULLIF(CAST("x_PricingCurrency" AS VARCHAR), '')), '') AS VARCHAR) AS "PricingCurrency",
  CASE WHEN NULLIF(CAST("PricingCurrencyContractedUnitPrice" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("PricingCurrencyContractedUnitPrice" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: PricingCurrencyContractedUnitPrice "{}" is not a decimal number', src_file, "PricingCurrencyContractedUnitPrice"))::DECIMAL(38,18)
    ELSE COALESCE(TRY_CAST(NULLIF(CAST("PricingCurrencyContractedUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)),
      -- FocusCost 1.0 has no pricing-currency amounts; they equal the billing ones when the two currencies agree.
      CASE WHEN CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR) = CAST("BillingCurrency" AS VARCHAR)
        THEN TRY_CAST(NULLIF(CAST("ContractedUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)) END) END AS "PricingCurrencyContractedUnitPrice",
  CASE WHEN NULLIF(CAST("PricingCurrencyEffectiveCost" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("PricingCurrencyEffectiveCost" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: PricingCurrencyEffectiveCost "{}" is not a decimal number', src_file, "PricingCurrencyEffectiveCost"))::DECIMAL(38,18)
    ELSE COALESCE(TRY_CAST(NULLIF(CAST("PricingCurrencyEffectiveCost" AS VARCHAR), '') AS DECIMAL(38,18)),
      -- FocusCost 1.0 has no pricing-currency amounts; they equal the billing ones when the two currencies agree.
      CASE WHEN CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR) = CAST("BillingCurrency" AS VARCHAR)
        THEN TRY_CAST(NULLIF(CAST("EffectiveCost" AS VARCHAR), '') AS DECIMAL(38,18))
        -- MCA prices in USD: Microsoft exports the USD effective cost as x_EffectiveCostInUsd.
        WHEN CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR) = 'USD'
        THEN TRY_CAST(NULLIF(CAST("x_EffectiveCostInUsd" AS VARCHAR), '') AS DECIMAL(38,18)) END) END AS "PricingCurrencyEffectiveCost",
  CASE WHEN NULLIF(CAST("PricingCurrencyListUnitPrice" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("PricingCurrencyListUnitPrice" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: PricingCurrencyListUnitPrice "{}" is not a decimal number', src_file, "PricingCurrencyListUnitPrice"))::DECIMAL(38,18)
    ELSE COALESCE(TRY_CAST(NULLIF(CAST("PricingCurrencyListUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)),
      -- FocusCost 1.0 has no pricing-currency amounts; they equal the billing ones when the two currencies agree.
      CASE WHEN CAST(COALESCE("PricingCurrency", "x_PricingCurrency") AS VARCHAR) = CAST("BillingCurrency" AS VARCHAR)
        THEN TRY_CAST(NULLIF(CAST("ListUnitPrice" AS VARCHAR), '') AS DECIMAL(38,18)) END) END AS "PricingCurrencyListUnitPrice",
  CASE WHEN NULLIF(CAST("PricingQuantity" AS VARCHAR), '') IS NOT NULL AND TRY_CAST(CAST("PricingQuantity" AS VARCHAR) AS DECIMAL(38,18)) IS NULL
    THEN error(format('azure-focus: {}: PricingQuantity "{}" is not a decimal number', src_file, "PricingQuantity"))::DECIMAL(38,18)
    ELSE TRY_CAST(NULLIF(CAST("PricingQuantity" AS VARCHAR), '') AS DECIMAL(38,18)) END AS "PricingQuantity",
  CAST(NULLIF(CAST("PricingUnit" AS VARCHAR), '') AS VARCHAR) AS "PricingUnit",
  CAST(NULLIF(CAST("ProviderName" AS VARCHAR), '') AS VARCHAR) AS "ProviderName",
  CAST(NULLIF(CAST("PublisherName" AS VARCHAR), '') AS VARCHAR) AS "PublisherName",
  CAST(NULLIF(CAST("RegionId" AS VARCHAR), '') AS VARCHAR) AS "RegionId",
  CAST(NULLIF(CAST("RegionName" AS VARCHAR), '') AS VARCHAR) AS "RegionName",
  CAST(NULLIF(CAST("ResourceId" AS VARCHAR), '') AS VARCHAR) AS "ResourceId",
  CAST(NULLIF(CAST("ResourceName" AS VARCHAR), '') AS VARCHAR) AS "ResourceName",
  CAST(NULLIF(CAST("ResourceType" AS VARCHAR), '') AS VARCHAR) AS "ResourceType",
  CAST(NULLIF(CAST("ServiceCategory" AS VARCHAR), '') AS VARCHAR) AS "ServiceCategory",
  CAST(NULLIF(CAST("ServiceName" AS VARCHAR), '') AS VARCHAR) AS "ServiceName",
  CAST(COALESCE(NULLIF(CAST("ServiceSubcategory" AS VARCHAR), ''), 'Other (' || COALESCE(NULLIF(CAST("ServiceCategory" AS VARCHAR), ''), 'Other') || ')') AS VARCHAR) AS "ServiceSubcategory",
  CAST(NULLIF(CAST("SkuId" AS VARCHAR), '') AS VARCHAR) AS "SkuId",
  CAST(NULLIF(COALESCE(NULLIF(CAST("SkuMeter" AS VARCHAR), ''), NULLIF(CAST("x_SkuMeterName" AS VARCHAR), '')), '') AS VARCHAR) AS "SkuMeter",
  CAST(CASE
    WHEN NULLIF(CAST("SkuPriceDetails" AS VARCHAR), '') IS NOT NULL THEN
      CASE WHEN json_valid("SkuPriceDetails") THEN CAST("SkuPriceDetails" AS VARCHAR)
           ELSE error(format('azure-focus: {}: SkuPriceDetails is not JSON: {}', src_file, CAST("SkuPriceDetails" AS VARCHAR))) END
    -- FocusCost 1.0 has no SkuPriceDetails; Microsoft derives it from x_SkuDetails with x_-prefixed keys.
    WHEN json_valid("x_SkuDetails") AND json_type("x_SkuDetails") = 'OBJECT' THEN
      to_json(map_from_entries(list_transform(map_entries(json_transform("x_SkuDetails", '"MAP(VARCHAR, JSON)"')),
        e -> struct_pack(key := 'x_' || e.key, value := e.value))))
  END AS JSON) AS "SkuPriceDetails",
  CAST(NULLIF(CAST("SkuPriceId" AS VARCHAR), '') AS VARCHAR) AS "SkuPriceId",
  CAST(NULLIF(CAST("SubAccountId" AS VARCHAR), '') AS VARCHAR) AS "SubAccountId",
  CAST(NULLIF(CAST("SubAccountName" AS VARCHAR), '') AS VARCHAR) AS "SubAccountName",
  CAST(NULLIF(CAST("SubAccountType" AS VARCHAR), '') AS VARCHAR) AS "SubAccountType",
  "Tags" AS "Tags"
  {{x_columns}}
FROM (SELECT *, COALESCE(CAST("filename" AS VARCHAR), '<input>') AS src_file FROM src)
