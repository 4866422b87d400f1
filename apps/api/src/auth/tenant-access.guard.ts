import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidTenantIdError, parseTenantId } from '@openfinops/tenants';
import type { Request } from 'express';
import { ApiError, notFound } from '../common/api-error.ts';
import { API_CONFIG } from '../common/injection-tokens.ts';
import type { ApiConfig } from '../config/api-config.ts';
import type { TenantRepository } from '../tenants/tenant.repository.ts';
import type { MembershipRepository } from '../users/membership.repository.ts';
import { accessCache } from './access-cache.ts';
import type { TtlCache } from '../common/ttl-cache.ts';
import { accessOf } from './access-metadata.ts';
import type { AuthenticatedRequestFields, TenantAccess } from './principal.ts';

export const TENANT_REPOSITORY = Symbol('TenantRepository');
export const MEMBERSHIP_REPOSITORY = Symbol('MembershipRepository');

/**
 * Second guard, for routes with `:tenantId`. A malformed id is a 400; a tenant the caller may not see is a 404 with
 * the same body as a missing one, so existence never leaks. Membership and tenant status come from the store, not
 * the token: removing a member or suspending a tenant takes effect at once, not when an access token expires.
 * Reads are kept a few seconds (AccessCache) and dropped by every change made through this process.
 */
@Injectable()
export class TenantAccessGuard implements CanActivate {
  private readonly cache: TtlCache;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(MEMBERSHIP_REPOSITORY) private readonly memberships: MembershipRepository,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.cache = accessCache(config.accessCacheMs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequestFields & { tenantIdForLog?: string }>();
    const raw = req.params?.tenantId;
    if (raw === undefined) return true;
    let tenantId: string;
    try {
      tenantId = parseTenantId(raw);
    } catch (err) {
      if (err instanceof InvalidTenantIdError) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'INVALID_TENANT_ID', err.message, { field: 'tenantId' });
      }
      throw err;
    }
    req.tenantIdForLog = tenantId;
    const access = accessOf(this.reflector, context);
    // Admin routes (platform admins) and public routes only need a well-formed id here.
    if (access?.kind !== 'roles' && access?.kind !== 'authenticated') return true;

    const principal = req.principal;
    if (!principal) throw notFound();
    let role: TenantAccess['role'];
    if (principal.kind === 'api-key') {
      if (principal.tenantId !== tenantId) throw notFound();
      role = principal.role;
    } else {
      const userId = principal.userId;
      role = await this.cache.get(`role:${tenantId}:${userId}`, () => this.memberships.roleOf(tenantId, userId));
      if (role === null && !principal.isPlatformAdmin) throw notFound();
    }
    const tenant = await this.cache.get(`tenant:${tenantId}`, () => this.tenants.get(tenantId));
    if (!tenant) throw notFound();
    if (tenant.status === 'suspended') {
      throw new ApiError(HttpStatus.FORBIDDEN, 'TENANT_SUSPENDED', `Tenant ${tenantId} is suspended`);
    }
    req.tenantAccess = { tenantId, role, tenantName: tenant.name, tenantStatus: tenant.status };
    return true;
  }
}
