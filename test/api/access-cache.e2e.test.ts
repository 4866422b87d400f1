import { beforeAll, expect, it } from 'vitest';
import { call, createTenant, createUser, describeApi, login } from './api-harness.ts';

/**
 * The guards keep user, membership and tenant reads for FINOPS_ACCESS_CACHE_MS and findings pages for
 * FINOPS_FINDINGS_CACHE_MS. Both are set far above the test's duration here, so every assertion below holds only if
 * the change made through this process invalidated the cache, not because an entry expired.
 */
describeApi(
  'access and findings caches: changes made through this process apply on the next request',
  (ctx) => {
    let admin = '';
    let member = '';
    let memberId = '';

    beforeAll(async () => {
      await createTenant(ctx.api, 'cache-a', 'Cache A');
      await createUser(ctx.api, 'root@cache.example', { platformAdmin: true });
      memberId = await createUser(ctx.api, 'member@cache.example', { tenantId: 'cache-a', role: 'admin' });
      admin = (await login(ctx.api, 'root@cache.example')).accessToken;
      member = (await login(ctx.api, 'member@cache.example')).accessToken;
    });

    it('applies a role change, a suspension and a member removal made through the admin API at once', async () => {
      // Warm every cached read: the user, the membership (admin) and the tenant (active).
      expect((await call(ctx.api, 'GET', '/tenants/cache-a/members', { token: member })).status).toBe(200);

      const demoted = await call(ctx.api, 'POST', '/admin/tenants/cache-a/members', { token: admin, body: { email: 'member@cache.example', role: 'viewer' } });
      expect(demoted.status).toBe(201);
      expect((await call(ctx.api, 'GET', '/tenants/cache-a/members', { token: member })).status).toBe(403);
      expect((await call(ctx.api, 'GET', '/tenants/cache-a', { token: member })).body.role).toBe('viewer');

      expect((await call(ctx.api, 'POST', '/admin/tenants/cache-a/suspend', { token: admin })).status).toBe(200);
      const suspended = await call(ctx.api, 'GET', '/tenants/cache-a', { token: member });
      expect([suspended.status, suspended.body.error.code]).toEqual([403, 'TENANT_SUSPENDED']);
      expect((await call(ctx.api, 'POST', '/admin/tenants/cache-a/resume', { token: admin })).status).toBe(200);
      expect((await call(ctx.api, 'GET', '/tenants/cache-a', { token: member })).status).toBe(200);

      expect((await call(ctx.api, 'DELETE', `/admin/tenants/cache-a/members/${memberId}`, { token: admin })).status).toBe(204);
      expect((await call(ctx.api, 'GET', '/tenants/cache-a', { token: member })).status).toBe(404);
    });

    it('refuses an API key revoked through the tenant API on its next use, and records its last use', async () => {
      await createTenant(ctx.api, 'cache-c', 'Cache C');
      await createUser(ctx.api, 'owner@cache.example', { tenantId: 'cache-c', role: 'owner' });
      const owner = (await login(ctx.api, 'owner@cache.example')).accessToken;
      const created = await call(ctx.api, 'POST', '/tenants/cache-c/api-keys', { token: owner, body: { name: 'ci', role: 'viewer' } });
      expect(created.status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await call(ctx.api, 'GET', '/tenants/cache-c', { token: created.body.key })).status).toBe(200);
      const row = await ctx.api.store.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(row.lastUsedAt).not.toBeNull();
      expect((await call(ctx.api, 'DELETE', `/tenants/cache-c/api-keys/${created.body.id}`, { token: owner })).status).toBe(204);
      expect((await call(ctx.api, 'GET', '/tenants/cache-c', { token: created.body.key })).status).toBe(401);
    });

    it('shows a triage change in the next findings page, though the same page was just cached', async () => {
      await createTenant(ctx.api, 'cache-b', 'Cache B');
      await createUser(ctx.api, 'analyst@cache.example', { tenantId: 'cache-b', role: 'analyst' });
      const analyst = (await login(ctx.api, 'analyst@cache.example')).accessToken;
      const seenAt = new Date('2026-11-01T00:00:00Z');
      await ctx.api.store.prisma.findingState.create({
        data: {
          tenantId: 'cache-b', fingerprint: 'fp-cache-1', checkId: 'aws.ebs-unattached', provider: 'aws', accountId: '111111111111',
          region: 'eu-west-1', resourceType: 'volume', resourceId: 'vol-1', firstSeenAt: seenAt, lastSeenAt: seenAt, lastRunId: 'run-1',
          estimatedMonthlySavings: '12.500000', currency: 'USD', category: 'waste', severity: 'high', title: 'Unattached volume',
        },
      });
      const page = () => call(ctx.api, 'GET', '/tenants/cache-b/findings?limit=10', { token: analyst });
      expect((await page()).body.findings.map((f: { status: string }) => f.status)).toEqual(['open']);
      const patched = await call(ctx.api, 'PATCH', '/tenants/cache-b/findings/fp-cache-1', { token: analyst, body: { action: 'suppress', reason: 'test' } });
      expect(patched.status).toBe(200);
      expect((await page()).body.findings.map((f: { status: string }) => f.status)).toEqual(['suppressed']);
      await call(ctx.api, 'PATCH', '/tenants/cache-b/findings/fp-cache-1', { token: analyst, body: { action: 'assign', assignee: 'sam@cache.example' } });
      expect((await page()).body.findings[0].assignee).toBe('sam@cache.example');
    });
  },
  { env: { FINOPS_ACCESS_CACHE_MS: '30000', FINOPS_FINDINGS_CACHE_MS: '30000' }, kinds: ['pglite'] },
);

describeApi(
  'FINOPS_ACCESS_CACHE_MS=0: a change written by another process applies on the next request',
  (ctx) => {
    it('re-reads the membership on every request', async () => {
      await createTenant(ctx.api, 'nocache-a', 'No cache A');
      const userId = await createUser(ctx.api, 'temp@nocache.example', { tenantId: 'nocache-a', role: 'viewer' });
      const token = (await login(ctx.api, 'temp@nocache.example')).accessToken;
      expect((await call(ctx.api, 'GET', '/tenants/nocache-a', { token })).status).toBe(200);
      // Straight SQL, as another process would write it: nothing in this process hears about it.
      await ctx.api.store.prisma.membership.deleteMany({ where: { tenantId: 'nocache-a', userId } });
      expect((await call(ctx.api, 'GET', '/tenants/nocache-a', { token })).status).toBe(404);
    });
  },
  { env: { FINOPS_ACCESS_CACHE_MS: '0' }, kinds: ['pglite'] },
);
