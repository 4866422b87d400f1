/**
 * Security properties over EVERY route of the real app (enumerated from the router, so a route added later is
 * covered without editing this file): cross-tenant 404s for users and API keys, bad tokens 401, viewers 403 on
 * writes, hostile query values 400 or harmless, malformed tenant ids 400, oversized bodies 413, per-caller throttling.
 */
import { SignJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { findingsExportQuery, findingsListQuery, costSummaryQuery, costTrendQuery, savingsQuery } from '@openfinops/contracts';
import { listRoutes, type RouteAccess } from '../../apps/api/src/app/route-access.ts';
import { call, createApiKey, createTenant, createUser, describeApi, login, rawGet, TEST_JWT_SECRET } from './api-harness.ts';

const B_SECRET = 'Bravo Confidential Holdings';
const B_MARKERS = /b-tenant|Bravo Confidential|bob@b\.example|fpbravo0001|vol-bravo/;

// Tenant routes, and the admin routes a tenant's own owners and admins may use (accounts, schedules, members).
const tenantRoutes = (routes: RouteAccess[]) =>
  routes.filter((r) => r.path.startsWith('/tenants/:tenantId') || (r.path.startsWith('/admin/tenants/:tenantId/') && r.access?.kind === 'roles'));

/** Fills a route's parameters: the tenant, then B's real objects where the route names one. */
function fill(path: string, tenantId: string, ids: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === 'tenantId' ? tenantId : (ids[name] ?? '00000000-0000-4000-8000-000000000000')));
}

/** A body that passes validation where one is needed, so a 404 can only come from the tenant check. */
function bodyFor(route: RouteAccess): unknown {
  if (route.method === 'GET' || route.method === 'DELETE') return undefined;
  if (route.path.endsWith('/findings/:fingerprint')) return { action: 'suppress', reason: 'probe' };
  if (route.path.endsWith('/api-keys')) return { name: 'probe', role: 'viewer' };
  return {};
}

const HOSTILE = ["' OR 1=1 --", '"; DROP TABLE "FindingState"; --', '%', '_', '\\', '../../etc/passwd', '${7*7}', '<script>', 'a'.repeat(190), '\u0000'];

describeApi('security over every route', (ctx) => {
  let aliceToken = '';
  let aliceKey = '';
  let viewerToken = '';
  let viewerKey = '';
  const bIds: Record<string, string> = {};

  beforeAll(async () => {
    await createTenant(ctx.api, 'a-tenant', 'Alpha');
    await createTenant(ctx.api, 'b-tenant', B_SECRET);
    await createUser(ctx.api, 'alice@a.example', { tenantId: 'a-tenant', role: 'owner' });
    await createUser(ctx.api, 'vic@a.example', { tenantId: 'a-tenant', role: 'viewer' });
    bIds.userId = await createUser(ctx.api, 'bob@b.example', { tenantId: 'b-tenant', role: 'owner' });
    aliceToken = (await login(ctx.api, 'alice@a.example')).accessToken;
    viewerToken = (await login(ctx.api, 'vic@a.example')).accessToken;
    aliceKey = await createApiKey(ctx.api, 'a-tenant', 'owner');
    viewerKey = await createApiKey(ctx.api, 'a-tenant', 'viewer');
    await createApiKey(ctx.api, 'b-tenant', 'owner');
    const prisma = ctx.api.store.prisma;
    bIds.keyId = (await prisma.apiKey.findFirstOrThrow({ where: { tenantId: 'b-tenant' } })).id;
    const finding = {
      fingerprint: 'fpbravo0001',
      checkId: 'aws/ebs-unattached',
      provider: 'aws',
      accountId: '999999999999',
      region: 'eu-west-1',
      resourceType: 'volume',
      resourceId: 'vol-bravo',
      firstSeenAt: new Date(),
      lastSeenAt: new Date(),
      lastRunId: 'run-b',
      estimatedMonthlySavings: '42.000000',
      currency: 'USD',
      category: 'waste',
      severity: 'high',
      title: 'Bravo volume',
    };
    await prisma.findingState.create({ data: { ...finding, tenantId: 'b-tenant' } });
    bIds.fingerprint = finding.fingerprint;
    const run = await prisma.run.create({ data: { id: 'run-bravo-0001', tenantId: 'b-tenant', kind: 'check', checkId: 'aws/ebs-unattached' } });
    bIds.runId = run.id;
  });

  it('enumerates the tenant routes from the router (the suite covers each of them)', () => {
    const routes = tenantRoutes(listRoutes(ctx.api.app));
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /tenants/:tenantId/findings',
        'GET /tenants/:tenantId/findings/export',
        'GET /tenants/:tenantId/findings/:fingerprint',
        'PATCH /tenants/:tenantId/findings/:fingerprint',
        'GET /tenants/:tenantId/costs/summary',
        'GET /tenants/:tenantId/costs/trend',
        'GET /tenants/:tenantId/savings',
        'POST /admin/tenants/:tenantId/accounts',
        'POST /admin/tenants/:tenantId/schedules',
        'POST /admin/tenants/:tenantId/members',
        'DELETE /admin/tenants/:tenantId/members/:userId',
      ]),
    );
    expect(routes.every((r) => r.access?.kind === 'roles')).toBe(true);
  });

  it("gives tenant A's user and API key a bare 404 on every tenant route of tenant B, revealing nothing of B", async () => {
    const routes = tenantRoutes(listRoutes(ctx.api.app));
    for (const route of routes) {
      for (const [who, token] of [
        ['user', aliceToken],
        ['api key', aliceKey],
      ] as const) {
        const res = await call(ctx.api, route.method, fill(route.path, 'b-tenant', bIds), { token, body: bodyFor(route) });
        expect(res.status, `${who} ${route.method} ${route.path}`).toBe(404);
        expect(res.body, `${who} ${route.method} ${route.path}`).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found', details: null } });
        expect(res.text).not.toMatch(B_MARKERS);
      }
    }
    // Nothing of B changed: the PATCH and DELETE probes above were refused before reaching it.
    const b = await ctx.api.store.prisma.findingState.findFirstOrThrow({ where: { tenantId: 'b-tenant' } });
    expect(b.status).toBe('open');
    expect((await ctx.api.store.prisma.apiKey.findUniqueOrThrow({ where: { id: bIds.keyId } })).revokedAt).toBeNull();
  });

  it('refuses expired, tampered, alg:none and foreign-issuer tokens with 401 on every tenant route', async () => {
    const now = Math.floor(Date.now() / 1000);
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const me = await call(ctx.api, 'GET', '/auth/me', { token: aliceToken });
    const sub = me.body.id ?? me.body.user?.id ?? me.body.sub;
    const sign = (issuer: string, exp: number) =>
      new SignJWT({ sub, typ: 'access' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setIssuedAt(now - 120).setExpirationTime(exp).sign(secret);
    const [header, payload, signature] = aliceToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const bad = {
      expired: await sign('openfinops', now - 30),
      'wrong issuer': await sign('https://evil.example', now + 600),
      tampered: `${header}.${Buffer.from(JSON.stringify({ ...claims, adm: true })).toString('base64url')}.${signature}`,
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
    };
    for (const route of tenantRoutes(listRoutes(ctx.api.app))) {
      for (const [label, token] of Object.entries(bad)) {
        const res = await call(ctx.api, route.method, fill(route.path, 'a-tenant', {}), { token, body: bodyFor(route) });
        expect(res.status, `${label} ${route.method} ${route.path}`).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('answers 403 to a viewer (user and key) on every route a viewer may not use', async () => {
    const denied = tenantRoutes(listRoutes(ctx.api.app)).filter((r) => r.access?.kind === 'roles' && !r.access.roles.includes('viewer'));
    expect(denied.some((r) => r.method === 'PATCH')).toBe(true);
    for (const route of denied) {
      for (const token of [viewerToken, viewerKey]) {
        const res = await call(ctx.api, route.method, fill(route.path, 'a-tenant', {}), { token, body: bodyFor(route) });
        expect(res.status, `${route.method} ${route.path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
    for (const route of listRoutes(ctx.api.app).filter((r) => r.access?.kind === 'platform-admin')) {
      const res = await call(ctx.api, route.method, fill(route.path, 'a-tenant', {}), { token: aliceToken, body: bodyFor(route) });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it('answers hostile values in every filter and sort parameter with 400 or a harmless 200, never an error or a leak', async () => {
    const endpoints: Array<[string, Record<string, unknown>]> = [
      ['/tenants/a-tenant/findings', findingsListQuery.shape],
      ['/tenants/a-tenant/findings/export', findingsExportQuery.shape],
      ['/tenants/a-tenant/costs/summary', costSummaryQuery.shape],
      ['/tenants/a-tenant/costs/trend', costTrendQuery.shape],
      ['/tenants/a-tenant/savings', savingsQuery.shape],
      ['/tenants/a-tenant/runs', { limit: 1, kind: 1, status: 1 }],
    ];
    let checked = 0;
    for (const [path, shape] of endpoints) {
      const params = Object.keys(shape);
      expect(params.length, path).toBeGreaterThan(0);
      for (const param of params) {
        for (const value of HOSTILE) {
          const res = await call(ctx.api, 'GET', `${path}?${param}=${encodeURIComponent(value)}`, { token: aliceToken });
          expect([200, 400], `${path} ${param}=${JSON.stringify(value)}: ${res.text.slice(0, 200)}`).toContain(res.status);
          expect(res.text).not.toMatch(/syntax error|Parser Error|Binder Error|prisma|duckdb|SQLSTATE|stack/i);
          expect(res.text).not.toMatch(B_MARKERS);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('refuses control characters in stored free text (reasons, assignees, key and tenant names) with 400', async () => {
    await ctx.api.store.prisma.findingState.create({ data: { ...(await ctx.api.store.prisma.findingState.findFirstOrThrow({ where: { tenantId: 'b-tenant' } })), tenantId: 'a-tenant', updatedAt: undefined } });
    const probes: Array<[string, string, unknown, string | undefined]> = [
      ['PATCH', '/tenants/a-tenant/findings/fpbravo0001', { action: 'suppress', reason: 'bad\u0000reason' }, aliceToken],
      ['PATCH', '/tenants/a-tenant/findings/fpbravo0001', { action: 'assign', assignee: 'x\u0007y' }, aliceToken],
      ['POST', '/tenants/a-tenant/api-keys', { name: 'ci\u0000', role: 'viewer' }, aliceToken],
    ];
    for (const [method, path, body, token] of probes) {
      const res = await call(ctx.api, method, path, { token, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const ok = await call(ctx.api, 'PATCH', '/tenants/a-tenant/findings/fpbravo0001', { token: aliceToken, body: { action: 'assign', assignee: 'ops team' } });
    expect(ok.status).toBe(200);
  });

  it('refuses malformed tenant ids with 400 on every GET tenant route', async () => {
    const gets = tenantRoutes(listRoutes(ctx.api.app)).filter((r) => r.method === 'GET');
    for (const route of gets) {
      for (const id of ['..', '%2e%2e', 'A-Tenant', '%C3%BCnic%C3%B6de', 'a', '..%2Fb-tenant']) {
        const res = await rawGet(ctx.api, fill(route.path, id, {}), aliceToken);
        expect(res.status, `${route.path} with ${id}`).toBe(400);
        expect(res.body.error.code).toBe('INVALID_TENANT_ID');
      }
    }
  });
});

describeApi(
  'request limits: body size and per-caller throttling',
  (ctx) => {
    it('answers a body over FINOPS_BODY_LIMIT on a tenant write route with 413 before authorisation work', async () => {
      await createTenant(ctx.api, 'lim-a', 'Limits');
      await createUser(ctx.api, 'lim@a.example', { tenantId: 'lim-a', role: 'owner' });
      const token = (await login(ctx.api, 'lim@a.example')).accessToken;
      const res = await call(ctx.api, 'PATCH', '/tenants/lim-a/findings/fp00000001', { token, body: { action: 'suppress', reason: 'x'.repeat(4000) } });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('throttles each user and each API key separately (429 after FINOPS_RATE_LIMIT requests a minute)', async () => {
      await createTenant(ctx.api, 'thr-a', 'Throttle');
      await createUser(ctx.api, 'one@thr.example', { tenantId: 'thr-a', role: 'viewer' });
      await createUser(ctx.api, 'two@thr.example', { tenantId: 'thr-a', role: 'viewer' });
      const one = (await login(ctx.api, 'one@thr.example')).accessToken;
      const two = (await login(ctx.api, 'two@thr.example')).accessToken;
      const key = await createApiKey(ctx.api, 'thr-a', 'viewer');
      const statuses = async (token: string, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await call(ctx.api, 'GET', '/tenants/thr-a/savings', { token })).status);
        return out;
      };
      expect(await statuses(one, 7)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // Same client IP, different callers: each has its own budget.
      expect(await statuses(two, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(await statuses(key, 6)).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await call(ctx.api, 'GET', '/tenants/thr-a/savings', { token: key });
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      // Health probes are never limited (a 429 on readiness would take a healthy process out of service).
      const probes: number[] = [];
      for (let i = 0; i < 8; i++) probes.push((await call(ctx.api, 'GET', '/health/live')).status);
      expect(probes).toEqual(Array(8).fill(200));
    });
  },
  { env: { FINOPS_BODY_LIMIT: '2kb', FINOPS_RATE_LIMIT: '5' }, kinds: ['pglite'] },
);
