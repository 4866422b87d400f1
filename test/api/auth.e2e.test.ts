import { expect, it } from 'vitest';
import { UserRepository } from '../../apps/api/src/users/user.repository.ts';
import { call, createTenant, createUser, describeApi, login, PASSWORD } from './api-harness.ts';

describeApi('auth: login, refresh rotation, reuse detection, logout', (ctx) => {
  it('logs in and returns an access token carrying sub, admin flag and memberships', async () => {
    await createTenant(ctx.api, 'acme', 'Acme');
    const userId = await createUser(ctx.api, 'Alice@Example.com', { tenantId: 'acme', role: 'analyst' });
    const tokens = await login(ctx.api, 'alice@example.com');
    expect(tokens.expiresIn).toBe(900);
    const payload = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: userId, adm: false, mem: [{ tenantId: 'acme', role: 'analyst' }], iss: 'openfinops' });
    const me = await call(ctx.api, 'GET', '/auth/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', email: 'alice@example.com', memberships: [{ tenantId: 'acme', role: 'analyst' }] });
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const wrong = await call(ctx.api, 'POST', '/auth/login', { body: { email: 'alice@example.com', password: 'nope-nope-nope' } });
    const unknown = await call(ctx.api, 'POST', '/auth/login', { body: { email: 'nobody@example.com', password: PASSWORD } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('rotates refresh tokens; presenting a used one revokes the whole family', async () => {
    const first = await login(ctx.api, 'alice@example.com');
    const second = await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await call(ctx.api, 'GET', '/auth/me', { token: second.body.accessToken })).status).toBe(200);

    // Replay of the rotated token: refused, and the live successor dies with it.
    const replay = await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/already used/);
    const successor = await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(successor.status).toBe(401);
  });

  it('keeps other logins alive when one family is revoked', async () => {
    const a = await login(ctx.api, 'alice@example.com');
    const b = await login(ctx.api, 'alice@example.com');
    await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: a.refreshToken } });
    await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: a.refreshToken } });
    expect((await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: b.refreshToken } })).status).toBe(200);
  });

  it('logout revokes the refresh token', async () => {
    const tokens = await login(ctx.api, 'alice@example.com');
    const out = await call(ctx.api, 'POST', '/auth/logout', { body: { refreshToken: tokens.refreshToken } });
    expect(out.status).toBe(204);
    const after = await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(after.status).toBe(401);
  });

  it('refuses a disabled user on the next request, with a still-valid access token', async () => {
    const userId = await createUser(ctx.api, 'bob@example.com', { tenantId: 'acme', role: 'viewer' });
    const tokens = await login(ctx.api, 'bob@example.com');
    expect((await call(ctx.api, 'GET', '/tenants/acme', { token: tokens.accessToken })).status).toBe(200);
    await new UserRepository(ctx.api.store.prisma).setDisabled(userId, new Date());
    expect((await call(ctx.api, 'GET', '/tenants/acme', { token: tokens.accessToken })).status).toBe(401);
    expect((await call(ctx.api, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
    expect((await call(ctx.api, 'POST', '/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } })).status).toBe(401);
  });

  it('validates the login body with a clear error naming the field', async () => {
    const res = await call(ctx.api, 'POST', '/auth/login', { body: { email: 'alice@example.com' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/body\.password/);
  });
});
