import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSession, encodeSession, refreshSession, sessionFromTokens } from './session-codec.ts';

const pair = { accessToken: 'a.b.c', tokenType: 'Bearer' as const, expiresIn: 900, refreshToken: 'ofr_x', refreshExpiresAt: '2030-01-01T00:00:00.000Z' };

describe('session cookie', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('round-trips the token pair with its expiries', () => {
    const s = sessionFromTokens(pair, 1_000);
    expect(s).toEqual({ accessToken: 'a.b.c', refreshToken: 'ofr_x', accessExpiresAt: 901_000, refreshExpiresAt: Date.parse('2030-01-01T00:00:00Z') });
    expect(decodeSession(encodeSession(s))).toEqual(s);
  });

  it('treats anything else as no session', () => {
    expect(decodeSession(undefined)).toBeNull();
    expect(decodeSession('not-base64-json')).toBeNull();
    expect(decodeSession(Buffer.from(JSON.stringify({ accessToken: 'x' })).toString('base64url'))).toBeNull();
    expect(decodeSession(Buffer.from(JSON.stringify(['a', 'r', 'soon', 1])).toString('base64url'))).toBeNull();
  });

  it('exchanges one refresh token once, however many requests present it', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ...pair, refreshToken: 'ofr_next' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const results = await Promise.all([refreshSession('ofr_same'), refreshSession('ofr_same'), refreshSession('ofr_same')]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r?.refreshToken)).toEqual(['ofr_next', 'ofr_next', 'ofr_next']);
  });

  it('reports a refused refresh as no session and an API failure as an error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 401 })));
    expect(await refreshSession('ofr_revoked')).toBeNull();
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 503 })));
    await expect(refreshSession('ofr_down')).rejects.toThrow('HTTP 503');
  });
});
