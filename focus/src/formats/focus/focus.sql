-- FOCUS 1.0 / 1.1 / 1.2 files → FOCUS 1.2: columns pass through with CASTs to the storage types; columns a file's
-- version does not have (1.1 and 1.2 additions) are NULL, except those that follow from the older version's own
-- definitions (see docs/focus/focus.md, "Upgrade to 1.2"). `x_` columns pass through.
WITH p AS (
  SELECT *, {{lake_provider}} AS __provider FROM src
)
SELECT
  CAST("AvailabilityZone" AS VARCHAR) AS "AvailabilityZone",
  CAST("BilledCost" AS DECIMAL(38,18)) AS "BilledCost",
  CAST("BillingAccountId" AS VARCHAR) AS "BillingAccountId",
  CAST("BillingAccountName" AS VARCHAR) AS "BillingAccountName",
  -- 1.2 account types: for AWS and Google rows of an older file, the labels our CUR and BigQuery conversions give.
  CASE
    WHEN {{has:BillingAccountType}} THEN CAST("BillingAccountType" AS VARCHAR)
    WHEN "BillingAccountId" IS NOT NULL THEN CASE __provider WHEN 'aws' THEN 'Payer Account' WHEN 'gcp' THEN 'Billing Account' END
  END AS "BillingAccountType",
  CAST("BillingCurrency" AS VARCHAR) AS "BillingCurrency",
  CAST("BillingPeriodEnd" AS TIMESTAMPTZ) AS "BillingPeriodEnd",
  CAST("BillingPeriodStart" AS TIMESTAMPTZ) AS "BillingPeriodStart",
  CAST("CapacityReservationId" AS VARCHAR) AS "CapacityReservationId",
  CAST("CapacityReservationStatus" AS VARCHAR) AS "CapacityReservationStatus",
  CAST("ChargeCategory" AS VARCHAR) AS "ChargeCategory",
  CAST("ChargeClass" AS VARCHAR) AS "ChargeClass",
  CAST("ChargeDescription" AS VARCHAR) AS "ChargeDescription",
  CAST("ChargeFrequency" AS VARCHAR) AS "ChargeFrequency",
  CAST("ChargePeriodEnd" AS TIMESTAMPTZ) AS "ChargePeriodEnd",
  CAST("ChargePeriodStart" AS TIMESTAMPTZ) AS "ChargePeriodStart",
  CAST("CommitmentDiscountCategory" AS VARCHAR) AS "CommitmentDiscountCategory",
  CAST("CommitmentDiscountId" AS VARCHAR) AS "CommitmentDiscountId",
  CAST("CommitmentDiscountName" AS VARCHAR) AS "CommitmentDiscountName",
  CAST("CommitmentDiscountQuantity" AS DECIMAL(38,18)) AS "CommitmentDiscountQuantity",
  CAST("CommitmentDiscountStatus" AS VARCHAR) AS "CommitmentDiscountStatus",
  CAST("CommitmentDiscountType" AS VARCHAR) AS "CommitmentDiscountType",
  CAST("CommitmentDiscountUnit" AS VARCHAR) AS "CommitmentDiscountUnit",
  CAST("ConsumedQuantity" AS DECIMAL(38,18)) AS "ConsumedQuantity",
  CAST("ConsumedUnit" AS VARCHAR) AS "ConsumedUnit",
  CAST("ContractedCost" AS DECIMAL(38,18)) AS "ContractedCost",
  CAST("ContractedUnitPrice" AS DECIMAL(38,18)) AS "ContractedUnitPrice",
  CAST("EffectiveCost" AS DECIMAL(38,18)) AS "EffectiveCost",
  CAST("InvoiceId" AS VARCHAR) AS "InvoiceId",
  CAST("InvoiceIssuerName" AS VARCHAR) AS "InvoiceIssuerName",
  CAST("ListCost" AS DECIMAL(38,18)) AS "ListCost",
  CAST("ListUnitPrice" AS DECIMAL(38,18)) AS "ListUnitPrice",
  CAST("PricingCategory" AS VARCHAR) AS "PricingCategory",
  -- Before 1.2 every price was denominated in the billing currency (1.0/1.1 ListUnitPrice, ContractedUnitPrice), so a
  -- file without PricingCurrency prices in BillingCurrency and its pricing-currency figures are the billing ones.
  CASE WHEN {{has:PricingCurrency}} THEN CAST("PricingCurrency" AS VARCHAR) ELSE CAST("BillingCurrency" AS VARCHAR) END AS "PricingCurrency",
  CASE WHEN {{has:PricingCurrency}} THEN CAST("PricingCurrencyContractedUnitPrice" AS DECIMAL(38,18)) ELSE CAST("ContractedUnitPrice" AS DECIMAL(38,18)) END AS "PricingCurrencyContractedUnitPrice",
  CASE WHEN {{has:PricingCurrency}} THEN CAST("PricingCurrencyEffectiveCost" AS DECIMAL(38,18)) ELSE CAST("EffectiveCost" AS DECIMAL(38,18)) END AS "PricingCurrencyEffectiveCost",
  CASE WHEN {{has:PricingCurrency}} THEN CAST("PricingCurrencyListUnitPrice" AS DECIMAL(38,18)) ELSE CAST("ListUnitPrice" AS DECIMAL(38,18)) END AS "PricingCurrencyListUnitPrice",
  CAST("PricingQuantity" AS DECIMAL(38,18)) AS "PricingQuantity",
  CAST("PricingUnit" AS VARCHAR) AS "PricingUnit",
  CAST("ProviderName" AS VARCHAR) AS "ProviderName",
  CAST("PublisherName" AS VARCHAR) AS "PublisherName",
  CAST("RegionId" AS VARCHAR) AS "RegionId",
  CAST("RegionName" AS VARCHAR) AS "RegionName",
  CAST("ResourceId" AS VARCHAR) AS "ResourceId",
  CAST("ResourceName" AS VARCHAR) AS "ResourceName",
  CAST("ResourceType" AS VARCHAR) AS "ResourceType",
  CAST("ServiceCategory" AS VARCHAR) AS "ServiceCategory",
  CAST("ServiceName" AS VARCHAR) AS "ServiceName",
  -- 1.1 added ServiceSubcategory; an older file's rows get the category's own "Other (<category>)" value.
  CASE
    WHEN {{has:ServiceSubcategory}} THEN CAST("ServiceSubcategory" AS VARCHAR)
    WHEN "ServiceCategory" IS NOT NULL THEN 'Other (' || CAST("ServiceCategory" AS VARCHAR) || ')'
  END AS "ServiceSubcategory",
  CAST("SkuId" AS VARCHAR) AS "SkuId",
  CAST("SkuMeter" AS VARCHAR) AS "SkuMeter",
  CAST("SkuPriceDetails" AS JSON) AS "SkuPriceDetails",
  CAST("SkuPriceId" AS VARCHAR) AS "SkuPriceId",
  CAST("SubAccountId" AS VARCHAR) AS "SubAccountId",
  CAST("SubAccountName" AS VARCHAR) AS "SubAccountName",
  CASE
    WHEN {{has:SubAccountType}} THEN CAST("SubAccountType" AS VARCHAR)
    WHEN "SubAccountId" IS NOT NULL THEN CASE __provider WHEN 'aws' THEN 'Linked Account' WHEN 'gcp' THEN 'Project' END
  END AS "SubAccountType",
  "Tags" AS "Tags"
  {{x_columns}}
FROM p
