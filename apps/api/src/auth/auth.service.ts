import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { ApiConfig } from '../config/api-config.ts';
import type { MemberRole, User } from '../generated/prisma/client.ts';
import type { UserRepository } from '../users/user.repository.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import type { RefreshTokenRepository } from './refresh-token.repository.ts';

/** Claims of our own access tokens. Memberships are informative for clients; guards re-read the store. */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  adm: boolean;
  mem: Array<{ tenantId: string; role: MemberRole }>;
  typ: 'access';
}

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

export class AuthenticationFailedError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationFailedError';
  }
}

export const ACCESS_TOKEN_ALGORITHM = 'HS256';
const REFRESH_PREFIX = 'ofr_';

function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  private readonly jwt: JwtService;

  constructor(
    private readonly config: ApiConfig,
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.jwt = new JwtService({
      secret: config.jwt.secret,
      signOptions: { algorithm: ACCESS_TOKEN_ALGORITHM, issuer: config.jwt.issuer, expiresIn: config.jwt.accessTtlSeconds },
    });
  }

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByEmail(email);
    // Unknown emails cost the same scrypt work as wrong passwords, so response time does not reveal accounts.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !user.passwordHash || !ok || user.disabledAt !== null) {
      throw new AuthenticationFailedError('Invalid email or password');
    }
    return this.issue(user, randomUUID());
  }

  /** Rotates the refresh token. A revoked token presented again means it leaked: the whole family is revoked. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.now();
    const row = refreshToken.startsWith(REFRESH_PREFIX) ? await this.refreshTokens.findByHash(hashRefreshToken(refreshToken)) : null;
    if (!row) throw new AuthenticationFailedError('Invalid refresh token');
    if (row.revokedAt !== null) {
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw new AuthenticationFailedError('Refresh token was already used; all sessions from this login are revoked');
    }
    if (row.expiresAt.getTime() <= now.getTime()) throw new AuthenticationFailedError('Refresh token expired');
    const user = await this.users.findById(row.userId);
    if (!user || user.disabledAt !== null) {
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw new AuthenticationFailedError('Invalid refresh token');
    }
    const next = this.newRefreshToken(user.id, row.familyId, now);
    const rotated = await this.refreshTokens.rotate(row.id, next.row, now);
    if (!rotated) {
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw new AuthenticationFailedError('Refresh token was already used; all sessions from this login are revoked');
    }
    return this.pair(user, next.token, next.row.expiresAt);
  }

  /** Ends the login the refresh token belongs to. Unknown tokens are ignored so logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    if (!refreshToken.startsWith(REFRESH_PREFIX)) return;
    const row = await this.refreshTokens.findByHash(hashRefreshToken(refreshToken));
    if (row) await this.refreshTokens.revokeFamily(row.familyId, this.now());
  }

  private newRefreshToken(userId: string, familyId: string, now: Date) {
    const token = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + this.config.jwt.refreshTtlSeconds * 1000);
    return { token, row: { userId, familyId, tokenHash: hashRefreshToken(token), expiresAt } };
  }

  private async issue(user: User, familyId: string): Promise<TokenPair> {
    const next = this.newRefreshToken(user.id, familyId, this.now());
    await this.refreshTokens.create(next.row);
    return this.pair(user, next.token, next.row.expiresAt);
  }

  private async pair(user: User, refreshToken: string, refreshExpiresAt: Date): Promise<TokenPair> {
    const claims: AccessTokenClaims = {
      sub: user.id,
      email: user.email,
      adm: user.isPlatformAdmin,
      mem: await this.users.memberships(user.id),
      typ: 'access',
    };
    const accessToken = await this.jwt.signAsync(claims);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.accessTtlSeconds,
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
    };
  }
}
