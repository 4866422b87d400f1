import type { Me } from './api.types.ts';

/**
 * Who may use the console, mirroring the API's rules: platform admins for every tenant and page; a tenant's owners and
 * admins for that tenant's members, cloud accounts and schedules (the API's ADMIN_AND_UP routes). Runs, checker settings
 * and the tenant list stay with platform admins, as in the API. The portal only hides what the API would refuse anyway.
 */
const MANAGING_ROLES = new Set(['owner', 'admin']);

export function managedTenantIds(me: Me): string[] {
  return me.memberships.filter((m) => MANAGING_ROLES.has(m.role)).map((m) => m.tenantId);
}

export function managesTenant(me: Me, tenantId: string): boolean {
  return me.isPlatformAdmin || managedTenantIds(me).includes(tenantId);
}

export function canUseConsole(me: Me): boolean {
  return me.isPlatformAdmin || managedTenantIds(me).length > 0;
}
