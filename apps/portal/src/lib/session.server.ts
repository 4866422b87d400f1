import 'server-only';
import { cookies } from 'next/headers';
import { decodeSession, encodeSession, SESSION_COOKIE, sessionCookieOptions, type Session } from './session-codec.ts';

export { apiBaseUrl, sessionFromTokens, type Session } from './session-codec.ts';

export async function readSession(): Promise<Session | null> {
  return decodeSession((await cookies()).get(SESSION_COOKIE)?.value);
}

/** Only from server actions and route handlers (server components cannot set cookies). */
export async function writeSession(s: Session): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, encodeSession(s), sessionCookieOptions(s));
}

export async function clearSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}

