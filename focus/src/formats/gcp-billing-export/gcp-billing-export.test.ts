import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sqlFilePath } from '../format.ts';
import { detectGcpBillingExport, gcpBillingExportFormat, gcpSharedPrefix } from './gcp-billing-export.format.ts';

describe('gcp-billing-export descriptor', () => {
  it('inlines exactly the rows of gcp-service-categories.csv', async () => {
    const sql = readFileSync(gcpBillingExportFormat.sqlFile, 'utf8');
    const begin = sql.indexOf('gcp_service_categories AS (');
    const end = sql.indexOf('-- END gcp_service_categories');
    expect(begin).toBeGreaterThan(0);
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const inline = await conn.runAndReadAll(`WITH ${sql.slice(begin, end).trim().replace(/,$/, '')} SELECT * FROM gcp_service_categories ORDER BY 1`);
    const csv = await conn.runAndReadAll(`SELECT * FROM read_csv($1, header = true, all_varchar = true) ORDER BY 1`, [
      sqlFilePath('./gcp-service-categories.csv', import.meta.url),
    ]);
    expect(inline.getRows()).toEqual(csv.getRows());
    expect(csv.getRows().length).toBe(125);
  });

  it('shares the conversion prefix with the totals query and detects by top-level fields', () => {
    expect(gcpBillingExportFormat.sourceTotalsSql.startsWith(gcpSharedPrefix())).toBe(true);
    expect(() => gcpSharedPrefix('SELECT 1')).toThrow(/END SHARED PREFIX/);
    const cols = ['billing_account_id', 'service', 'sku', 'usage_start_time', 'cost', 'currency', 'invoice', 'credits'];
    expect(detectGcpBillingExport({ fileName: 'x.ndjson', fileKind: 'ndjson', columns: cols })).toBeGreaterThan(0.6);
    expect(detectGcpBillingExport({ fileName: 'x.ndjson', fileKind: 'ndjson', columns: cols.filter((c) => c !== 'invoice') })).toBe(0);
  });
});
