import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_METADATA, type AccessDeclaration } from '../auth/access.decorators.ts';

export interface RouteAccess {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: AccessDeclaration | undefined;
}

export interface RouteAccessViolation extends RouteAccess {
  problem: string;
}

function joinPath(...parts: Array<string | string[] | undefined>): string {
  const segments = parts
    .map((p) => (Array.isArray(p) ? (p[0] ?? '') : (p ?? '')))
    .flatMap((p) => p.split('/'))
    .filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}

/** Every HTTP route the app's controllers expose, read from Nest's module container (what the router mounts). */
export function listRoutes(app: INestApplicationContext): RouteAccess[] {
  const routes: RouteAccess[] = [];
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller || typeof controller !== 'function') continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
      const classAccess = Reflect.getMetadata(ACCESS_METADATA, controller) as AccessDeclaration | undefined;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor') continue;
        const handler = proto[name];
        if (typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        routes.push({
          method: RequestMethod[method ?? RequestMethod.GET] ?? 'GET',
          path: joinPath(base, path),
          controller: controller.name,
          handler: name,
          access: (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessDeclaration | undefined) ?? classAccess,
        });
      }
    }
  }
  return routes;
}

/**
 * Routes whose access is undeclared or cannot be enforced: tenant roles need a `:tenantId` segment for the tenant
 * guard to check membership against.
 */
export function findRouteAccessViolations(app: INestApplicationContext): RouteAccessViolation[] {
  const violations: RouteAccessViolation[] = [];
  for (const route of listRoutes(app)) {
    if (!route.access) {
      violations.push({ ...route, problem: 'declares no access (@Public, @Authenticated, @PlatformAdmin or @Roles)' });
    } else if (route.access.kind === 'roles' && !/\/:tenantId(\/|$)/.test(route.path)) {
      violations.push({ ...route, problem: '@Roles needs a :tenantId route parameter' });
    }
  }
  return violations;
}

export class RouteAccessError extends Error {
  readonly code = 'ROUTE_ACCESS_UNDECLARED';
  constructor(readonly violations: RouteAccessViolation[]) {
    super(
      `Refusing to start: ${violations.length} route(s) without an enforceable access declaration: ` +
        violations.map((v) => `${v.method} ${v.path} (${v.controller}.${v.handler}: ${v.problem})`).join('; '),
    );
    this.name = 'RouteAccessError';
  }
}

export function assertRouteAccessDeclared(app: INestApplicationContext): void {
  const violations = findRouteAccessViolations(app);
  if (violations.length > 0) throw new RouteAccessError(violations);
}
