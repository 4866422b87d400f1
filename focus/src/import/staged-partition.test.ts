import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { awsCurV1Format } from '../formats/aws-cur-v1/aws-cur-v1.format.ts';
import { importFocusFiles, ReconciliationError } from './focus-import.ts';

const HEADER = [
  'identity/LineItemId', 'bill/PayerAccountId', 'bill/BillingPeriodStartDate', 'bill/BillingPeriodEndDate', 'lineItem/UsageAccountId',
  'lineItem/LineItemType', 'lineItem/UsageStartDate', 'lineItem/UsageEndDate', 'lineItem/ProductCode', 'lineItem/UsageAmount',
  'lineItem/CurrencyCode', 'lineItem/UnblendedRate', 'lineItem/UnblendedCost', 'pricing/publicOnDemandCost', 'pricing/unit',
].join(',');
const row = (id: string, cost: string, currency = 'USD', month = '03') =>
  [id, '012345678901', `2024-${month}-01T00:00:00Z`, `2024-${month === '03' ? '04' : '05'}-01T00:00:00Z`, '111111111111', 'Usage', `2024-${month}-02T00:00:00Z`, `2024-${month}-02T01:00:00Z`, 'AmazonEC2', '2', currency, '0.5', cost, cost, 'Hrs'].join(',');

describe('staged partitions', () => {
  let dir: string;
  let layout: LakeLayout;
  let csv: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-staged-partition-'));
    layout = new LakeLayout(path.join(dir, 'data'));
    csv = path.join(dir, 'cur.csv');
    await writeFile(csv, `${HEADER}\n${row('a', '1')}\n${row('b', '1.25')}\n${row('c', '0.75', 'EUR')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a one-period source straight into its partition, currencies still apart', async () => {
    const result = await importFocusFiles({ tenantId: 'single', inputs: [csv], layout });
    expect(result.partitions.map((p) => [p.billingPeriod, p.provider, p.rows])).toEqual([['2024-03', 'aws', 3]]);
    expect(result.totals.map((t) => [t.currency, t.rows, t.billedCost])).toEqual([
      ['EUR', 1, '0.75'],
      ['USD', 2, '2.25'],
    ]);
    const files = await readdir(layout.focusPartitionDir('single', { billingPeriod: '2024-03', provider: 'aws', source: result.source }));
    expect(files).toEqual([`part-${result.runId}-0.parquet`]);
  });

  it('splits a source of several billing periods into one partition each', async () => {
    const two = path.join(dir, 'two-periods.csv');
    await writeFile(two, `${HEADER}\n${row('a', '1')}\n${row('b', '2', 'USD', '04')}\n${row('c', '3', 'USD', '04')}\n`);
    const result = await importFocusFiles({ tenantId: 'two', inputs: [two], layout });
    expect(result.partitions.map((p) => [p.billingPeriod, p.provider, p.rows])).toEqual([
      ['2024-03', 'aws', 1],
      ['2024-04', 'aws', 2],
    ]);
    expect(result.totals.map((t) => [t.billingPeriod, t.billedCost])).toEqual([
      ['2024-03', '1'],
      ['2024-04', '5'],
    ]);
  });

  it('places converted rows by their own BillingPeriodStart, so a shifted period fails reconciliation', async () => {
    const shifted = {
      ...awsCurV1Format,
      id: 'aws-cur-v1-shifted',
      renderSql: (sql: string) => `SELECT * REPLACE ("BillingPeriodStart" + INTERVAL 1 MONTH AS "BillingPeriodStart") FROM (${sql})`,
    };
    const err = await importFocusFiles({ tenantId: 'shifted', inputs: [csv], layout, formats: [shifted] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconciliationError);
    // Rows land in the partition of their own BillingPeriodStart (2024-04), which the source (2024-03) does not have.
    expect((err as Error).message).toContain('2024-03 USD rows: source 2, FOCUS 0');
    expect((err as Error).message).toContain('2024-04 USD rows: source 0, FOCUS 2');
    await expect(readdir(layout.focusPartitionDir('shifted', { billingPeriod: '2024-03', provider: 'aws', source: '012345678901' }))).rejects.toThrow(/ENOENT/);
  });
});
