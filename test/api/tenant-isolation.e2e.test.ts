import { SignJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { MembershipRepository } from '../../apps/api/src/users/membership.repository.ts';
import { call, createApiKey, createTenant, createUser, describeApi, login, rawGet, TEST_JWT_SECRET } from './api-harness.ts';

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

function forge(claims: Record<string, unknown>, options: { issuer?: string; exp?: number; key?: Uint8Array } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'openfinops')
    .setIssuedAt(now - 60)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.key ?? secret);
}

describeApi('tenant isolation and token security', (ctx) => {
  let aliceId = '';
  let aliceToken = '';
  let viewerToken = '';

  beforeAll(async () => {
    await createTenant(ctx.api, 'a-corp', 'A Corp');
    await createTenant(ctx.api, 'b-corp', 'B Secret Name');
    aliceId = await createUser(ctx.api, 'alice@a.example', { tenantId: 'a-corp', role: 'owner' });
    await createUser(ctx.api, 'bob@b.example', { tenantId: 'b-corp', role: 'owner' });
    await createUser(ctx.api, 'vera@a.example', { tenantId: 'a-corp', role: 'viewer' });
    aliceToken = (await login(ctx.api, 'alice@a.example')).accessToken;
    viewerToken = (await login(ctx.api, 'vera@a.example')).accessToken;
  });

  it('lets a member read their own tenant', async () => {
    const own = await call(ctx.api, 'GET', '/tenants/a-corp', { token: aliceToken });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ id: 'a-corp', name: 'A Corp', status: 'active', role: 'owner' });
  });

  it("answers another tenant's routes with the same 404 as a missing tenant, revealing nothing of it", async () => {
    for (const path of ['/tenants/b-corp', '/tenants/b-corp/runs', '/tenants/b-corp/members', '/tenants/b-corp/api-keys']) {
      const res = await call(ctx.api, 'GET', path, { token: aliceToken });
      const missing = await call(ctx.api, 'GET', path.replace('b-corp', 'no-such-tenant'), { token: aliceToken });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found', details: null } });
      expect(missing.body).toEqual(res.body);
      expect(res.text).not.toMatch(/b-corp|B Secret Name|bob/);
    }
    const write = await call(ctx.api, 'POST', '/tenants/b-corp/api-keys', { token: aliceToken, body: { name: 'x', role: 'viewer' } });
    expect(write.status).toBe(404);
  });

  it.each([
    ['expired', () => forge({ sub: 'x', typ: 'access' }, { exp: Math.floor(Date.now() / 1000) - 10 })],
    ['signed with another secret', () => forge({ sub: 'x', typ: 'access' }, { key: new TextEncoder().encode('another-secret-0123456789-abcdefghijklmnop') })],
    ['from another issuer', () => forge({ sub: 'x', typ: 'access' }, { issuer: 'evil' })],
  ])('refuses a token that is %s with 401', async (_label, make) => {
    const res = await call(ctx.api, 'GET', '/tenants/a-corp', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a correctly forged-by-us token (control), so the refusals above are about the defect', async () => {
    const token = await forge({ sub: aliceId, typ: 'access' });
    expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token })).status).toBe(200);
    const wrongIssuer = await forge({ sub: aliceId, typ: 'access' }, { issuer: 'evil' });
    expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token: wrongIssuer })).status).toBe(401);
    const expired = await forge({ sub: aliceId, typ: 'access' }, { exp: Math.floor(Date.now() / 1000) - 5 });
    expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token: expired })).status).toBe(401);
  });

  it('refuses alg:none and tampered tokens with 401', async () => {
    const [header, payload, signature] = aliceToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, adm: true })).toString('base64url')}.${signature}`;
    for (const token of [none, tampered]) {
      const res = await call(ctx.api, 'GET', '/tenants/a-corp', { token });
      expect(res.status).toBe(401);
    }
    expect((await call(ctx.api, 'GET', '/admin/tenants', { token: tampered })).status).toBe(401);
  });

  it.each([
    ['/tenants/../runs', 'dot-dot segment'],
    ['/tenants/..', 'bare dot-dot'],
    ['/tenants/%2e%2e/runs', 'encoded dot-dot'],
    ['/tenants/..%2Fb-corp/runs', 'encoded slash'],
    ['/tenants/A-Corp/runs', 'uppercase'],
    ['/tenants/%C3%BCnic%C3%B6de/runs', 'unicode'],
    ['/tenants/a/runs', 'too short'],
  ])('refuses the tenant id in %s (%s) with 400', async (path) => {
    const res = await rawGet(ctx.api, path, aliceToken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_TENANT_ID');
    expect(res.text).not.toMatch(/B Secret Name/);
  });

  it('does not resolve dot-dot against other routes: an unmatched path is a plain 404', async () => {
    const res = await rawGet(ctx.api, '/tenants/../admin/tenants', aliceToken);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: null } });
  });

  it('gives a viewer 403 on admin-only tenant routes and on the admin API', async () => {
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/runs', { token: viewerToken })).status).toBe(200);
    const members = await call(ctx.api, 'GET', '/tenants/a-corp/members', { token: viewerToken });
    expect(members.status).toBe(403);
    expect(members.body.error.code).toBe('FORBIDDEN');
    const key = await call(ctx.api, 'POST', '/tenants/a-corp/api-keys', { token: viewerToken, body: { name: 'x', role: 'owner' } });
    expect(key.status).toBe(403);
    expect((await call(ctx.api, 'POST', '/admin/tenants', { token: viewerToken, body: { id: 'c-corp', name: 'C' } })).status).toBe(403);
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/members', { token: aliceToken })).status).toBe(200);
  });

  it('scopes API keys to their tenant and role; revoked keys are refused', async () => {
    const viewerKey = await createApiKey(ctx.api, 'a-corp', 'viewer');
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/runs', { token: viewerKey })).status).toBe(200);
    const other = await call(ctx.api, 'GET', '/tenants/b-corp/runs', { token: viewerKey });
    expect(other.status).toBe(404);
    expect(other.text).not.toMatch(/B Secret Name/);
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/members', { token: viewerKey })).status).toBe(403);
    expect((await call(ctx.api, 'GET', '/admin/tenants', { token: viewerKey })).status).toBe(403);

    const created = await call(ctx.api, 'POST', '/tenants/a-corp/api-keys', { token: aliceToken, body: { name: 'ci', role: 'admin' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ofk_[a-f0-9]{12}_/);
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/members', { token: created.body.key })).status).toBe(200);
    const listed = await call(ctx.api, 'GET', '/tenants/a-corp/api-keys', { token: aliceToken });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.apiKeys.find((k: { id: string }) => k.id === created.body.id).lastUsedAt).not.toBeNull();
    expect((await call(ctx.api, 'DELETE', `/tenants/a-corp/api-keys/${created.body.id}`, { token: aliceToken })).status).toBe(204);
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/members', { token: created.body.key })).status).toBe(401);
    const forgedSecret = created.body.key.slice(0, -4) + 'AAAA';
    expect((await call(ctx.api, 'GET', '/tenants/a-corp/runs', { token: forgedSecret })).status).toBe(401);
  });

  it('re-checks membership, not the token: a removed member loses access at once', async () => {
    const userId = await createUser(ctx.api, 'temp@a.example', { tenantId: 'a-corp', role: 'analyst' });
    const token = (await login(ctx.api, 'temp@a.example')).accessToken;
    expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token })).status).toBe(200);
    // Through the repository, as the admin API and the CLI do, so the guards' access cache is invalidated.
    await new MembershipRepository(ctx.api.store.prisma).remove('a-corp', userId);
    expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token })).status).toBe(404);
  });

  it('refuses every caller on a suspended tenant, including its API keys', async () => {
    const key = await createApiKey(ctx.api, 'a-corp', 'owner');
    const tenants = new TenantRepository(ctx.api.store.prisma);
    await tenants.setStatus('a-corp', 'suspended');
    try {
      for (const token of [aliceToken, key]) {
        const res = await call(ctx.api, 'GET', '/tenants/a-corp/runs', { token });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('TENANT_SUSPENDED');
      }
      // Non-members still see a plain 404: suspension does not reveal the tenant.
      const bobToken = (await login(ctx.api, 'bob@b.example')).accessToken;
      expect((await call(ctx.api, 'GET', '/tenants/a-corp', { token: bobToken })).status).toBe(404);
    } finally {
      await tenants.setStatus('a-corp', 'active');
    }
  });
});
