import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, createUser, startTestApi, type TestApi } from './api-harness.ts';

const ISSUER = 'https://idp.test.example';
const AUDIENCE = 'openfinops-api';

describe('external IdP (OIDC) tokens verified through a JWKS endpoint', () => {
  let jwksServer: http.Server;
  let api: TestApi;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    jwksServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as { port: number };
    api = await startTestApi('pglite', {
      FINOPS_OIDC_ISSUER: ISSUER,
      FINOPS_OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      FINOPS_OIDC_AUDIENCE: AUDIENCE,
    });
    await createTenant(api, 'idp-corp', 'IdP Corp');
    await createUser(api, 'carol@idp.example', { tenantId: 'idp-corp', role: 'viewer' });
  });

  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  function idpToken(
    key: CryptoKey,
    header: { alg: string; kid: string },
    claims: Record<string, unknown> = {},
    options: { audience?: string; issuer?: string; expSeconds?: number } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: 'Carol@IdP.example', ...claims })
      .setProtectedHeader(header)
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject('idp-user-1')
      .setIssuedAt(now - 30)
      .setExpirationTime(now + (options.expSeconds ?? 300))
      .sign(key);
  }

  it('accepts RS256 and ES256 tokens and maps the email claim to the user', async () => {
    for (const token of [
      await idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }),
      await idpToken(ec.privateKey, { alg: 'ES256', kid: 'ec-1' }),
    ]) {
      const res = await call(api, 'GET', '/tenants/idp-corp', { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'idp-corp', role: 'viewer' });
    }
  });

  it.each([
    ['a wrong audience', () => idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, {}, { audience: 'someone-else' })],
    ['a wrong issuer', () => idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, {}, { issuer: 'https://evil.example' })],
    ['an expired token', () => idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, {}, { expSeconds: -60 })],
    ['a key not in the JWKS', () => idpToken(stranger.privateKey, { alg: 'RS256', kid: 'rsa-1' })],
    ['an email with no user', () => idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { email: 'nobody@idp.example' })],
    ['an unverified email', () => idpToken(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }, { email_verified: false })],
  ])('refuses %s with 401', async (_label, make) => {
    const res = await call(api, 'GET', '/tenants/idp-corp', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});
