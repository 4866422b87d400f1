/**
 * Deterministic legacy-CUR (1.0) CSV.gz generator for the import benchmark: ~100 columns (the focus-converters
 * sample's 94 plus resourceTags/user:* columns), many accounts, services, resources and tags, Usage / Tax /
 * DiscountedUsage / RIFee / SavingsPlan line items. Rows are a pure function of the row number, so a given size
 * always yields the same file. Written by DuckDB (COPY … TO csv.gz) because JavaScript row loops would dominate.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const SERVICES = ['AmazonEC2', 'AmazonS3', 'AmazonRDS', 'AWSLambda', 'AmazonCloudWatch', 'AmazonDynamoDB', 'AmazonEKS', 'AmazonVPC', 'AWSGlue', 'AmazonSageMaker'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ca-central-1'];
const TAGS = ['user:Name', 'user:env', 'user:team', 'user:cost-center', 'user:app', 'aws:createdBy'];

function list(values: string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** Column name → SQL expression over `i` (the row number). Unlisted columns get a short deterministic string. */
function columns(): Array<[string, string]> {
  const kind = `CASE WHEN i % 97 = 0 THEN 'Tax' WHEN i % 13 = 0 THEN 'DiscountedUsage' WHEN i % 17 = 0 THEN 'SavingsPlanCoveredUsage' WHEN i % 501 = 0 THEN 'RIFee' ELSE 'Usage' END`;
  // Prices are consistent the way a real CUR's are (cost = rate × usage amount, public cost = public rate × amount), so
  // the converted rows pass FOCUS 1.2's unit price × quantity rules; RI-covered usage is billed at rate 0.
  const amount = `(1 + i % 24)`;
  const onDemandRate = `CAST(${list(['0.0960000000', '0.1920000000', '0.3840000000', '0.7680000000'])}[1 + i % 4] AS DECIMAL(18,10))`;
  const onDemandCost = `${onDemandRate} * ${amount}`;
  const taxCost = `CAST(((i * 7919) % 100000) / 1000000 AS DECIMAL(18,10))`;
  const rate = `CASE WHEN i % 97 = 0 THEN NULL WHEN i % 13 = 0 THEN CAST(0 AS DECIMAL(18,10)) ELSE ${onDemandRate} END`;
  const cost = `CASE WHEN i % 97 = 0 THEN ${taxCost} WHEN i % 13 = 0 THEN CAST(0 AS DECIMAL(18,10)) ELSE ${onDemandCost} END`;
  return [
    ['identity/LineItemId', `md5(CAST(i AS VARCHAR))`],
    ['identity/TimeInterval', `'2024-03-01T00:00:00Z/2024-03-02T00:00:00Z'`],
    ['bill/InvoiceId', `'INV-2024-03'`],
    ['bill/InvoicingEntity', `'Amazon Web Services, Inc.'`],
    ['bill/BillingEntity', `'AWS'`],
    ['bill/BillType', `'Anniversary'`],
    ['bill/PayerAccountId', `'012345678901'`],
    ['bill/BillingPeriodStartDate', `'2024-03-01T00:00:00Z'`],
    ['bill/BillingPeriodEndDate', `'2024-04-01T00:00:00Z'`],
    ['lineItem/UsageAccountId', `lpad(CAST(100000000000 + (i * 31) % 40 AS VARCHAR), 12, '0')`],
    ['lineItem/LineItemType', kind],
    ['lineItem/UsageStartDate', `strftime(TIMESTAMP '2024-03-01' + INTERVAL (i % 744) HOUR, '%Y-%m-%dT%H:%M:%SZ')`],
    ['lineItem/UsageEndDate', `strftime(TIMESTAMP '2024-03-01' + INTERVAL (i % 744 + 1) HOUR, '%Y-%m-%dT%H:%M:%SZ')`],
    ['lineItem/ProductCode', `${list(SERVICES)}[1 + i % ${SERVICES.length}]`],
    ['lineItem/UsageType', `'BoxUsage:m5.' || ${list(['large', 'xlarge', '2xlarge', '4xlarge'])}[1 + i % 4]`],
    ['lineItem/Operation', `'RunInstances'`],
    ['lineItem/AvailabilityZone', `${list(REGIONS)}[1 + i % ${REGIONS.length}] || 'a'`],
    ['lineItem/ResourceId', `'i-' || substr(md5(CAST(i % 50000 AS VARCHAR)), 1, 17)`],
    ['lineItem/UsageAmount', `CAST(${amount} AS VARCHAR)`],
    ['lineItem/NormalizationFactor', `'4'`],
    ['lineItem/NormalizedUsageAmount', `CAST(4 * (1 + i % 24) AS VARCHAR)`],
    ['lineItem/CurrencyCode', `'USD'`],
    ['lineItem/UnblendedRate', `CAST(${rate} AS VARCHAR)`],
    ['lineItem/UnblendedCost', `CAST(${cost} AS VARCHAR)`],
    ['lineItem/BlendedRate', `CAST(${rate} AS VARCHAR)`],
    ['lineItem/BlendedCost', `CAST(${cost} AS VARCHAR)`],
    ['lineItem/LineItemDescription', `'$0.096 per On Demand Linux m5.large Instance Hour'`],
    ['lineItem/TaxType', `CASE WHEN i % 97 = 0 THEN 'Sales' END`],
    ['lineItem/LegalEntity', `'Amazon Web Services, Inc.'`],
    ['product/ProductName', `'Amazon ' || ${list(SERVICES)}[1 + i % ${SERVICES.length}]`],
    ['product/region', `${list(REGIONS)}[1 + i % ${REGIONS.length}]`],
    ['product/regionCode', `${list(REGIONS)}[1 + i % ${REGIONS.length}]`],
    ['product/location', `'Region ' || ${list(REGIONS)}[1 + i % ${REGIONS.length}]`],
    ['product/productFamily', `'Compute Instance'`],
    ['product/sku', `substr(md5(CAST(i % 900 AS VARCHAR)), 1, 16)`],
    ['pricing/publicOnDemandCost', `CASE WHEN i % 97 <> 0 THEN CAST(${onDemandCost} AS VARCHAR) END`],
    ['pricing/publicOnDemandRate', `CASE WHEN i % 97 <> 0 THEN CAST(${onDemandRate} AS VARCHAR) END`],
    ['pricing/RateCode', `substr(md5(CAST(i % 900 AS VARCHAR)), 1, 16) || '.JRTCKXETXF.6YS6EN2CT7'`],
    ['pricing/RateId', `CAST(i % 9000 AS VARCHAR)`],
    ['pricing/term', `'OnDemand'`],
    ['pricing/unit', `'Hrs'`],
    ['reservation/ReservationARN', `CASE WHEN i % 13 = 0 OR i % 501 = 0 THEN 'arn:aws:ec2:us-east-1:012345678901:reserved-instances/ri-' || (i % 7) END`],
    ['reservation/EffectiveCost', `CASE WHEN i % 13 = 0 THEN CAST(${onDemandCost} * 0.5 AS VARCHAR) END`],
    ['reservation/UnusedAmortizedUpfrontFeeForBillingPeriod', `CASE WHEN i % 501 = 0 THEN '0.5' END`],
    ['reservation/UnusedRecurringFee', `CASE WHEN i % 501 = 0 THEN '0.25' END`],
    ['savingsPlan/SavingsPlanARN', `CASE WHEN i % 17 = 0 THEN 'arn:aws:savingsplans::012345678901:savingsplan/sp-' || (i % 5) END`],
    ['savingsPlan/SavingsPlanEffectiveCost', `CASE WHEN i % 17 = 0 THEN CAST(${cost} * 0.7 AS VARCHAR) END`],
    ...TAGS.map((t, n): [string, string] => [`resourceTags/${t}`, `CASE WHEN i % ${n + 2} = 0 THEN '${t.split(':')[1]}-' || (i % ${50 + n * 7}) END`]),
  ];
}

/** The full header: the mapped columns, then filler product/reservation columns up to 100. */
export function generatorSelect(rows: number): string {
  const cols = columns();
  for (let n = 0; cols.length < 100; n++) cols.push([`product/attribute${n}`, `CASE WHEN i % ${3 + n} = 0 THEN 'value-' || (i % ${10 + n}) END`]);
  return `SELECT ${cols.map(([name, expr]) => `${expr} AS "${name}"`).join(', ')} FROM range(${rows}) t(i)`;
}

export async function generateCurCsvGz(rows: number, target: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET preserve_insertion_order = true`);
    await conn.run(`COPY (${generatorSelect(rows)}) TO '${target.replaceAll("'", "''")}' (FORMAT csv, HEADER true, COMPRESSION gzip)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
