import { beforeAll, expect, it } from 'vitest';
import { call, createTenant, createUser, describeApi, login } from './api-harness.ts';

const fp = (i: number) => `fp${String(i).padStart(8, '0')}`;

describeApi('tenant findings and costs API', (ctx) => {
  let viewer = '';
  let analyst = '';
  let outsider = '';

  beforeAll(async () => {
    await createTenant(ctx.api, 'find-a', 'Find A');
    await createTenant(ctx.api, 'find-b', 'Find B');
    await createUser(ctx.api, 'viewer@find.example', { tenantId: 'find-a', role: 'viewer' });
    await createUser(ctx.api, 'analyst@find.example', { tenantId: 'find-a', role: 'analyst' });
    await createUser(ctx.api, 'outsider@find.example', { tenantId: 'find-b', role: 'owner' });
    viewer = (await login(ctx.api, 'viewer@find.example')).accessToken;
    analyst = (await login(ctx.api, 'analyst@find.example')).accessToken;
    outsider = (await login(ctx.api, 'outsider@find.example')).accessToken;
    const base = new Date('2026-11-01T00:00:00Z').getTime();
    const rows = Array.from({ length: 12 }, (_, i) => ({
      tenantId: 'find-a',
      fingerprint: fp(i),
      checkId: i % 2 === 0 ? 'aws.ebs-unattached' : 'aws.ec2-graviton',
      provider: 'aws',
      accountId: i < 6 ? '111111111111' : '222222222222',
      region: i % 3 === 0 ? 'eu-west-1' : 'us-east-1',
      resourceType: 'volume',
      resourceId: `vol-${i}`,
      firstSeenAt: new Date(base + i * 3_600_000),
      lastSeenAt: new Date(base + i * 3_600_000),
      lastRunId: 'run-1',
      // Two findings without an estimate, several ties: the pagination must neither skip nor repeat.
      estimatedMonthlySavings: i < 2 ? null : String(((i % 4) * 10.5).toFixed(6)),
      currency: i < 2 ? null : 'USD',
      category: i % 2 === 0 ? 'waste' : 'modernization',
      severity: i % 4 === 0 ? 'high' : 'low',
      title: i === 5 ? 'Unattached GP2 volume in Frankfurt' : `Finding ${i}`,
    }));
    await ctx.api.store.prisma.findingState.createMany({ data: rows });
    await ctx.api.store.prisma.findingState.create({ data: { ...rows[3]!, tenantId: 'find-b', fingerprint: 'fpbbbbbbbb', title: 'B only' } });
  });

  it('pages through every finding exactly once, in savings order with nulls last', async () => {
    const seen: Array<{ fingerprint: string; estimatedMonthlySavings: string | null }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call(ctx.api, 'GET', `/tenants/find-a/findings${qs}`, { token: viewer });
      expect(res.status).toBe(200);
      seen.push(...res.body.findings);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen.map((f) => f.fingerprint)).size).toBe(12);
    const amounts = seen.map((f) => (f.estimatedMonthlySavings === null ? -1 : Number(f.estimatedMonthlySavings)));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(seen.slice(-2).every((f) => f.estimatedMonthlySavings === null)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('fpbbbbbbbb');
  });

  it('gives the same order for every page size, with pages spanning the step from known to unknown savings', async () => {
    const all = (await call(ctx.api, 'GET', '/tenants/find-a/findings?limit=500', { token: viewer })).body.findings.map((f: { fingerprint: string }) => f.fingerprint);
    expect(all).toHaveLength(12);
    for (const limit of [1, 3, 4, 7, 11]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await call(ctx.api, 'GET', `/tenants/find-a/findings${qs}`, { token: viewer });
        seen.push(...res.body.findings.map((f: { fingerprint: string }) => f.fingerprint));
        cursor = res.body.nextCursor;
      } while (cursor && seen.length <= 12);
      expect(seen, `limit ${limit}`).toEqual(all);
    }
  });

  it('filters by check, account, region, severity, category and text', async () => {
    const get = async (qs: string) => (await call(ctx.api, 'GET', `/tenants/find-a/findings?${qs}`, { token: viewer })).body.findings as Array<Record<string, string>>;
    expect((await get('check=aws.ebs-unattached')).every((f) => f.checkId === 'aws.ebs-unattached')).toBe(true);
    expect(await get('account=222222222222&region=eu-west-1')).toHaveLength(2);
    expect((await get('severity=high')).map((f) => f.fingerprint).sort()).toEqual([fp(0), fp(4), fp(8)]);
    expect((await get('category=modernization')).length).toBe(6);
    expect((await get('text=frankfurt')).map((f) => f.fingerprint)).toEqual([fp(5)]);
    expect((await get('sort=firstSeenAt&limit=2')).map((f) => f.fingerprint)).toEqual([fp(0), fp(1)]);
  });

  it('refuses unknown sorts, filters and forged cursors with 400', async () => {
    for (const qs of ['sort=resourceId', 'colour=red', 'cursor=not-a-cursor', 'limit=0']) {
      const res = await call(ctx.api, 'GET', `/tenants/find-a/findings?${qs}`, { token: viewer });
      expect(res.status, qs).toBe(400);
    }
  });

  it('lets an analyst suppress (with reason and until) and reopen; a viewer gets 403', async () => {
    const denied = await call(ctx.api, 'PATCH', `/tenants/find-a/findings/${fp(4)}`, { token: viewer, body: { action: 'suppress', reason: 'x' } });
    expect(denied.status).toBe(403);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const suppressed = await call(ctx.api, 'PATCH', `/tenants/find-a/findings/${fp(4)}`, {
      token: analyst,
      body: { action: 'suppress', reason: 'planned migration', until },
    });
    expect(suppressed.status).toBe(200);
    expect(suppressed.body).toMatchObject({ status: 'suppressed', suppressedReason: 'planned migration' });
    expect(new Date(suppressed.body.suppressedUntil).toISOString()).toBe(until);
    const listed = await call(ctx.api, 'GET', '/tenants/find-a/findings?status=suppressed', { token: viewer });
    expect(listed.body.findings.map((f: { fingerprint: string }) => f.fingerprint)).toEqual([fp(4)]);

    const reopened = await call(ctx.api, 'PATCH', `/tenants/find-a/findings/${fp(4)}`, { token: analyst, body: { action: 'reopen' } });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', suppressedReason: null });
    const again = await call(ctx.api, 'PATCH', `/tenants/find-a/findings/${fp(4)}`, { token: analyst, body: { action: 'reopen' } });
    expect(again.status).toBe(400);
    const noReason = await call(ctx.api, 'PATCH', `/tenants/find-a/findings/${fp(4)}`, { token: analyst, body: { action: 'suppress' } });
    expect(noReason.status).toBe(400);
    const actions = (await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'find-a', target: `finding:${fp(4)}` } })).map((a) => a.action);
    expect(actions.sort()).toEqual(['finding.reopen', 'finding.suppress']);
  });

  it("cannot touch another tenant's finding", async () => {
    const res = await call(ctx.api, 'PATCH', '/tenants/find-a/findings/fpbbbbbbbb', { token: analyst, body: { action: 'suppress', reason: 'x' } });
    expect(res.status).toBe(404);
    const b = await ctx.api.store.prisma.findingState.findUnique({ where: { tenantId_fingerprint: { tenantId: 'find-b', fingerprint: 'fpbbbbbbbb' } } });
    expect(b?.status).toBe('open');
    expect((await call(ctx.api, 'GET', '/tenants/find-a/findings', { token: outsider })).status).toBe(404);
  });

  it('summarises costs from the FOCUS lake (empty before any import) and validates its filters', async () => {
    const res = await call(ctx.api, 'GET', '/tenants/find-a/costs/summary', { token: viewer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ from: null, to: null, groupBy: [], source: 'rollups', rows: [], totals: [] });
    expect((await call(ctx.api, 'GET', '/tenants/find-a/costs/summary?billingPeriod=2026-13', { token: viewer })).status).toBe(400);
  });
});
