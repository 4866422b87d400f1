/**
 * The driver validates the staged rows exactly as the lake files hold them: no hive partition columns (billing_period,
 * provider) and no `key=value` segment of the data dir path (tenant_id=, source=, …) may reach the validator, where
 * they would fail ColumnHandling-A-010-M ("custom columns MUST be prefixed with x_").
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateForImport } from '@openfinops/api';
import { focusColumns, importFocusFiles, validateFocus, type FocusValidator } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { withDataDir } from './azure-import.helpers.ts';
import { AWS_SAMPLES, expectedFor } from './import-fixtures.ts';

const CUSTOM_COLUMN_RULE = 'ColumnHandling-A-010-M';

describe('validation of staged data', () => {
  it('sees only FOCUS and x_ columns for the focus-converters CUR sample, even under a data dir with key=value segments', async () => {
    const sample = AWS_SAMPLES[0]!;
    await withDataDir(async (root) => {
      // DuckDB's hive detection would read every k=v directory of the path as a column; none may show up.
      const dataDir = path.join(root, 'source=ops', 'provider=lake');
      await mkdir(dataDir, { recursive: true });
      let seen: string[] = [];
      let customRule: { failed: number; samples: object[] } | undefined;
      const validate: FocusValidator = async (conn, relation) => {
        seen = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM "${relation}"`)).getRowObjectsJson().map((r) => String(r['column_name']));
        const report = await validateFocus(conn, relation);
        customRule = report.rules.find((r) => r.id === CUSTOM_COLUMN_RULE);
        return validateForImport(conn, relation);
      };
      const result = await importFocusFiles({ tenantId: 'acme', inputs: [sample.input], layout: new LakeLayout(dataDir), validate });
      expect(result.rows).toBe(expectedFor(sample.folder, sample.file).rows);

      const focusNames = new Set(focusColumns.map((c) => c.name));
      expect(seen.filter((c) => !focusNames.has(c) && !c.startsWith('x_'))).toEqual([]);
      for (const plumbing of ['tenant_id', 'billing_period', 'provider', 'source']) expect(seen).not.toContain(plumbing);
      expect(seen).toEqual(expect.arrayContaining(['BilledCost', 'BillingPeriodStart', 'ProviderName', 'x_LineItemType']));
      expect(customRule).toEqual(expect.objectContaining({ failed: 0, samples: [] }));
      expect(result.validation?.messages.filter((m) => m.includes(CUSTOM_COLUMN_RULE))).toEqual([]);
      // The partitions themselves still come from the staged layout.
      expect(result.partitions.map((p) => `${p.billingPeriod}/${p.provider}`)).toEqual([`${sample.billingPeriod}/aws`]);
    });
  });
});
