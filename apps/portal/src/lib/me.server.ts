import 'server-only';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { api, tenantPath } from './api-client.server.ts';
import type { Me, TenantInfo } from './api.types.ts';

/** Who is signed in, fetched once per request however many layouts and pages ask. */
export const getMe = cache(() => api<Me>('/auth/me'));

/** The tenant with the caller's role there (null for platform admins who are not members). */
export const getTenant = cache((tenantId: string) => api<TenantInfo>(tenantPath(tenantId)));

/** Suppress and reopen need analyst or above; platform admins may act on any tenant. */
export async function canTriage(tenantId: string): Promise<boolean> {
  const [me, tenant] = await Promise.all([getMe(), getTenant(tenantId)]);
  return me.isPlatformAdmin || tenant.role === 'owner' || tenant.role === 'admin' || tenant.role === 'analyst';
}

/** Console pages the API keeps for platform admins: everyone else gets the same 404 as for a page that does not exist. */
export async function requirePlatformAdmin(): Promise<void> {
  if (!(await getMe()).isPlatformAdmin) notFound();
}
