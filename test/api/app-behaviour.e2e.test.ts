import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createUser, startTestApi, type TestApi } from './api-harness.ts';

describe('HTTP behaviour: error shape, limits, request ids, docs, health', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('pglite', { FINOPS_BODY_LIMIT: '2kb', FINOPS_LOGIN_RATE_LIMIT: '3' });
    await createUser(api, 'limit@example.com', { platformAdmin: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers an oversized body with 413 in the error shape', async () => {
    const res = await call(api, 'POST', '/auth/refresh', { body: { refreshToken: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String), details: null } });
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await call(api, 'POST', '/auth/refresh', { body: '{"refreshToken": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await call(api, 'GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('echoes a well-formed x-request-id and generates one otherwise', async () => {
    const echoed = await call(api, 'GET', '/health/live', { headers: { 'x-request-id': 'req-abc.123' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc.123');
    const generated = await call(api, 'GET', '/health/live', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports liveness and readiness (store query + writable lake)', async () => {
    expect((await call(api, 'GET', '/health/live')).status).toBe(200);
    const ready = await call(api, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toEqual({ store: { status: 'up' }, lake: { status: 'up' } });
  });

  it('serves OpenAPI with the routes and zod-derived request bodies', async () => {
    const doc = await call(api, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/auth/login', '/admin/tenants', '/admin/tenants/{tenantId}/members', '/tenants/{tenantId}/runs']),
    );
    const loginBody = doc.body.paths['/auth/login'].post.requestBody.content['application/json'].schema;
    expect(loginBody).toMatchObject({ type: 'object', required: ['email', 'password'] });
    // List endpoints document their query parameters from the same zod schemas their pipes validate.
    const queryOf = (path: string) =>
      Object.fromEntries((doc.body.paths[path].get.parameters as Array<{ in: string; name: string; schema: unknown }>).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
    const findings = queryOf('/tenants/{tenantId}/findings');
    expect(Object.keys(findings)).toEqual(expect.arrayContaining(['status', 'check', 'sort', 'limit', 'cursor', 'text']));
    expect(findings.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(Object.keys(queryOf('/tenants/{tenantId}/costs/summary'))).toEqual(expect.arrayContaining(['from', 'to', 'groupBy', 'provider', 'tag']));
    expect(Object.keys(queryOf('/tenants/{tenantId}/costs/trend'))).toEqual(expect.arrayContaining(['granularity', 'asOf']));
    expect(Object.keys(queryOf('/admin/tenants/{tenantId}/runs'))).toEqual(expect.arrayContaining(['limit', 'kind', 'status']));
    expect(Object.keys(queryOf('/admin/tenants/{tenantId}/runs/{runId}'))).toEqual(['after', 'limit']);
    expect((await call(api, 'GET', '/docs')).status).toBe(200);
  });

  it('limits login attempts per client with 429 in the error shape', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await call(api, 'POST', '/auth/login', { body: { email: 'limit@example.com', password: 'wrong-password-123' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
  });
});
