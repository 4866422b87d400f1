import type { MemberRole } from '../generated/prisma/client.ts';

/** Who is calling, after authentication. Tenant access is decided per request against the store, not the token. */
export type Principal =
  | { kind: 'user'; userId: string; email: string; isPlatformAdmin: boolean; via: 'password' | 'oidc' }
  | { kind: 'api-key'; keyId: string; tenantId: string; role: MemberRole; scopes: string[] };

/** Set by the tenant guard for `:tenantId` routes. */
export interface TenantAccess {
  tenantId: string;
  /** The caller's role; null for a platform admin who is not a member (full access, audited as the admin). */
  role: MemberRole | null;
  tenantName: string;
  tenantStatus: string;
}

export interface AuthenticatedRequestFields {
  principal?: Principal;
  tenantAccess?: TenantAccess;
}

export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `apikey:${principal.keyId}`;
}

export function rateLimitKey(principal: Principal | undefined, ip: string | undefined): string {
  if (principal?.kind === 'user') return `user:${principal.userId}`;
  if (principal?.kind === 'api-key') return `apikey:${principal.keyId}`;
  return `ip:${ip ?? 'unknown'}`;
}
