import 'server-only';
import { redirect } from 'next/navigation';
import { apiBaseUrl, readSession } from './session.server.ts';

/** The API's error body `{ error: { code, message, details } }`, kept whole so pages can say what went wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiError(res.status, body.error.code, body.error.message ?? res.statusText, body.error.details);
  } catch {
    // Not our error body (a proxy in between, or an older API): report the status line.
  }
  return new ApiError(res.status, `HTTP_${res.status}`, `${res.status} ${res.statusText}`.trim());
}

/**
 * Calls the API with the session's access token. Without a session, or when the API no longer accepts it (revoked,
 * user disabled), the user goes back to sign in; the proxy has already refreshed a token that was about to expire.
 */
export async function apiFetch(path: string, init: { method?: string; query?: Query; body?: unknown } = {}): Promise<Response> {
  const session = await readSession();
  if (!session) redirect('/login');
  let res: Response;
  try {
    res = await fetch(`${apiBaseUrl()}${withQuery(path, init.query)}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(503, 'API_UNREACHABLE', `The API at ${apiBaseUrl()} did not answer (${(err as Error).message})`);
  }
  if (res.status === 401) redirect('/login?expired=1');
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function api<T>(path: string, init: { method?: string; query?: Query; body?: unknown } = {}): Promise<T> {
  const res = await apiFetch(path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** For pages that show a section per endpoint: one failing endpoint becomes that section's error state. */
export async function attempt<T>(work: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err };
    throw err;
  }
}

export function tenantPath(tenantId: string, rest = ''): string {
  return `/tenants/${encodeURIComponent(tenantId)}${rest}`;
}

/** The operator API of one tenant (`/admin/tenants/:id…`). */
export function adminTenantPath(tenantId: string, rest = ''): string {
  return `/admin/tenants/${encodeURIComponent(tenantId)}${rest}`;
}
