import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, notFound } from '../common/api-error.ts';
import { accessOf } from './access-metadata.ts';
import type { AuthenticatedRequestFields } from './principal.ts';

/** Third guard: the caller's role in the tenant (or platform-admin flag) must match the route's declaration. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = accessOf(this.reflector, context);
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequestFields>();
    switch (access?.kind) {
      case 'public':
      case 'authenticated':
        return true;
      case 'platform-admin':
        if (req.principal?.kind === 'user' && req.principal.isPlatformAdmin) return true;
        throw forbidden('Platform administrators only');
      case 'roles': {
        const tenantAccess = req.tenantAccess;
        // Declared roles without a :tenantId route is a wiring bug the boot check rejects; never allow it.
        if (!tenantAccess) throw notFound();
        // Platform administrators may do anything a tenant's owner may, whatever their own membership says.
        if (req.principal?.kind === 'user' && req.principal.isPlatformAdmin) return true;
        if (tenantAccess.role === null) return false;
        if (access.roles.includes(tenantAccess.role)) return true;
        throw forbidden(`This needs one of the roles ${access.roles.join(', ')}; you are ${tenantAccess.role}`);
      }
      default:
        throw forbidden('This route declares no access rule');
    }
  }
}
