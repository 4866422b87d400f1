import { type NextRequest, NextResponse } from 'next/server';
import { decodeSession, encodeSession, REFRESH_MARGIN_MS, refreshSession, SESSION_COOKIE, sessionCookieOptions } from './lib/session-codec.ts';

function toLogin(request: NextRequest, clear: boolean): NextResponse {
  const url = new URL('/login', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') url.searchParams.set('next', next);
  if (clear) url.searchParams.set('expired', '1');
  const res = NextResponse.redirect(url);
  if (clear) res.cookies.delete(SESSION_COOKIE);
  return res;
}

/**
 * Every page needs a session. A token about to expire is refreshed here, the one place that can both hand the new
 * tokens to this request's server components (request cookie) and store them in the browser (response cookie).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const session = decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
  if (!session || session.refreshExpiresAt <= Date.now()) return toLogin(request, session !== null);
  if (session.accessExpiresAt - Date.now() > REFRESH_MARGIN_MS) return NextResponse.next();

  let renewed;
  try {
    renewed = await refreshSession(session.refreshToken);
  } catch {
    // The API is down: let the page render its own "API unreachable" state rather than signing the user out.
    return NextResponse.next();
  }
  if (!renewed) return toLogin(request, true);
  const value = encodeSession(renewed);
  request.cookies.set(SESSION_COOKIE, value);
  const res = NextResponse.next({ request: { headers: request.headers } });
  res.cookies.set(SESSION_COOKIE, value, sessionCookieOptions(renewed));
  return res;
}

export const config = {
  // Sign-in, Next's assets and the favicon need no session.
  matcher: ['/((?!login|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
