/**
 * The session cookie's content and the token refresh, shared by the proxy and server code (no request APIs here).
 */
import type { TokenPair } from './api.types.ts';

export const SESSION_COOKIE = 'ofs_session';
/** Refresh this long before the access token expires, so a page never starts its API calls with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  accessExpiresAt: number;
  /** Epoch ms when the refresh token (and so the session) expires. */
  refreshExpiresAt: number;
}

export function apiBaseUrl(): string {
  return (process.env.FINOPS_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

export function sessionFromTokens(pair: TokenPair, now = Date.now()): Session {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: now + pair.expiresIn * 1000,
    refreshExpiresAt: Date.parse(pair.refreshExpiresAt),
  };
}

export function encodeSession(s: Session): string {
  return Buffer.from(JSON.stringify([s.accessToken, s.refreshToken, s.accessExpiresAt, s.refreshExpiresAt]), 'utf8').toString('base64url');
}

/** A cookie that is not ours or was tampered into another shape is no session (the API still verifies the tokens). */
export function decodeSession(value: string | undefined): Session | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return null;
    const [accessToken, refreshToken, accessExpiresAt, refreshExpiresAt] = parsed as unknown[];
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string') return null;
    if (typeof accessExpiresAt !== 'number' || typeof refreshExpiresAt !== 'number' || !Number.isFinite(refreshExpiresAt)) return null;
    return { accessToken, refreshToken, accessExpiresAt, refreshExpiresAt };
  } catch {
    return null;
  }
}

/** httpOnly: client JavaScript never sees the tokens. `Secure` whenever the portal is served over https. */
export function sessionCookieOptions(s: Session) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: process.env.FINOPS_PORTAL_SECURE_COOKIE === '1',
    expires: new Date(s.refreshExpiresAt),
  };
}

const inflight = new Map<string, Promise<Session | null>>();

/**
 * Trades a refresh token for a new pair. Concurrent requests of one browser (prefetches, parallel tabs) present the
 * same refresh token; the API revokes the whole family when a rotated token comes back, so all of them must share
 * one exchange. The result is kept briefly for requests that still carry the old cookie.
 */
export function refreshSession(refreshToken: string): Promise<Session | null> {
  let pending = inflight.get(refreshToken);
  if (!pending) {
    pending = (async () => {
      const res = await fetch(`${apiBaseUrl()}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
        cache: 'no-store',
      });
      if (res.status === 401 || res.status === 400) return null;
      if (!res.ok) throw new Error(`API refresh failed with HTTP ${res.status}`);
      return sessionFromTokens((await res.json()) as TokenPair);
    })();
    inflight.set(refreshToken, pending);
    const forget = () => setTimeout(() => inflight.delete(refreshToken), 30_000).unref();
    pending.then(forget, forget);
  }
  return pending;
}
