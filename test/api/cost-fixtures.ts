/** Imports the billing samples into a test API's tenant and answers reference questions straight from the detail rows. */
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { LakeLayout } from '@openfinops/tenants';
import { ImportService } from '../../apps/api/src/imports/import.service.ts';
import { AWS_SAMPLES, BILLING, FOCUS_SAMPLE } from '../import/import-fixtures.ts';
import type { TestApi } from './api-harness.ts';

/** FOCUS sample (aws/azure/oci 2024-09), GCP export (2024-05/06, USD + EUR), AWS CUR 1.0 (2023-11), Azure EA (CAD). */
export async function importCostSamples(api: TestApi, tenantId: string): Promise<void> {
  const service = new ImportService(api.store, new LakeLayout(api.dataDir));
  const cur1 = AWS_SAMPLES.find((s) => s.folder === 'focus-converters');
  if (!cur1) throw new Error('focus-converters CUR sample missing from AWS_SAMPLES');
  const inputs = [
    FOCUS_SAMPLE.input,
    path.join(BILLING, 'gcp-export', 'gcp-billing-export-sample.ndjson'),
    cur1.input,
    path.join(BILLING, 'azure-ea', 'azure-ea_sample-anonymous-ea-export-dataset.csv'),
  ];
  for (const input of inputs) {
    const result = await service.import({ tenantId, inputs: [input], threads: 1 });
    if (result.status !== 'imported') throw new Error(`${input} was not imported: ${result.status}`);
  }
}

/** Runs a query over the tenant's FOCUS detail rows (never the rollups), `$1` bound to the detail glob. */
export async function detailQuery<Row>(api: TestApi, tenantId: string, sql: string, params: Array<string | null> = []): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const reader = await conn.runAndReadAll(
      sql.replaceAll('DETAIL', `read_parquet($1, hive_partitioning = true, union_by_name = true, hive_types = {'billing_period': VARCHAR, 'provider': VARCHAR, 'source': VARCHAR})`),
      [new LakeLayout(api.dataDir).focusGlob(tenantId), ...params],
    );
    return reader.getRowObjectsJson() as unknown as Row[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
