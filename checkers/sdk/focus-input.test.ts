import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectFindings, createCheckerContext, MissingInputError, UndeclaredInputError } from './context.ts';
import { defineChecker } from './define-checker.ts';
import { createFocusInputFromLake, createFocusInputFromRows, FocusInputError, FocusQueryError, type FocusInput } from './focus-input.ts';

const row = (over: Record<string, unknown>) => ({
  ProviderName: 'AWS',
  SubAccountId: '111111111111',
  BillingCurrency: 'USD',
  ChargeCategory: 'Usage',
  ChargePeriodStart: '2026-10-01T00:00:00Z',
  ChargePeriodEnd: '2026-10-01T01:00:00Z',
  ServiceName: 'Amazon Elastic Compute Cloud',
  EffectiveCost: '0.1',
  BilledCost: '0.1',
  ListCost: '0.1',
  ...over,
});

describe('createFocusInputFromRows', () => {
  let focus: FocusInput;
  beforeAll(() => {
    focus = createFocusInputFromRows([
      row({ EffectiveCost: '0.1', PricingQuantity: '1', PricingUnit: 'Hours', SkuId: 'SKU1', RegionId: 'us-east-1', Tags: { owner: 'a' } }),
      row({ EffectiveCost: '0.2', PricingQuantity: '1', PricingUnit: 'Hours', SkuId: 'SKU1', RegionId: 'us-east-1', x_UsageType: 'BoxUsage:m5.large' }),
      row({ EffectiveCost: '0.000000000000000001', PricingQuantity: '3', PricingUnit: 'Hours', SkuId: 'SKU2', RegionId: 'eu-west-1' }),
      row({ ChargeCategory: 'Purchase', EffectiveCost: '100', ChargePeriodStart: '2026-10-02T00:00:00Z' }),
    ]);
  });
  afterAll(() => focus.close());

  it('sums DECIMAL(38,18) exactly and returns decimal strings, never floats', async () => {
    const [r] = await focus.query<{ total: string; n: number }>(
      'SELECT SUM("EffectiveCost") AS total, count(*) AS n FROM focus WHERE "ChargeCategory" = $1',
      ['Usage'],
    );
    expect(r).toEqual({ total: '0.300000000000000001', n: 3 });
    expect(typeof r?.total).toBe('string');
  });

  it('keeps x_ columns, known x_ columns absent from the rows as NULL, tags as an object and timestamps in ISO UTC', async () => {
    const rows = await focus.query(
      'SELECT "x_UsageType" AS u, "x_ResourceType" AS rt, "Tags" AS tags, "ChargePeriodStart" AS t FROM focus WHERE "SkuId" = $1 ORDER BY "EffectiveCost"',
      ['SKU1'],
    );
    expect(rows).toEqual([
      { u: null, rt: null, tags: { owner: 'a' }, t: '2026-10-01T00:00:00Z' },
      { u: 'BoxUsage:m5.large', rt: null, tags: null, t: '2026-10-01T00:00:00Z' },
    ]);
  });

  it('builds focus_daily as the lake rollup does', async () => {
    const rows = await focus.query(
      'SELECT "ChargeDay" AS d, "ChargeCategory" AS c, SUM("EffectiveCost") AS e, SUM("RowCount")::BIGINT AS n FROM focus_daily GROUP BY ALL ORDER BY d, c',
    );
    expect(rows).toEqual([
      { d: '2026-10-01', c: 'Usage', e: '0.300000000000000001', n: 3 },
      { d: '2026-10-02', c: 'Purchase', e: '100.000000000000000000', n: 1 },
    ]);
  });

  it('computes the tenant effective unit price per currency and unit', async () => {
    expect(await focus.effectiveUnitPrice({ skuId: 'SKU1', region: 'us-east-1' })).toEqual([
      { unitPrice: '0.15', currency: 'USD', pricingUnit: 'Hours', effectiveCost: '0.300000000000000000', pricingQuantity: '2.000000000000000000', rows: 2 },
    ]);
    const [tiny] = await focus.effectiveUnitPrice({ skuId: 'SKU2' });
    expect(tiny?.unitPrice).toBe('0');
    expect(await focus.effectiveUnitPrice({ skuId: 'nope' })).toEqual([]);
    expect(await focus.effectiveUnitPrice({ skuId: 'SKU1', since: new Date('2026-10-02T00:00:00Z') })).toEqual([]);
  });

  it('lists sub accounts for the runner', async () => {
    expect(await focus.subAccounts()).toEqual([{ providerName: 'AWS', subAccountId: '111111111111' }]);
  });

  it.each([
    ['a second statement', 'SELECT 1; SELECT 2'],
    ['DDL', 'CREATE TABLE t (a INT)'],
    ['DML', 'DELETE FROM focus_rows'],
    ['COPY to a file', "COPY (SELECT 1) TO '/tmp/openfinops-focus-leak.csv'"],
    ['ATTACH', "ATTACH '/tmp/openfinops-x.db'"],
    ['a SET', "SET enable_external_access = true"],
  ])('refuses %s', async (_name, sql) => {
    await expect(focus.query(sql)).rejects.toThrow(/refused|Permission Error/i);
  });

  it('cannot read arbitrary files', async () => {
    await expect(focus.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/Permission Error|disabled|external access/i);
    await expect(focus.query("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/Permission Error|disabled|external access/i);
  });

  it('refuses float results and float parameters', async () => {
    await expect(focus.query('SELECT CAST("EffectiveCost" AS DOUBLE) AS f FROM focus')).rejects.toThrow(FocusQueryError);
    await expect(focus.query('SELECT $1::DECIMAL(10,2) AS x', [1.5])).rejects.toThrow(/non-integer/);
    await expect(focus.query('SELECT $1 AS a, $2 AS b', ['x'])).rejects.toThrow(/2 parameter/);
  });

  it('names the row and column of bad fixture values', () => {
    expect(() => createFocusInputFromRows([row({}), row({ EffectiveCost: '1e3' })])).toThrow(/focus\[1\]\.EffectiveCost/);
    expect(() => createFocusInputFromRows([row({ ChargePeriodStart: '2026-10-01 00:00' })])).toThrow(/focus\[0\]\.ChargePeriodStart.*UTC offset/);
    expect(() => createFocusInputFromRows([row({ EffectiveCost: 1.5 })])).toThrow(FocusInputError);
    expect(() => createFocusInputFromRows([row({ Costt: '1' })])).toThrow(/focus\[0\]\.Costt: not a FOCUS 1.2 column/);
    expect(() => createFocusInputFromRows([row({ Tags: '{"a": 1}' })])).toThrow(/focus\[0\]\.Tags\.a/);
  });
});

describe('ctx.inputs.focus', () => {
  const base = {
    version: '0.1.0',
    title: 'T',
    description: 'd',
    provider: 'aws' as const,
    category: 'governance' as const,
    severity: 'low' as const,
    resourceTypes: ['account'],
    configSchema: z.object({}).strict(),
    docsExample: {},
  };
  const probe = (inputs: { focus?: boolean }) =>
    defineChecker({
      ...base,
      id: 'aws/focus-probe',
      inputs,
      async *run(ctx) {
        const [r] = await ctx.inputs.focus.query<{ n: number }>('SELECT count(*) AS n FROM focus');
        ctx.logger.info({ n: r?.n }, 'rows');
        yield* [];
      },
    });

  it('is given to checkers that declare inputs.focus', async () => {
    const focus = createFocusInputFromRows([row({})]);
    const checker = probe({ focus: true });
    const ctx = createCheckerContext(checker, { tenantId: 't', accountId: '1', focus });
    expect(await collectFindings(checker, ctx)).toEqual([]);
    expect(await ctx.inputs.focus.query('SELECT count(*) AS n FROM focus')).toEqual([{ n: 1 }]);
    await focus.close();
  });

  it('throws for checkers that do not declare it, and names a missing source', () => {
    const focus = createFocusInputFromRows([]);
    const undeclared = probe({});
    expect(() => createCheckerContext(undeclared, { tenantId: 't', accountId: '1', focus }).inputs.focus).toThrow(UndeclaredInputError);
    expect(() => createCheckerContext(undeclared, { tenantId: 't', accountId: '1', focus }).inputs.focus).toThrow(/inputs\.focus: true/);
    expect(() => createCheckerContext(probe({ focus: true }), { tenantId: 't', accountId: '1' }).inputs.focus).toThrow(MissingInputError);
  });
});

describe('createFocusInputFromLake', () => {
  let dataDir: string;
  let layout: LakeLayout;

  async function writeParquet(file: string, select: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'focus-input-'));
    layout = new LakeLayout(dataDir);
    const part = { billingPeriod: '2026-10', provider: 'aws', source: 's1' };
    for (const [tenant, cost] of [['tenant-a', '1.25'], ['tenant-b', '999']] as const) {
      await writeParquet(
        path.join(layout.focusPartitionDir(tenant, part), 'part-1.parquet'),
        `SELECT 'AWS' AS "ProviderName", '${tenant}-acct' AS "SubAccountId", CAST('${cost}' AS DECIMAL(38,18)) AS "EffectiveCost",
                TIMESTAMPTZ '2026-10-01 00:00:00+00' AS "ChargePeriodStart", 'gp2' AS "x_UsageType", 'only-here' AS "x_Custom"`,
      );
      await writeParquet(
        path.join(layout.rollupPartitionDir(tenant, part), 'part-1.parquet'),
        `SELECT DATE '2026-10-01' AS "ChargeDay", '${tenant}-acct' AS "SubAccountId", CAST('${cost}' AS DECIMAL(38,18)) AS "EffectiveCost", 1::BIGINT AS "RowCount"`,
      );
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("sees only its own tenant's rows, with missing FOCUS columns as typed NULLs", async () => {
    const a = createFocusInputFromLake(layout, 'tenant-a');
    try {
      expect(await a.query('SELECT "SubAccountId" AS s, "EffectiveCost" AS e, "x_UsageType" AS u, "x_Custom" AS c, "BilledCost" AS b, "x_SkuMeterCategory" AS m FROM focus')).toEqual([
        { s: 'tenant-a-acct', e: '1.250000000000000000', u: 'gp2', c: 'only-here', b: null, m: null },
      ]);
      expect(await a.query('SELECT "SubAccountId" AS s, "EffectiveCost" AS e, "ServiceName" AS n FROM focus_daily')).toEqual([
        { s: 'tenant-a-acct', e: '1.250000000000000000', n: null },
      ]);
    } finally {
      await a.close();
    }
  });

  it("cannot read another tenant's files or arbitrary files", async () => {
    const a = createFocusInputFromLake(layout, 'tenant-a');
    try {
      const other = layout.focusGlob('tenant-b');
      await expect(a.query(`SELECT * FROM read_parquet('${other}')`)).rejects.toThrow(/Permission Error|not allowed|disabled/i);
      await expect(a.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/Permission Error|not allowed|disabled/i);
      await expect(a.query(`SELECT * FROM read_parquet('${path.join(layout.focusTenantDir('tenant-a'), '..', 'tenant_id=tenant-b', '*', '*', '*', '*.parquet')}')`)).rejects.toThrow();
    } finally {
      await a.close();
    }
  });

  it('gives empty, fully typed views to a tenant without data', async () => {
    const empty = createFocusInputFromLake(layout, 'tenant-c');
    try {
      expect(await empty.query('SELECT count(*) AS n, SUM("EffectiveCost") AS s, max("x_UsageType") AS u FROM focus')).toEqual([{ n: 0, s: null, u: null }]);
      expect(await empty.query('SELECT count(*) AS n FROM focus_daily')).toEqual([{ n: 0 }]);
    } finally {
      await empty.close();
    }
  });

  it('refuses an invalid tenant id before touching the disk', () => {
    expect(() => createFocusInputFromLake(layout, '../tenant-b')).toThrow();
  });
});
