import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { formatDecimal, toDecimal18_6 } from '@openfinops/contracts';
import { REPO_ROOT } from '@openfinops/tenants';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CheckRunnerService } from '../../apps/api/src/checks/check-runner.service.ts';
import { call, createTenant, createUser, describeApi, login } from './api-harness.ts';

interface Finding {
  fingerprint: string;
  checkId: string;
  resourceId: string;
  status: string;
  estimatedMonthlySavings: string | null;
  currency: string | null;
  exclusionGroup: string | null;
  resolvedAt: string | null;
  assignee: string | null;
  lastSeenAt: string;
}

const INVENTORY = path.join(REPO_ROOT, 'test', 'fixtures', 'inventory', 'demo-full.json');
const RUN_1 = new Date('2026-10-15T06:00:00Z');
const RUN_2 = new Date('2026-11-03T06:00:00Z');

/** Savings by the rule of the issue, written out independently: per currency, an exclusion group counts once, by its largest estimate. */
function expectedOpenTotals(findings: Finding[]): Record<string, string> {
  const best = new Map<string, bigint>();
  const totals = new Map<string, bigint>();
  for (const f of findings) {
    if (f.estimatedMonthlySavings === null || f.currency === null) continue;
    const amount = toDecimal18_6(f.estimatedMonthlySavings);
    if (f.exclusionGroup) {
      const key = `${f.currency}|${f.exclusionGroup}`;
      best.set(key, (best.get(key) ?? 0n) > amount ? best.get(key)! : amount);
    } else {
      totals.set(f.currency, (totals.get(f.currency) ?? 0n) + amount);
    }
  }
  for (const [key, amount] of best) {
    const currency = key.split('|')[0]!;
    totals.set(currency, (totals.get(currency) ?? 0n) + amount);
  }
  return Object.fromEntries([...totals].map(([c, v]) => [c, formatDecimal(v, 6)]));
}

describeApi('findings detail, triage, export and savings over real check runs', (ctx) => {
  let viewer = '';
  let analyst = '';
  let workDir = '';

  const listAll = async (qs = ''): Promise<Finding[]> => {
    const out: Finding[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(ctx.api, 'GET', `/tenants/fd-a/findings?limit=7${qs}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: viewer });
      expect(res.status).toBe(200);
      out.push(...res.body.findings);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    await createTenant(ctx.api, 'fd-a', 'Findings A');
    await createUser(ctx.api, 'viewer@fd.example', { tenantId: 'fd-a', role: 'viewer' });
    await createUser(ctx.api, 'analyst@fd.example', { tenantId: 'fd-a', role: 'analyst' });
    viewer = (await login(ctx.api, 'viewer@fd.example')).accessToken;
    analyst = (await login(ctx.api, 'analyst@fd.example')).accessToken;
    const runner = new CheckRunnerService({ prisma: ctx.api.store.prisma, dataDir: ctx.api.dataDir });
    await runner.runAll({ tenantId: 'fd-a', inventoryFile: INVENTORY, now: RUN_1 });
    // Second run: half the EBS volumes are gone, so their findings resolve on RUN_2.
    workDir = await mkdtemp(path.join(os.tmpdir(), 'finops-fd-'));
    const inventory = JSON.parse(await readFile(INVENTORY, 'utf8')) as Record<string, unknown[]>;
    inventory['ebs-volumes'] = inventory['ebs-volumes']!.filter((_, i) => i % 2 === 0);
    const second = path.join(workDir, 'run-2.json');
    await writeFile(second, JSON.stringify(inventory));
    await runner.runAll({ tenantId: 'fd-a', inventoryFile: second, now: RUN_2 });
  }, 180_000);
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('reports open savings per currency without double counting exclusion groups, split by category and check', async () => {
    const open = await listAll('&status=open');
    expect(open.some((f) => f.exclusionGroup !== null)).toBe(true);
    const res = await call(ctx.api, 'GET', '/tenants/fd-a/savings', { token: viewer });
    expect(res.status).toBe(200);
    const expected = expectedOpenTotals(open);
    expect(Object.fromEntries(res.body.open.map((c: { currency: string; total: string }) => [c.currency, c.total]))).toEqual(expected);
    const naive = open.filter((f) => f.currency === 'USD').reduce((a, f) => a + toDecimal18_6(f.estimatedMonthlySavings!), 0n);
    const usd = res.body.open.find((c: { currency: string }) => c.currency === 'USD');
    expect(toDecimal18_6(usd.total)).toBeLessThan(naive);
    expect(usd.excluded).toBeGreaterThan(0);
    for (const split of ['byCategory', 'byCheck'] as const) {
      const sum = (usd[split] as Array<{ total: string }>).reduce((a, g) => a + toDecimal18_6(g.total), 0n);
      expect(formatDecimal(sum, 6), split).toBe(usd.total);
    }
    expect(usd.byCheck.map((g: { key: string }) => g.key)).toEqual([...new Set(open.filter((f) => f.currency === 'USD').map((f) => f.checkId))].sort().filter((k) => usd.byCheck.some((g: { key: string }) => g.key === k)));
  });

  it('reports realized savings of the findings resolved in each month', async () => {
    const resolved = await listAll('&status=resolved');
    expect(resolved.length).toBeGreaterThan(0);
    expect(new Set(resolved.map((f) => f.resolvedAt?.slice(0, 7)))).toEqual(new Set(['2026-11']));
    const res = await call(ctx.api, 'GET', '/tenants/fd-a/savings?since=2026-01', { token: viewer });
    expect(res.body.realizedSince).toBe('2026-01');
    expect(res.body.realized).toEqual(
      Object.entries(expectedOpenTotals(resolved)).map(([currency, total]) => ({
        month: '2026-11',
        currency,
        total,
        counted: expect.any(Number),
        excluded: expect.any(Number),
      })),
    );
    const later = await call(ctx.api, 'GET', '/tenants/fd-a/savings?since=2026-12', { token: viewer });
    expect(later.body.realized).toEqual([]);
    expect((await call(ctx.api, 'GET', '/tenants/fd-a/savings?since=2026-13', { token: viewer })).status).toBe(400);
  });

  it('shows a finding with its observation history from the findings lake, newest first', async () => {
    const open = await listAll('&status=open');
    const seenTwice = open.find((f) => f.lastSeenAt.startsWith('2026-11-03'))!;
    const res = await call(ctx.api, 'GET', `/tenants/fd-a/findings/${seenTwice.fingerprint}`, { token: viewer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fingerprint: seenTwice.fingerprint, status: 'open', reopenCount: 0 });
    expect(res.body.observations.map((o: { observedAt: string }) => o.observedAt)).toEqual([RUN_2.toISOString(), RUN_1.toISOString()]);
    expect(res.body.observations[0].runId).toBe(res.body.lastRunId);
    expect(res.body.recommendation).toBe(res.body.observations[0].recommendation);
    expect(typeof res.body.observations[0].evidence).toBe('object');
    const resolved = (await listAll('&status=resolved'))[0]!;
    const gone = await call(ctx.api, 'GET', `/tenants/fd-a/findings/${resolved.fingerprint}?history=5`, { token: viewer });
    expect(gone.body.observations).toHaveLength(1);
    expect(gone.body.resolvedAt).toBe(RUN_2.toISOString());
    expect((await call(ctx.api, 'GET', `/tenants/fd-a/findings/${'0'.repeat(64)}`, { token: viewer })).status).toBe(404);
    expect((await call(ctx.api, 'GET', '/tenants/fd-a/findings/..%2F..%2Fetc', { token: viewer })).status).toBe(400);
  });

  it('assigns and unassigns (analyst and up, audited) and filters by assignee and resource', async () => {
    const target = (await listAll('&status=open'))[0]!;
    const url = `/tenants/fd-a/findings/${target.fingerprint}`;
    expect((await call(ctx.api, 'PATCH', url, { token: viewer, body: { action: 'assign', assignee: 'x@fd.example' } })).status).toBe(403);
    const assigned = await call(ctx.api, 'PATCH', url, { token: analyst, body: { action: 'assign', assignee: 'ana@fd.example' } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee: 'ana@fd.example', status: 'open' });
    expect(assigned.body.assignedAt).not.toBeNull();
    expect((await listAll('&assignee=ana%40fd.example')).map((f) => f.fingerprint)).toEqual([target.fingerprint]);
    expect((await listAll(`&resource=${encodeURIComponent(target.resourceId)}`)).every((f) => f.resourceId === target.resourceId)).toBe(true);
    const cleared = await call(ctx.api, 'PATCH', url, { token: analyst, body: { action: 'assign', assignee: null } });
    expect(cleared.body).toMatchObject({ assignee: null, assignedAt: null });
    expect((await call(ctx.api, 'PATCH', url, { token: analyst, body: { action: 'assign' } })).status).toBe(400);
    const audit = await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'fd-a', action: 'finding.assign' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.details)).toEqual([{ assignee: 'ana@fd.example' }, { assignee: null }]);
  });

  it('exports the filtered list as CSV, Arrow IPC and parquet with the same rows', async () => {
    const open = await listAll('&status=open&sort=title');
    const csv = await fetch(`${ctx.api.url}/tenants/fd-a/findings/export?status=open&sort=title&format=csv`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="findings-fd-a.csv"');
    const lines = (await csv.text()).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('fingerprint,checkId,provider,accountId,region,resourceType,resourceId,status,title,category,severity,estimatedMonthlySavings,currency,exclusionGroup,firstSeenAt,lastSeenAt,resolvedAt,suppressedUntil,suppressedReason,assignee');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(open.map((f) => f.fingerprint));

    const arrow = await fetch(`${ctx.api.url}/tenants/fd-a/findings/export?status=open&sort=title&format=arrow`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.numRows).toBe(open.length);
    expect(table.getChild('fingerprint')!.toArray()).toEqual(open.map((f) => f.fingerprint));
    expect(String(table.schema.fields.find((f) => f.name === 'estimatedMonthlySavings')!.type)).toMatch(/Decimal/);

    const parquet = await fetch(`${ctx.api.url}/tenants/fd-a/findings/export?status=open&format=parquet&check=aws%2Febs-unattached`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(parquet.status).toBe(200);
    const file = path.join(workDir, 'export.parquet');
    await writeFile(file, Buffer.from(await parquet.arrayBuffer()));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const rows = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n, CAST(sum("estimatedMonthlySavings") AS VARCHAR) AS s, any_value("checkId") AS c FROM read_parquet($1)`, [file])).getRowObjectsJson() as unknown as Array<{ n: number; s: string; c: string }>;
      const ebs = open.filter((f) => f.checkId === 'aws/ebs-unattached');
      expect(ebs.length).toBeGreaterThan(0);
      expect(rows[0]!.n).toBe(ebs.length);
      expect(rows[0]!.c).toBe('aws/ebs-unattached');
      expect(formatDecimal(toDecimal18_6(rows[0]!.s), 6)).toBe(formatDecimal(ebs.reduce((a, f) => a + toDecimal18_6(f.estimatedMonthlySavings!), 0n), 6));
      // A download is written once and kept: zstd, unlike the lake's LZ4_RAW files.
      const codecs = await conn.runAndReadAll('SELECT DISTINCT compression FROM parquet_metadata($1)', [file]);
      expect(codecs.getRowObjectsJson()).toEqual([{ compression: 'ZSTD' }]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }

    const empty = await fetch(`${ctx.api.url}/tenants/fd-a/findings/export?check=no-such-check&format=arrow`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(tableFromIPC(new Uint8Array(await empty.arrayBuffer())).numRows).toBe(0);
    const bad = await call(ctx.api, 'GET', '/tenants/fd-a/findings/export?format=xlsx', { token: viewer });
    expect(bad.status).toBe(400);
  });

  it('treats LIKE wildcards and quotes in text filters as literal characters', async () => {
    const all = await listAll('');
    expect(all.length).toBeGreaterThan(5);
    for (const hostile of ['%', '_', "' OR '1'='1", '\\', '%%_%']) {
      const found = await listAll(`&text=${encodeURIComponent(hostile)}`);
      for (const f of found) expect(JSON.stringify(f).toLowerCase(), hostile).toContain(hostile.toLowerCase());
    }
  });
});
