import { SetMetadata, applyDecorators } from '@nestjs/common';
import type { MemberRole } from '../generated/prisma/client.ts';

/** Every route declares who may call it; the app refuses to boot when one does not (see route-access.ts). */
export const ACCESS_METADATA = 'openfinops:access';

export type AccessDeclaration =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'platform-admin' }
  | { kind: 'roles'; roles: readonly MemberRole[] };

/** No authentication (health, login, docs). */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessDeclaration);
/** Any authenticated user or key, no tenant role needed (e.g. logout, "me"). */
export const Authenticated = () =>
  SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessDeclaration);
/** Platform administrators only (the admin API); API keys never qualify. */
export const PlatformAdmin = () =>
  SetMetadata(ACCESS_METADATA, { kind: 'platform-admin' } satisfies AccessDeclaration);
/** Tenant routes (`:tenantId`): the caller's role in that tenant must be one of these. */
export const Roles = (...roles: MemberRole[]) => {
  if (roles.length === 0) throw new Error('@Roles() needs at least one role');
  return applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessDeclaration));
};

/** Role sets used by the tenant API, highest privilege first. */
export const ANY_MEMBER: MemberRole[] = ['owner', 'admin', 'analyst', 'viewer'];
export const ANALYST_AND_UP: MemberRole[] = ['owner', 'admin', 'analyst'];
export const ADMIN_AND_UP: MemberRole[] = ['owner', 'admin'];
