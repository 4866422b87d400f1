import { type DuckDBConnection } from '@duckdb/node-api';
import { focusDuckDbType, quoteIdentifier } from '../catalog/focus-catalog.ts';

/** Synthetic FOCUS 1.2 rows for tests (validator unit tests and CLI tests). */
export type Row = Record<string, string | null>;

/** A Usage row covered by a commitment discount that satisfies every 1.2 rule. */
export const usageRow: Row = {
  AvailabilityZone: 'us-east-1a', BilledCost: '10', BillingAccountId: '000123456789', BillingAccountName: 'Acme',
  BillingAccountType: 'Billing Account', BillingCurrency: 'USD', BillingPeriodEnd: '2025-02-01 00:00:00+00',
  BillingPeriodStart: '2025-01-01 00:00:00+00', CapacityReservationId: null, CapacityReservationStatus: null,
  ChargeCategory: 'Usage', ChargeClass: null, ChargeDescription: 'VM hours', ChargeFrequency: 'Usage-Based',
  ChargePeriodEnd: '2025-01-01 01:00:00+00', ChargePeriodStart: '2025-01-01 00:00:00+00',
  CommitmentDiscountCategory: 'Spend', CommitmentDiscountId: 'cd-1', CommitmentDiscountName: 'Savings Plan 1',
  CommitmentDiscountQuantity: '8', CommitmentDiscountStatus: 'Used', CommitmentDiscountType: 'Savings Plan',
  CommitmentDiscountUnit: 'USD', ConsumedQuantity: '10', ConsumedUnit: 'Hours', ContractedCost: '8',
  ContractedUnitPrice: '0.8', EffectiveCost: '8', InvoiceId: 'inv-1', InvoiceIssuerName: 'AWS', ListCost: '10',
  ListUnitPrice: '1', PricingCategory: 'Committed', PricingCurrency: 'USD', PricingCurrencyContractedUnitPrice: '0.8',
  PricingCurrencyEffectiveCost: '8', PricingCurrencyListUnitPrice: '1', PricingQuantity: '10', PricingUnit: 'Hours',
  ProviderName: 'AWS', PublisherName: 'AWS', RegionId: 'us-east-1', RegionName: 'US East (N. Virginia)', ResourceId: 'i-1',
  ResourceName: 'web-1', ResourceType: 'Virtual Machine', ServiceCategory: 'Compute', ServiceName: 'EC2',
  ServiceSubcategory: 'Virtual Machines', SkuId: 'sku-1', SkuMeter: 'Compute Usage', SkuPriceDetails: '{"CoreCount": 2}',
  SkuPriceId: 'price-1', SubAccountId: '111', SubAccountName: 'prod', SubAccountType: 'Account', Tags: '{"env": "prod"}',
};

/** A Tax row: no SKU, price, quantity, resource or commitment discount. */
export const taxRow: Row = {
  ...usageRow,
  AvailabilityZone: null, BilledCost: '1', ChargeCategory: 'Tax', ChargeDescription: 'Sales tax', ChargeFrequency: 'Recurring',
  CommitmentDiscountCategory: null, CommitmentDiscountId: null, CommitmentDiscountName: null, CommitmentDiscountQuantity: null,
  CommitmentDiscountStatus: null, CommitmentDiscountType: null, CommitmentDiscountUnit: null, ConsumedQuantity: null,
  ConsumedUnit: null, ContractedCost: '1', ContractedUnitPrice: null, EffectiveCost: '1', ListCost: '1', ListUnitPrice: null,
  PricingCategory: null, PricingCurrencyContractedUnitPrice: null, PricingCurrencyEffectiveCost: '1',
  PricingCurrencyListUnitPrice: null, PricingQuantity: null, PricingUnit: null, ResourceId: null, ResourceName: null,
  ResourceType: null, ServiceCategory: 'Other', ServiceSubcategory: 'Other (Other)', SkuId: null, SkuMeter: null,
  SkuPriceDetails: null, SkuPriceId: null, Tags: null,
};

function valueSql(column: string, param: string): string {
  if (column.startsWith('x_')) return `CAST(${param} AS VARCHAR)`;
  const type = focusDuckDbType(column);
  return type.startsWith('MAP(') ? `CAST(CAST(${param} AS JSON) AS ${type})` : `CAST(${param} AS ${type})`;
}

export async function insertRows(conn: DuckDBConnection, table: string, rows: Row[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const sql = `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map((c, i) => valueSql(c, `$${i + 1}`)).join(', ')})`;
    await conn.run(sql, columns.map((c) => row[c] ?? null));
  }
}

