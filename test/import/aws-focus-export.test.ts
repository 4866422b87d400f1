/**
 * AWS's own FOCUS export (Data Exports "FOCUS 1.0 with AWS columns") has no public sample: this test builds one from
 * the AWS rows of the FOCUS 1.0 sample (test/fixtures/billing/focus-sample-data) plus the x_ columns AWS adds, imports
 * it through the real driver, and checks detection, the lake provider, the totals in EXPECTED_TOTALS.json and that the
 * AWS x_ columns reach the lake.
 */
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { importFocusFiles } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { focusValidator, withDataDir } from './azure-import.helpers.ts';
import { expectedFor, FOCUS_SAMPLE } from './import-fixtures.ts';

/** Writes the FOCUS 1.0 sample's AWS rows plus `extraColumns` (SQL select items) as CSV; `limit` keeps the first rows. */
async function awsSampleCsv(conn: DuckDBConnection, file: string, extraColumns: string, limit?: number): Promise<void> {
  await conn.run(
    `COPY (
       SELECT *, ${extraColumns}
       FROM read_csv($1, all_varchar = true, header = true, nullstr = 'NULL') WHERE ProviderName = 'AWS' ${limit === undefined ? '' : `LIMIT ${limit}`}
     ) TO '${file.replaceAll("'", "''")}' (FORMAT csv, HEADER true, NULLSTR 'NULL')`,
    [FOCUS_SAMPLE.input],
  );
}

describe('aws-focus: AWS Data Exports FOCUS export', () => {
  it('is detected from its x_ columns, lands under provider=aws with the AWS rows’ totals, and keeps the x_ columns', async () => {
    await withDataDir(async (dir) => {
      const file = path.join(dir, 'aws-focus-export.csv');
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      await awsSampleCsv(conn, file, `split_part(ServiceName, ' ', 2) AS x_ServiceCode, 'APS3-EBS:VolumeUsage.gp2' AS x_UsageType, 'CreateVolume-Gp2' AS x_Operation`);
      // Not strict: the sample's own rows break a few 1.0 rules (ListCost ≠ price × quantity on some rows, …).
      const result = await importFocusFiles({ tenantId: 'acme', inputs: [file], layout: new LakeLayout(path.join(dir, 'data')), validate: focusValidator });
      expect(result.format).toBe('aws-focus');
      // What a 1.0 file lacks and its own definitions imply is filled in (docs/focus/focus.md, "Upgrade to 1.2").
      const messages = result.validation?.messages.join('\n') ?? '';
      for (const rule of ['BillingAccountType', 'SubAccountType', 'PricingCurrency', 'ServiceSubcategory']) expect(messages).not.toContain(rule);
      const aws = (expectedFor(FOCUS_SAMPLE.folder, FOCUS_SAMPLE.file).by_ProviderName as Record<string, { rows: number; BilledCost: string; EffectiveCost: string; ListCost: string }>).AWS!;
      expect(result.totals).toEqual([
        expect.objectContaining({ provider: 'aws', billingPeriod: '2024-09', rows: aws.rows, billedCost: aws.BilledCost, effectiveCost: aws.EffectiveCost, listCost: aws.ListCost }),
      ]);
      const lake = path.join(dir, 'data', 'lake', 'focus', 'tenant_id=acme', 'billing_period=2024-09', 'provider=aws', '**', '*.parquet');
      const kept = (
        await conn.runAndReadAll(
          `SELECT count(*) AS n, count(DISTINCT x_ServiceCode) AS codes, min(x_Operation) AS op,
             string_agg(DISTINCT BillingAccountType, ',') AS account_type, string_agg(DISTINCT PricingCurrency, ',') AS pricing_currency,
             count(*) FILTER (WHERE PricingCurrencyEffectiveCost IS DISTINCT FROM EffectiveCost OR PricingCurrencyListUnitPrice IS DISTINCT FROM ListUnitPrice) AS price_differs
           FROM read_parquet($1, hive_partitioning = false)`,
          [lake],
        )
      ).getRowObjectsJson()[0];
      expect(kept).toEqual({ n: String(aws.rows), codes: expect.any(String), op: 'CreateVolume-Gp2', account_type: 'Payer Account', pricing_currency: 'USD', price_differs: '0' });
      expect(Number(kept?.codes)).toBeGreaterThan(0);
    });
  });
});

describe('focus: the upgrade fills only what a file\'s version lacks', () => {
  it('keeps a 1.2 file\'s own pricing currency, account types and subcategory', async () => {
    await withDataDir(async (dir) => {
      const file = path.join(dir, 'focus-1.2.csv');
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      await awsSampleCsv(
        conn,
        file,
        `'EUR' AS PricingCurrency, '0.5' AS PricingCurrencyEffectiveCost, '0.25' AS PricingCurrencyListUnitPrice,
         '0.2' AS PricingCurrencyContractedUnitPrice, 'Management Account' AS BillingAccountType, 'Member Account' AS SubAccountType,
         'Storage Platform' AS ServiceSubcategory`,
        5,
      );
      const result = await importFocusFiles({ tenantId: 'acme', inputs: [file], layout: new LakeLayout(path.join(dir, 'data')), format: 'focus' });
      expect(result.rows).toBe(5);
      const lake = path.join(dir, 'data', 'lake', 'focus', 'tenant_id=acme', '**', '*.parquet');
      const rows = (
        await conn.runAndReadAll(
          `SELECT DISTINCT PricingCurrency, CAST(PricingCurrencyEffectiveCost AS VARCHAR) AS eff, CAST(PricingCurrencyListUnitPrice AS VARCHAR) AS list,
             CAST(PricingCurrencyContractedUnitPrice AS VARCHAR) AS contracted, BillingAccountType, SubAccountType, ServiceSubcategory
           FROM read_parquet($1, hive_partitioning = false)`,
          [lake],
        )
      ).getRowObjectsJson();
      expect(rows).toEqual([
        {
          PricingCurrency: 'EUR',
          eff: '0.500000000000000000',
          list: '0.250000000000000000',
          contracted: '0.200000000000000000',
          BillingAccountType: 'Management Account',
          SubAccountType: 'Member Account',
          ServiceSubcategory: 'Storage Platform',
        },
      ]);
    });
  });
});
