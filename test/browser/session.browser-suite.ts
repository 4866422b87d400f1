import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type PortalStack, signedInPage } from './portal-stack.ts';

/** The portal's session cookie: base64url JSON `[accessToken, refreshToken, accessExpiresAt, refreshExpiresAt]`. */
type SessionParts = [string, string, number, number];
const COOKIE = 'ofs_session';

async function readSession(context: BrowserContext): Promise<SessionParts> {
  const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
  if (!cookie) throw new Error(`no ${COOKIE} cookie`);
  return JSON.parse(Buffer.from(cookie.value, 'base64url').toString('utf8')) as SessionParts;
}

/** Replaces the cookie the way a browser would keep it after the access token's lifetime has run out. */
async function writeSession(context: BrowserContext, portalUrl: string, parts: SessionParts): Promise<void> {
  const value = Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
  await context.addCookies([{ name: COOKIE, value, url: portalUrl, httpOnly: true, sameSite: 'Lax' }]);
}

function setCookieValue(header: string | undefined): string | undefined {
  return /ofs_session=([^;]*)/.exec(header ?? '')?.[1];
}

export function sessionTests(stackOf: () => PortalStack): void {
  describe('session refresh', () => {
    it('an expired access token is refreshed transparently, once for concurrent requests', async () => {
      const stack = stackOf();
      const page = await signedInPage(stack, stack.users.analyst);
      const context = page.context();
      const [, refreshToken, , refreshExpiresAt] = await readSession(context);
      // Not a token at all and past its expiry: a page rendered without a refresh would get the API's 401 and
      // redirect to sign-in, so a 200 below means the proxy exchanged the refresh token first.
      await writeSession(context, stack.portalUrl, ['expired-access-token', refreshToken, Date.now() - 1000, refreshExpiresAt]);

      const paths = ['/t/demo', '/t/demo/findings', '/t/demo/savings', '/t/demo/costs'];
      const responses = await Promise.all(paths.map((p) => context.request.get(`${stack.portalUrl}${p}`, { maxRedirects: 0 })));
      expect(responses.map((r) => r.status())).toEqual(paths.map(() => 200));
      const renewed = responses.map((r) => setCookieValue(r.headers()['set-cookie']));
      expect(renewed.every((v) => v !== undefined)).toBe(true);
      // One exchange: every response hands out the same new pair. Two exchanges of one refresh token would also
      // make the API revoke the whole family (reuse detection), which the navigation below would run into.
      expect(new Set(renewed).size).toBe(1);

      const [accessToken, newRefresh, accessExpiresAt] = await readSession(context);
      expect(accessToken).not.toBe('expired-access-token');
      expect(newRefresh).not.toBe(refreshToken);
      expect(accessExpiresAt).toBeGreaterThan(Date.now());
      const res = await page.goto(`${stack.portalUrl}/t/demo/findings`);
      expect(res?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/t/demo/findings');
      await context.close();
    });

    it('a revoked refresh token sends the user to sign in and clears the cookie', async () => {
      const stack = stackOf();
      const page = await signedInPage(stack, stack.users.analyst);
      const context = page.context();
      const [accessToken, refreshToken, , refreshExpiresAt] = await readSession(context);
      // Signing out elsewhere (or a detected token theft) revokes the family this refresh token belongs to.
      const logout = await fetch(`${stack.apiUrl}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
      expect(logout.ok).toBe(true);
      await writeSession(context, stack.portalUrl, [accessToken, refreshToken, Date.now() - 1000, refreshExpiresAt]);

      await page.goto(`${stack.portalUrl}/t/demo/findings`);
      const url = new URL(page.url());
      expect(url.pathname).toBe('/login');
      expect(url.searchParams.get('expired')).toBe('1');
      expect(url.searchParams.get('next')).toBe('/t/demo/findings');
      expect((await context.cookies()).some((c) => c.name === COOKIE)).toBe(false);
      expect(await page.getByText('Your session ended').count()).toBe(1);
      await context.close();
    });
  });
}
