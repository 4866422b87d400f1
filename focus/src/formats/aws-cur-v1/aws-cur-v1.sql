-- Legacy AWS CUR (1.0) → FOCUS 1.2. Mapping and reasons: docs/focus/aws-cur-v1.md.
-- aws-cur-v2 runs this same file over CUR 2.0 columns (curV1SqlToV2 in aws-cur-v2.format.ts renames the columns and
-- swaps the few CUR 2.0-only expressions it lists): edit the mapping here, once, for both.
-- EffectiveCost follows AWS's amortization as in the FinOps Foundation focus-converters (aws-cur rules).
WITH service_category(product_code, category) AS (
  VALUES
    ('AWSCleanRooms', 'Analytics'),
    ('AWSDataExchange', 'Analytics'),
    ('AWSGlueElasticViews', 'Analytics'),
    ('AWSGlue', 'Analytics'),
    ('AWSLakeFormation', 'Analytics'),
    ('AmazonAthena', 'Analytics'),
    ('AmazonCloudSearch', 'Analytics'),
    ('AmazonES', 'Analytics'),
    ('AmazonFinSpace', 'Analytics'),
    ('AmazonKinesisAnalytics', 'Analytics'),
    ('AmazonKinesisFirehose', 'Analytics'),
    ('AmazonKinesis', 'Analytics'),
    ('AWSCloudMap', 'Networking'),
    ('AmazonMSK', 'Analytics'),
    ('AWSCloudWAN', 'Networking'),
    ('AmazonQuickSight', 'Analytics'),
    ('ElasticMapReduce', 'Analytics'),
    ('datapipeline', 'Analytics'),
    ('AWSQueueService', 'Integration'),
    ('AmazonMQ', 'Integration'),
    ('AmazonMWAA', 'Integration'),
    ('AmazonSNS', 'Integration'),
    ('AmazonStates', 'Integration'),
    ('AWSDataTransfer', 'Networking'),
    ('AppFlow', 'Integration'),
    ('Amazon EventBridge', 'Integration'),
    ('AmazonManagedBlockchain', 'Other'),
    ('AmazonQLDB', 'Other'),
    ('AWSDirectConnect', 'Networking'),
    ('A4B', 'Business Applications'),
    ('AWSELB', 'Networking'),
    ('AWSSupplyChain', 'Business Applications'),
    ('AWSWickr', 'Business Applications'),
    ('AWSWisdom', 'Business Applications'),
    ('AmazonChimeBusinessCalling', 'Business Applications'),
    ('AmazonChimeCallMeAMCS', 'Business Applications'),
    ('AmazonChimeCallMe', 'Business Applications'),
    ('AmazonChimeDialInAMCS', 'Business Applications'),
    ('AmazonChimeDialin', 'Business Applications'),
    ('AmazonChimeFeatures', 'Business Applications'),
    ('AmazonChimeServices', 'Business Applications'),
    ('AWSGlobalAccelerator', 'Networking'),
    ('AmazonChimeVoiceConnector', 'Business Applications'),
    ('AmazonChime', 'Business Applications'),
    ('AmazonHoneycode', 'Business Applications'),
    ('AmazonPinpoint', 'Business Applications'),
    ('AmazonSES', 'Business Applications'),
    ('AmazonSWF', 'Business Applications'),
    ('AmazonWAM', 'Business Applications'),
    ('AmazonWorkDocs', 'Business Applications'),
    ('AmazonWorkLink', 'Business Applications'),
    ('AmazonWorkMail', 'Business Applications'),
    ('AmazonWorkSpacesWeb', 'Business Applications'),
    ('Compute', 'Business Applications'),
    ('ComputeSavingsPlans', 'Compute'),
    ('ContactLensAmazonConnect', 'Business Applications'),
    ('CustomerProfiles', 'Business Applications'),
    ('AWSBudgets', 'Management and Governance'),
    ('AWSCostExplorer', 'Management and Governance'),
    ('Savings Plans*', 'Management and Governance'),
    ('AWSNetworkFirewall', 'Networking'),
    ('Reserved Instance (RI) Reporting*', 'Management and Governance'),
    ('AWSPrivate5G', 'Networking'),
    ('AWS Cost and Usage Report*', 'Management and Governance'),
    ('AWSAppRunner', 'Compute'),
    ('AWSLambda', 'Compute'),
    ('AWSOutposts', 'Compute'),
    ('AmazonEC2', 'Compute'),
    ('AmazonLightsail', 'Compute'),
    ('SimSpaceWeaver', 'Compute'),
    ('VMwareCloudOnAWS', 'Compute'),
    ('AWS Compute Optimizer*', 'Compute'),
    ('AWS Serverless Application Repository*', 'Compute'),
    ('AWS EC2 Auto Scaling*', 'Compute'),
    ('AWS Local Zones*', 'Compute'),
    ('AWS Elastic Beanstalk*', 'Compute'),
    ('AWS Batch*', 'Compute'),
    ('AWS Auto Scaling*', 'Compute'),
    ('Amazon EC2 Spot Instances*', 'Compute'),
    ('AWS Wavelength*', 'Compute'),
    ('AmazonECRPublic', 'Compute'),
    ('AmazonECR', 'Compute'),
    ('AmazonECS', 'Compute'),
    ('AmazonEKS', 'Compute'),
    ('AmazonApiGateway', 'Networking'),
    ('AWS Fargate*', 'Compute'),
    ('Red Hat OpenShift Service on AWS*', 'Compute'),
    ('AWS App2Container*', 'Compute'),
    ('AWS Copilot*', 'Compute'),
    ('AmazonDocDB', 'Databases'),
    ('AmazonDynamoDB', 'Databases'),
    ('AmazonElastiCache', 'Databases'),
    ('AmazonMCS', 'Databases'),
    ('AmazonMemoryDB', 'Databases'),
    ('AmazonNeptune', 'Databases'),
    ('AmazonRDS', 'Databases'),
    ('AmazonRedshift', 'Databases'),
    ('AmazonTimestream', 'Databases'),
    ('AmazonCloudFront', 'Networking'),
    ('AWSAmplify', 'Developer Tools'),
    ('AWSAppSync', 'Developer Tools'),
    ('AWSCodeArtifact', 'Developer Tools'),
    ('AWSCodeCommit', 'Developer Tools'),
    ('AWSCodeDeploy', 'Developer Tools'),
    ('AWSCodePipeline', 'Developer Tools'),
    ('AWSDeviceFarm', 'Developer Tools'),
    ('CodeBuild', 'Developer Tools'),
    ('CodeCatalyst', 'Developer Tools'),
    ('CodeGuru', 'Developer Tools'),
    ('AmazonAppStream', 'Compute'),
    ('AWSAppFabric', 'Integration'),
    ('AWSGreengrass', 'Internet of Things'),
    ('AWSIoT1Click', 'Internet of Things'),
    ('AWSIoTAnalytics', 'Internet of Things'),
    ('AWSIoTEvents', 'Internet of Things'),
    ('AWSIoTFleetWise', 'Internet of Things'),
    ('AWSIoTSiteWise', 'Internet of Things'),
    ('AWSIoTThingsGraph', 'Internet of Things'),
    ('AWSIoT', 'Internet of Things'),
    ('IoTDeviceDefender', 'Internet of Things'),
    ('IoTDeviceManagement', 'Internet of Things'),
    ('IoTTwinMaker', 'Internet of Things'),
    ('AWSDeepRacer', 'AI and Machine Learning'),
    ('AmazonA2I', 'AI and Machine Learning'),
    ('AmazonBedrock', 'AI and Machine Learning'),
    ('AmazonCodeWhisperer', 'AI and Machine Learning'),
    ('AmazonDevOpsGuru', 'AI and Machine Learning'),
    ('AmazonEI', 'AI and Machine Learning'),
    ('AmazonForecast', 'AI and Machine Learning'),
    ('AmazonFraudDetector', 'AI and Machine Learning'),
    ('AmazonHealthLake', 'AI and Machine Learning'),
    ('AmazonKendra', 'AI and Machine Learning'),
    ('AmazonLex', 'AI and Machine Learning'),
    ('AmazonLookoutEquipment', 'AI and Machine Learning'),
    ('AmazonLookoutMetrics', 'AI and Machine Learning'),
    ('AmazonLookoutVision', 'AI and Machine Learning'),
    ('AmazonMonitron', 'AI and Machine Learning'),
    ('AmazonOmics', 'AI and Machine Learning'),
    ('AmazonPersonalize', 'AI and Machine Learning'),
    ('AmazonPolly', 'AI and Machine Learning'),
    ('AmazonRekognition', 'AI and Machine Learning'),
    ('AmazonSageMaker', 'AI and Machine Learning'),
    ('AmazonTextract', 'AI and Machine Learning'),
    ('comprehend', 'AI and Machine Learning'),
    ('transcribe', 'AI and Machine Learning'),
    ('translate', 'AI and Machine Learning'),
    ('AWSCloudFormation', 'Management and Governance'),
    ('AWSCloudTrail', 'Management and Governance'),
    ('AWSConfig', 'Management and Governance'),
    ('AWSResilienceHub', 'Management and Governance'),
    ('AWSServiceCatalog', 'Management and Governance'),
    ('AWSSystemsManager', 'Management and Governance'),
    ('AmazonCloudWatch', 'Management and Governance'),
    ('AmazonGrafana', 'Management and Governance'),
    ('AmazonPrometheus', 'Management and Governance'),
    ('OpsWorks', 'Management and Governance'),
    ('AmazonRoute53', 'Networking'),
    ('AmazonVPC', 'Networking'),
    ('AWSBillingConductor', 'Management and Governance'),
    ('AWSElementalMediaConvert', 'Media'),
    ('AWSElementalMediaLive', 'Media'),
    ('AWSElementalMediaPackage', 'Media'),
    ('AWSElementalMediaStore', 'Media'),
    ('AWSElementalMediaTailor', 'Media'),
    ('AWSMediaConnect', 'Media'),
    ('AmazonETS', 'Media'),
    ('AmazonIVS', 'Media'),
    ('AmazonKinesisVideo', 'Media'),
    ('nimble', 'Media'),
    ('AWSApplicationMigrationSvc', 'Migration'),
    ('AWSDataSync', 'Migration'),
    ('AWSDatabaseMigrationSvc', 'Migration'),
    ('AWSM2', 'Migration'),
    ('AWSTransfer', 'Migration'),
    ('AmazonBraket', 'Other'),
    ('AWSRoboMaker', 'Other'),
    ('AWSGroundStation', 'Other'),
    ('AWSCertificateManager', 'Security'),
    ('AWSDirectoryService', 'Security'),
    ('AWSFMS', 'Security'),
    ('AWSSecretsManager', 'Security'),
    ('AWSSecurityHub', 'Security'),
    ('AWSShield', 'Security'),
    ('AmazonCognitoSync', 'Security'),
    ('AmazonCognito', 'Security'),
    ('AmazonDetective', 'Security'),
    ('AmazonGuardDuty', 'Security'),
    ('AmazonInspectorV2', 'Security'),
    ('AmazonInspector', 'Security'),
    ('AmazonMacie', 'Security'),
    ('AmazonSecurityLake', 'Security'),
    ('AmazonVerifiedPermissions', 'Security'),
    ('CloudHSM', 'Security'),
    ('auditmanager', 'Security'),
    ('awskms', 'Security'),
    ('awswaf', 'Security'),
    ('AWSBackup', 'Storage'),
    ('AWSElasticDisasterRecovery', 'Storage'),
    ('AWSStorageGatewayDeepArchive', 'Storage'),
    ('AWSStorageGateway', 'Storage'),
    ('AmazonEBS', 'Storage'),
    ('AmazonEFS', 'Storage'),
    ('AmazonFSx', 'Storage'),
    ('AmazonGlacier', 'Storage'),
    ('AmazonS3GlacierDeepArchive', 'Storage'),
    ('AmazonS3', 'Storage'),
    ('AWS App Mesh*', 'Networking'),
    ('AWS PrivateLink*', 'Networking'),
    ('AWS Transit Gateway*', 'Networking'),
    ('AWS Verified Access*', 'Networking'),
    ('AWS VPN*', 'Networking'),
    ('IngestionServiceSnowball', 'Storage'),
    ('SnowballExtraDays', 'Storage')
),
typed AS (
  SELECT
    s.*,
    CAST(s."lineItem/UnblendedCost" AS DECIMAL(38,18)) AS _unblended,
    CASE s."lineItem/LineItemType"
      WHEN 'SavingsPlanCoveredUsage' THEN CAST(s."savingsPlan/SavingsPlanEffectiveCost" AS DECIMAL(38,18))
      WHEN 'SavingsPlanRecurringFee' THEN COALESCE(CAST(s."savingsPlan/TotalCommitmentToDate" AS DECIMAL(38,18)), 0)
                                        - COALESCE(CAST(s."savingsPlan/UsedCommitment" AS DECIMAL(38,18)), 0)
      WHEN 'SavingsPlanNegation' THEN CAST(0 AS DECIMAL(38,18))
      WHEN 'SavingsPlanUpfrontFee' THEN CAST(0 AS DECIMAL(38,18))
      WHEN 'DiscountedUsage' THEN CAST(s."reservation/EffectiveCost" AS DECIMAL(38,18))
      WHEN 'RIFee' THEN COALESCE(CAST(s."reservation/UnusedAmortizedUpfrontFeeForBillingPeriod" AS DECIMAL(38,18)), 0)
                      + COALESCE(CAST(s."reservation/UnusedRecurringFee" AS DECIMAL(38,18)), 0)
      WHEN 'Fee' THEN CASE WHEN NULLIF(s."reservation/ReservationARN", '') IS NOT NULL THEN CAST(0 AS DECIMAL(38,18))
                           ELSE CAST(s."lineItem/UnblendedCost" AS DECIMAL(38,18)) END
      ELSE CAST(s."lineItem/UnblendedCost" AS DECIMAL(38,18))
    END AS _effective,
    CASE s."lineItem/LineItemType"
      WHEN 'Tax' THEN 'Tax'
      WHEN 'Fee' THEN 'Purchase'
      WHEN 'RIFee' THEN 'Purchase'
      WHEN 'SavingsPlanUpfrontFee' THEN 'Purchase'
      WHEN 'SavingsPlanRecurringFee' THEN 'Purchase'
      WHEN 'Usage' THEN 'Usage'
      WHEN 'DiscountedUsage' THEN 'Usage'
      WHEN 'SavingsPlanCoveredUsage' THEN 'Usage'
      WHEN 'SavingsPlanNegation' THEN 'Usage'
      WHEN 'BundledDiscount' THEN 'Usage'
      WHEN 'Discount' THEN 'Usage'
      WHEN 'PrivateRateDiscount' THEN 'Usage'
      WHEN 'EdpDiscount' THEN 'Usage'
      WHEN 'DistributorDiscount' THEN 'Usage'
      WHEN 'Credit' THEN 'Credit'
      WHEN 'Refund' THEN 'Adjustment'
      ELSE 'Adjustment'
    END AS _charge_category,
    NULLIF(s."savingsPlan/SavingsPlanARN", '') AS _sp_arn,
    NULLIF(s."reservation/ReservationARN", '') AS _ri_arn
  FROM src AS s
)
SELECT
  CAST(NULLIF(t."lineItem/AvailabilityZone", '') AS VARCHAR) AS "AvailabilityZone",
  t._unblended AS "BilledCost",
  CAST(t."bill/PayerAccountId" AS VARCHAR) AS "BillingAccountId",
  CAST(NULL AS VARCHAR) AS "BillingAccountName",
  CAST('Payer Account' AS VARCHAR) AS "BillingAccountType",
  CAST(t."lineItem/CurrencyCode" AS VARCHAR) AS "BillingCurrency",
  CAST(t."bill/BillingPeriodEndDate" AS TIMESTAMPTZ) AS "BillingPeriodEnd",
  CAST(t."bill/BillingPeriodStartDate" AS TIMESTAMPTZ) AS "BillingPeriodStart",
  CAST(NULL AS VARCHAR) AS "CapacityReservationId",
  CAST(NULL AS VARCHAR) AS "CapacityReservationStatus",
  t._charge_category AS "ChargeCategory",
  CAST(NULL AS VARCHAR) AS "ChargeClass",
  CAST(t."lineItem/LineItemDescription" AS VARCHAR) AS "ChargeDescription",
  CASE
    WHEN t."lineItem/LineItemType" IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Recurring'
    WHEN t."lineItem/LineItemType" IN ('Fee', 'SavingsPlanUpfrontFee', 'Credit', 'Refund') THEN 'One-Time'
    WHEN t."lineItem/LineItemType" = 'Tax' AND t."bill/BillType" = 'Anniversary' THEN 'Recurring'
    WHEN t."lineItem/LineItemType" = 'Tax' THEN 'One-Time'
    ELSE 'Usage-Based'
  END AS "ChargeFrequency",
  CAST(t."lineItem/UsageEndDate" AS TIMESTAMPTZ) AS "ChargePeriodEnd",
  CAST(t."lineItem/UsageStartDate" AS TIMESTAMPTZ) AS "ChargePeriodStart",
  CASE WHEN t._sp_arn IS NOT NULL THEN 'Spend' WHEN t._ri_arn IS NOT NULL THEN 'Usage' END AS "CommitmentDiscountCategory",
  COALESCE(t._sp_arn, t._ri_arn) AS "CommitmentDiscountId",
  CAST(NULL AS VARCHAR) AS "CommitmentDiscountName",
  -- Usage-based (RI): hours used (DiscountedUsage) or reserved for the period (RIFee); spend-based (Savings Plans): the
  -- commitment consumed (SavingsPlanEffectiveCost) or bought for the period (recurring fee). FOCUS requires a value on
  -- every Usage/Purchase row that carries a CommitmentDiscountId and none elsewhere.
  CASE
    WHEN t._charge_category NOT IN ('Usage', 'Purchase') OR (t._sp_arn IS NULL AND t._ri_arn IS NULL) THEN NULL
    WHEN t._sp_arn IS NOT NULL AND t."lineItem/LineItemType" IN ('SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee')
      THEN COALESCE(CAST(t."savingsPlan/TotalCommitmentToDate" AS DECIMAL(38,18)), t._unblended)
    WHEN t._sp_arn IS NOT NULL THEN COALESCE(CAST(t."savingsPlan/SavingsPlanEffectiveCost" AS DECIMAL(38,18)), CAST(0 AS DECIMAL(38,18)))
    ELSE COALESCE(CAST(t."lineItem/UsageAmount" AS DECIMAL(38,18)), CAST(0 AS DECIMAL(38,18)))
  END AS "CommitmentDiscountQuantity",
  CASE
    WHEN t._sp_arn IS NULL AND t._ri_arn IS NULL THEN NULL
    WHEN t."lineItem/LineItemType" IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
    WHEN t."lineItem/LineItemType" IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Unused'
  END AS "CommitmentDiscountStatus",
  CASE WHEN t._sp_arn IS NOT NULL THEN 'Savings Plan' WHEN t._ri_arn IS NOT NULL THEN 'Reserved Instance' END
    AS "CommitmentDiscountType",
  CASE
    WHEN t._charge_category NOT IN ('Usage', 'Purchase') OR (t._sp_arn IS NULL AND t._ri_arn IS NULL) THEN NULL
    WHEN t._sp_arn IS NOT NULL THEN CAST(t."lineItem/CurrencyCode" AS VARCHAR)
    ELSE 'Hours'
  END AS "CommitmentDiscountUnit",
  CASE WHEN t._charge_category = 'Usage' THEN CAST(t."lineItem/UsageAmount" AS DECIMAL(38,18)) END AS "ConsumedQuantity",
  CASE WHEN t._charge_category = 'Usage' THEN CAST(t."pricing/unit" AS VARCHAR) END AS "ConsumedUnit",
  t._unblended AS "ContractedCost",
  CASE WHEN t._charge_category <> 'Tax' THEN CAST(t."lineItem/UnblendedRate" AS DECIMAL(38,18)) END AS "ContractedUnitPrice",
  t._effective AS "EffectiveCost",
  CAST(t."bill/InvoiceId" AS VARCHAR) AS "InvoiceId",
  CAST(COALESCE(NULLIF(t."bill/InvoicingEntity", ''), 'Amazon Web Services') AS VARCHAR) AS "InvoiceIssuerName",
  COALESCE(CAST(t."pricing/publicOnDemandCost" AS DECIMAL(38,18)), CAST(0 AS DECIMAL(38,18))) AS "ListCost",
  CASE WHEN t._charge_category <> 'Tax' THEN CAST(t."pricing/publicOnDemandRate" AS DECIMAL(38,18)) END AS "ListUnitPrice",
  CASE
    WHEN t."lineItem/LineItemType" IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Committed'
    WHEN t."product/PurchaseOption" = 'Reserved Instances' THEN 'Committed'
    WHEN t."product/PurchaseOption" = 'Spot Instances' OR t."pricing/term" = 'Spot' THEN 'Dynamic'
    WHEN t._charge_category = 'Usage' THEN 'Standard'
    WHEN t._charge_category = 'Purchase' AND (t._ri_arn IS NOT NULL OR t._sp_arn IS NOT NULL) THEN 'Committed'
    WHEN t._charge_category = 'Purchase' THEN 'Standard'
  END AS "PricingCategory",
  CASE WHEN t._charge_category IN ('Usage', 'Purchase') THEN CAST(t."lineItem/UsageAmount" AS DECIMAL(38,18)) END AS "PricingQuantity",
  CASE WHEN t._charge_category IN ('Usage', 'Purchase') THEN CAST(t."pricing/unit" AS VARCHAR) END AS "PricingUnit",
  'AWS' AS "ProviderName",
  CAST(COALESCE(NULLIF(t."lineItem/LegalEntity", ''), 'Amazon Web Services') AS VARCHAR) AS "PublisherName",
  CAST(COALESCE(NULLIF(t."product/regionCode", ''), NULLIF(t."product/region", '')) AS VARCHAR) AS "RegionId",
  CAST(COALESCE(NULLIF(t."product/location", ''), NULLIF(t."product/regionCode", ''), NULLIF(t."product/region", '')) AS VARCHAR) AS "RegionName",
  CAST(NULLIF(t."lineItem/ResourceId", '') AS VARCHAR) AS "ResourceId",
  CAST(NULLIF(t."lineItem/ResourceId", '') AS VARCHAR) AS "ResourceName",
  CASE WHEN NULLIF(t."lineItem/ResourceId", '') IS NOT NULL THEN COALESCE(CASE WHEN t."lineItem/ResourceId" LIKE 'arn:%' THEN NULLIF(split_part(split_part(t."lineItem/ResourceId", ':', 6), '/', 1), '') END, NULLIF(t."product/productFamily", '')) END AS "ResourceType",
  COALESCE(c.category, 'Other') AS "ServiceCategory",
  CAST(COALESCE(NULLIF(t."product/ProductName", ''), t."lineItem/ProductCode") AS VARCHAR) AS "ServiceName",
  'Other (' || COALESCE(c.category, 'Other') || ')' AS "ServiceSubcategory",
  CASE WHEN t._charge_category <> 'Tax' THEN CAST(NULLIF(t."product/sku", '') AS VARCHAR) END AS "SkuId",
  -- FOCUS: SkuMeter MUST be null when SkuId is (tax rows, rows without a SKU).
  CASE WHEN t._charge_category <> 'Tax' AND NULLIF(t."product/sku", '') IS NOT NULL THEN CAST(NULLIF(t."lineItem/UsageType", '') AS VARCHAR) END AS "SkuMeter",
  CAST(NULL AS JSON) AS "SkuPriceDetails",
  CASE WHEN t._charge_category <> 'Tax' THEN CAST(COALESCE(NULLIF(t."pricing/RateCode", ''), NULLIF(t."pricing/RateId", '')) AS VARCHAR) END AS "SkuPriceId",
  CAST(t."lineItem/UsageAccountId" AS VARCHAR) AS "SubAccountId",
  CAST(t."lineItem/UsageAccountId" AS VARCHAR) AS "SubAccountName",
  CASE WHEN t."lineItem/UsageAccountId" IS NOT NULL THEN 'Linked Account' END AS "SubAccountType",
  t."__tags" AS "Tags",
  CAST(t."identity/LineItemId" AS VARCHAR) AS "x_LineItemId",
  CAST(t."lineItem/LineItemType" AS VARCHAR) AS "x_LineItemType",
  CAST(t."lineItem/ProductCode" AS VARCHAR) AS "x_ProductCode",
  CAST(t."lineItem/UsageType" AS VARCHAR) AS "x_UsageType",
  CAST(t."lineItem/Operation" AS VARCHAR) AS "x_Operation",
  CAST(t."product/productFamily" AS VARCHAR) AS "x_ProductFamily",
  CAST(t."bill/BillType" AS VARCHAR) AS "x_BillType",
  CAST(t."lineItem/BlendedCost" AS DECIMAL(38,18)) AS "x_BlendedCost",
  CAST(t."lineItem/NetUnblendedCost" AS DECIMAL(38,18)) AS "x_NetUnblendedCost"
FROM typed AS t
LEFT JOIN service_category AS c ON c.product_code = t."lineItem/ProductCode"
