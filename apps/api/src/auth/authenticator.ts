import { createSecretKey } from 'node:crypto';
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as PassportStrategy } from 'passport-strategy';
import type { ApiKeyService } from '../api-keys/api-key.service.ts';
import type { ApiConfig, OidcConfig } from '../config/api-config.ts';
import type { UserRepository } from '../users/user.repository.ts';
import { accessCache } from './access-cache.ts';
import { ACCESS_TOKEN_ALGORITHM } from './auth.service.ts';
import type { Principal } from './principal.ts';

export const STRATEGIES = ['api-key', 'jwt', 'oidc'] as const;

const bearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** `Authorization: Bearer ofk_<prefix>_<secret>`: a tenant-scoped API key. */
class ApiKeyStrategy extends PassportStrategy {
  name = 'api-key';
  constructor(private readonly keys: ApiKeyService) {
    super();
  }
  override authenticate(req: Request): void {
    const token = bearer(req);
    if (!token?.startsWith('ofk_')) return this.fail('not an API key', 401);
    this.keys.verify(token).then(
      (key) =>
        key
          ? this.success({ kind: 'api-key', keyId: key.keyId, tenantId: key.tenantId, role: key.role, scopes: key.scopes } satisfies Principal)
          : this.fail('invalid or revoked API key', 401),
      (err: unknown) => this.error(err as Error),
    );
  }
}

/** An external IdP's token (RS256/ES256 via its JWKS); its `email` claim must match an existing, enabled user. */
class OidcStrategy extends PassportStrategy {
  name = 'oidc';
  private readonly jwks: JWTVerifyGetKey;
  constructor(
    private readonly oidc: OidcConfig,
    private readonly users: UserRepository,
  ) {
    super();
    this.jwks = createRemoteJWKSet(new URL(oidc.jwksUrl), { timeoutDuration: 5_000 });
  }
  override authenticate(req: Request): void {
    const token = bearer(req);
    if (!token || token.startsWith('ofk_')) return this.fail('no bearer token', 401);
    (async (): Promise<Principal | null> => {
      let email: unknown;
      try {
        const { payload } = await jwtVerify(token, this.jwks, {
          issuer: this.oidc.issuer,
          audience: this.oidc.audience,
          algorithms: ['RS256', 'ES256'],
          requiredClaims: ['exp'],
        });
        if (payload.email_verified === false) return null;
        email = payload.email;
      } catch {
        return null;
      }
      if (typeof email !== 'string' || email.length === 0) return null;
      const user = await this.users.findByEmail(email);
      if (!user || user.disabledAt !== null) return null;
      return { kind: 'user', userId: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin, via: 'oidc' };
    })().then(
      (principal) => (principal ? this.success(principal) : this.fail('invalid external token', 401)),
      (err: unknown) => this.error(err as Error),
    );
  }
}

/**
 * A passport Authenticator per app instance (not the global `passport` singleton @nestjs/passport uses), so two apps
 * in one process (tests, or API + admin tooling) never share strategies or secrets.
 */
export function createAuthenticator(config: ApiConfig, users: UserRepository, keys: ApiKeyService): passport.Authenticator {
  const authenticator = new passport.Authenticator();
  const principals = accessCache(config.accessCacheMs);
  const userPrincipal = (id: string) =>
    principals.get(`user:${id}`, async (): Promise<Principal | false> => {
      const user = await users.findById(id);
      return user && user.disabledAt === null
        ? { kind: 'user', userId: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin, via: 'password' }
        : false;
    });
  authenticator.use(new ApiKeyStrategy(keys));
  authenticator.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: bearer,
        // A KeyObject, built once: given a string, jsonwebtoken first tries (and fails) to parse it as a public key
        // on every verification, which cost more than a millisecond of CPU per request. passport-jwt hands it to
        // jsonwebtoken unchanged, which accepts KeyObjects; only the type declaration is narrower.
        secretOrKey: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')) as unknown as Buffer,
        // Pinned: jsonwebtoken then refuses `alg: none` and any asymmetric/other HMAC algorithm.
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: config.jwt.issuer,
      },
      (payload: { sub?: unknown; typ?: unknown }, done: (err: unknown, user?: Principal | false) => void) => {
        if (payload.typ !== 'access' || typeof payload.sub !== 'string') return done(null, false);
        userPrincipal(payload.sub).then(
          (principal) => done(null, principal),
          (err: unknown) => done(err),
        );
      },
    ),
  );
  if (config.oidc) authenticator.use(new OidcStrategy(config.oidc, users));
  return authenticator;
}

export function strategiesFor(config: ApiConfig): string[] {
  return STRATEGIES.filter((s) => s !== 'oidc' || config.oidc !== undefined);
}
