import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { awsUntaggedSpendChecker, collectFindings, createCheckerContext, createFocusInputFromLake, fixedClock } from '@openfinops/checkers';
import { LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ACCOUNT = '111111111111';

async function writeFocusParquet(file: string, rows: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT p AS "ProviderName", a AS "SubAccountId", 'USD' AS "BillingCurrency", 'Usage' AS "ChargeCategory",
                  CAST(t AS TIMESTAMPTZ) AS "ChargePeriodStart", s AS "ServiceName", 'us-east-1' AS "RegionId",
                  CAST(c AS DECIMAL(38,18)) AS "EffectiveCost", CAST(tags AS MAP(VARCHAR, VARCHAR)) AS "Tags"
             FROM (VALUES ${rows}) v(p, a, t, s, c, tags))
     TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`,
  );
  conn.closeSync();
  db.closeSync();
}

describe('billing checks over the tenant lake', () => {
  let dataDir: string;
  let layout: LakeLayout;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'billing-lake-'));
    layout = new LakeLayout(dataDir);
    const part = { billingPeriod: '2026-10', provider: 'aws', source: 'cur' };
    await writeFocusParquet(
      path.join(layout.focusPartitionDir('tenant-a', part), 'part-1.parquet'),
      `('AWS', '${ACCOUNT}', '2026-10-05 00:00:00+00', 'Amazon EC2', '100.25', MAP {'user:owner': 'a', 'user:cost-center': 'b'}),
       ('AWS', '${ACCOUNT}', '2026-10-06 00:00:00+00', 'Amazon EC2', '40.125', NULL)`,
    );
    // Same account id in another tenant (e.g. a reseller's two customers): must never leak into tenant-a's findings.
    await writeFocusParquet(
      path.join(layout.focusPartitionDir('tenant-b', part), 'part-1.parquet'),
      `('AWS', '${ACCOUNT}', '2026-10-06 00:00:00+00', 'Amazon EC2', '5000', NULL)`,
    );
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function runFor(tenantId: string) {
    const focus = createFocusInputFromLake(layout, tenantId);
    try {
      const ctx = createCheckerContext(awsUntaggedSpendChecker, { tenantId, accountId: ACCOUNT, focus, clock: fixedClock(new Date('2026-11-22T00:00:00Z')) });
      return await collectFindings(awsUntaggedSpendChecker, ctx);
    } finally {
      await focus.close();
    }
  }

  it("each tenant's check sees only its own rows", async () => {
    expect((await runFor('tenant-a')).map((f) => [f.resourceId, f.observedMonthlyCost])).toEqual([['Amazon EC2', '40.125']]);
    expect((await runFor('tenant-b')).map((f) => [f.resourceId, f.observedMonthlyCost])).toEqual([['Amazon EC2', '5000']]);
  });

  it('a tenant without FOCUS data gets no findings rather than an error', async () => {
    expect(await runFor('tenant-empty')).toEqual([]);
  });

  it("a checker's SQL cannot read other tenants' files or /etc/passwd", async () => {
    const focus = createFocusInputFromLake(layout, 'tenant-a');
    try {
      await expect(focus.query(`SELECT * FROM read_parquet('${layout.focusGlob('tenant-b')}')`)).rejects.toThrow(/Permission Error/);
      await expect(focus.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/Permission Error/);
    } finally {
      await focus.close();
    }
  });
});
