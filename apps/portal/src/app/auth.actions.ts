'use server';
import { redirect } from 'next/navigation';
import type { TokenPair } from '../lib/api.types.ts';
import { apiBaseUrl, clearSession, readSession, sessionFromTokens, writeSession } from '../lib/session.server.ts';

export interface SignInState {
  error: string | null;
  email: string;
}

/** Only same-site paths are followed after sign-in (no open redirect through `next`). */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === 'string' ? value : '';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export async function signIn(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };
  let res: Response;
  try {
    res = await fetch(`${apiBaseUrl()}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      cache: 'no-store',
    });
  } catch {
    return { error: `The API at ${apiBaseUrl()} is not answering. Is it running?`, email };
  }
  if (res.status === 401) return { error: 'Email or password is not correct.', email };
  if (res.status === 429) return { error: 'Too many sign-in attempts. Wait a minute and try again.', email };
  if (!res.ok) return { error: `Sign-in failed (HTTP ${res.status}).`, email };
  await writeSession(sessionFromTokens((await res.json()) as TokenPair));
  redirect(safeNext(form.get('next')));
}

/** Revokes the refresh-token family at the API, then forgets the cookie; signing out works even if the API is down. */
export async function signOut(): Promise<void> {
  const session = await readSession();
  if (session) {
    await fetch(`${apiBaseUrl()}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
      cache: 'no-store',
    }).catch(() => undefined);
  }
  await clearSession();
  redirect('/login');
}
