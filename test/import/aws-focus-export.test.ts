/**
 * AWS's own FOCUS export (Data Exports "FOCUS 1.0 with AWS columns") has no public sample: this test builds one from
 * the AWS rows of the FOCUS 1.0 sample (test/fixtures/billing/focus-sample-data) plus the x_ columns AWS adds, imports
 * it through the real driver, and checks detection, the lake provider, the totals in EXPECTED_TOTALS.json and that the
 * AWS x_ columns reach the lake.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { importFocusFiles } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { focusValidator, withDataDir } from './azure-import.helpers.ts';
import { expectedFor, FOCUS_SAMPLE } from './import-fixtures.ts';

describe('aws-focus: AWS Data Exports FOCUS export', () => {
  it('is detected from its x_ columns, lands under provider=aws with the AWS rows’ totals, and keeps the x_ columns', async () => {
    await withDataDir(async (dir) => {
      const file = path.join(dir, 'aws-focus-export.csv');
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      await conn.run(
        `COPY (
           SELECT *, split_part(ServiceName, ' ', 2) AS x_ServiceCode, 'APS3-EBS:VolumeUsage.gp2' AS x_UsageType, 'CreateVolume-Gp2' AS x_Operation
           FROM read_csv($1, all_varchar = true, header = true, nullstr = 'NULL') WHERE ProviderName = 'AWS'
         ) TO '${file.replaceAll("'", "''")}' (FORMAT csv, HEADER true, NULLSTR 'NULL')`,
        [FOCUS_SAMPLE.input],
      );
      // Not strict: a 1.0 export upgraded to 1.2 keeps the 1.2-only columns NULL (docs/focus/focus.md), which the
      // validator reports.
      const result = await importFocusFiles({ tenantId: 'acme', inputs: [file], layout: new LakeLayout(path.join(dir, 'data')), validate: focusValidator });
      expect(result.format).toBe('aws-focus');
      expect(result.validation?.messages.join('\n')).toContain('BillingAccountType');
      const aws = (expectedFor(FOCUS_SAMPLE.folder, FOCUS_SAMPLE.file).by_ProviderName as Record<string, { rows: number; BilledCost: string; EffectiveCost: string; ListCost: string }>).AWS!;
      expect(result.totals).toEqual([
        expect.objectContaining({ provider: 'aws', billingPeriod: '2024-09', rows: aws.rows, billedCost: aws.BilledCost, effectiveCost: aws.EffectiveCost, listCost: aws.ListCost }),
      ]);
      const lake = path.join(dir, 'data', 'lake', 'focus', 'tenant_id=acme', 'billing_period=2024-09', 'provider=aws', '**', '*.parquet');
      const kept = (
        await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT x_ServiceCode) AS codes, min(x_Operation) AS op FROM read_parquet($1, hive_partitioning = false)`, [lake])
      ).getRowObjectsJson()[0];
      expect(kept).toEqual({ n: String(aws.rows), codes: expect.any(String), op: 'CreateVolume-Gp2' });
      expect(Number(kept?.codes)).toBeGreaterThan(0);
    });
  });
});
