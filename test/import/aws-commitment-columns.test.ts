/**
 * CUR 1.0 commitment rows → FOCUS 1.2 CommitmentDiscountQuantity / Unit and SkuMeter, imported through the real driver
 * with validation failing the import on any error (CommitmentDiscountQuantity-C-005-C, SkuMeter-C-004-C, …).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { importInto, withDataDir } from './azure-import.helpers.ts';

const HEADER = [
  'identity/LineItemId', 'bill/PayerAccountId', 'bill/BillingPeriodStartDate', 'bill/BillingPeriodEndDate', 'bill/BillType',
  'lineItem/UsageAccountId', 'lineItem/LineItemType', 'lineItem/UsageStartDate', 'lineItem/UsageEndDate', 'lineItem/ProductCode',
  'lineItem/UsageType', 'lineItem/UsageAmount', 'lineItem/CurrencyCode', 'lineItem/UnblendedRate', 'lineItem/UnblendedCost',
  'product/sku', 'pricing/publicOnDemandRate', 'pricing/publicOnDemandCost', 'pricing/unit', 'reservation/ReservationARN',
  'reservation/EffectiveCost', 'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod', 'reservation/UnusedRecurringFee',
  'savingsPlan/SavingsPlanARN', 'savingsPlan/SavingsPlanEffectiveCost', 'savingsPlan/TotalCommitmentToDate', 'savingsPlan/UsedCommitment', 'pricing/RateId',
];
const RI = 'arn:aws:ec2:us-east-1:012345678901:reserved-instances/ri-1';
const SP = 'arn:aws:savingsplans::012345678901:savingsplan/sp-1';
const start = '2024-03-01T00:00:00Z';
const end = '2024-04-01T00:00:00Z';
/** id, type, usage type, amount, rate, cost, sku, public rate, public cost, RI ARN, RI effective, SP ARN, SP effective, SP commitment */
const ROWS: string[][] = [
  ['od', 'Usage', 'BoxUsage:m5.large', '10', '0.096', '0.96', 'SKU1', '0.096', '0.96', '', '', '', '', ''],
  ['ri-used', 'DiscountedUsage', 'BoxUsage:m5.large', '24', '0', '0', 'SKU1', '0.096', '2.304', RI, '1.2', '', '', ''],
  ['ri-fee', 'RIFee', 'HeavyUsage:m5.large', '744', '0.05', '37.2', 'SKU2', '0.05', '37.2', RI, '', '', '', ''],
  ['sp-used', 'SavingsPlanCoveredUsage', 'BoxUsage:c5.large', '5', '0.085', '0.425', 'SKU3', '0.085', '0.425', '', '', SP, '0.3', ''],
  ['sp-fee', 'SavingsPlanRecurringFee', 'ComputeSP:1yrNoUpfront', '744', '0.1', '74.4', 'SKU4', '0.1', '74.4', '', '', SP, '', '74.4'],
  ['tax', 'Tax', 'Tax', '1', '', '3.5', '', '', '', '', '', '', '', ''],
];

function csvLine(r: string[]): string {
  const [id, type, usageType, amount, rate, cost, sku, pubRate, pubCost, ri, riEff, sp, spEff, spCommit] = r;
  return [
    id, '012345678901', start, end, 'Anniversary', '111122223333', type, '2024-03-05T00:00:00Z', '2024-03-06T00:00:00Z', 'AmazonEC2',
    usageType, amount, 'USD', rate, cost, sku, pubRate, pubCost, 'Hrs', ri, riEff, '', '', sp, spEff, spCommit, spCommit,
    type === 'Tax' ? '' : `rate-${id}`,
  ].join(',');
}

describe('aws-cur-v1: commitment discount quantity and unit, SkuMeter', () => {
  it('fills quantity and unit on commitment Usage/Purchase rows only and passes FOCUS 1.2 validation', async () => {
    await withDataDir(async (dir) => {
      const file = path.join(dir, 'cur.csv');
      await writeFile(file, `${[HEADER.join(','), ...ROWS.map(csvLine)].join('\n')}\n`);
      const result = await importInto(path.join(dir, 'data'), [file], 'aws-cur-v1');
      expect(result.validation).toMatchObject({ valid: true, errors: 0 });
      const parquet = path.join(dir, 'data', 'lake', 'focus', 'tenant_id=acme', '**', '*.parquet');
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      const rows = (
        await conn.runAndReadAll(
          `SELECT x_LineItemId AS id, CAST(CommitmentDiscountQuantity AS VARCHAR) AS q, CommitmentDiscountUnit AS u, SkuMeter AS meter
           FROM read_parquet($1, hive_partitioning = false) ORDER BY id`,
          [parquet],
        )
      ).getRowObjectsJson();
      const by = Object.fromEntries(rows.map((r) => [r.id, r]));
      expect(by['od']).toMatchObject({ q: null, u: null, meter: 'BoxUsage:m5.large' });
      expect(by['ri-used']).toMatchObject({ q: '24.000000000000000000', u: 'Hours' });
      expect(by['ri-fee']).toMatchObject({ q: '744.000000000000000000', u: 'Hours' });
      expect(by['sp-used']).toMatchObject({ q: '0.300000000000000000', u: 'USD' });
      expect(by['sp-fee']).toMatchObject({ q: '74.400000000000000000', u: 'USD' });
      expect(by['tax']).toMatchObject({ q: null, u: null, meter: null });
    });
  });
});
