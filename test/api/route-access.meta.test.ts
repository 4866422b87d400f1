import { Controller, Get, Post } from '@nestjs/common';
import { SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants.js';
import { ThrottlerGuard } from '@nestjs/throttler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiModule } from '../../apps/api/src/app/app.module.ts';
import { Public, Roles } from '../../apps/api/src/auth/access.decorators.ts';
import { findRouteAccessViolations, listRoutes, RouteAccessError } from '../../apps/api/src/app/route-access.ts';
import { startTestApi, type TestApi } from './api-harness.ts';

@Controller('leaky')
class UndeclaredController {
  @Public()
  @Get('fine')
  fine() {
    return 'ok';
  }

  @Post('oops')
  oops() {
    return 'no access declaration';
  }
}

@Controller('reports')
class RolesWithoutTenantController {
  @Roles('viewer')
  @Get()
  list() {
    return [];
  }
}

describe('route access meta-test', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('pglite');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('finds every route of the real app and each declares its access', () => {
    const routes = listRoutes(api.app);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /health/live',
        'POST /auth/login',
        'DELETE /admin/tenants/:tenantId',
        'DELETE /admin/tenants/:tenantId/members/:userId',
        'GET /tenants/:tenantId/runs',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.filter((r) => r.access === undefined)).toEqual([]);
    expect(findRouteAccessViolations(api.app)).toEqual([]);
  });

  it('matches the routes the HTTP adapter actually mounted', () => {
    const router = (api.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
    const mounted = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`))
      // Swagger's own document routes and Nest's middleware catch-all are not controller routes.
      .filter((r) => !/\/(docs|openapi)/.test(r) && !r.endsWith(' /{*path}'));
    const declared = new Set(listRoutes(api.app).map((r) => `${r.method} ${r.path}`));
    expect(mounted.length).toBeGreaterThan(0);
    for (const route of mounted) expect(declared, route).toContain(route);
  });

  it('catches a route without an access declaration: the app refuses to boot, naming it', async () => {
    const failure = await startTestApi('pglite', {}, { controllers: [UndeclaredController] }).then(
      async (leaked) => {
        await leaked.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(RouteAccessError);
    const violations = (failure as RouteAccessError).violations;
    expect(violations.map((v) => `${v.method} ${v.path}`)).toEqual(['POST /leaky/oops']);
    expect((failure as Error).message).toMatch(/UndeclaredController\.oops/);
  });

  it('catches @Roles on a route without :tenantId', async () => {
    const failure = await startTestApi('pglite', {}, { controllers: [RolesWithoutTenantController] }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RouteAccessError);
    expect((failure as RouteAccessError).violations[0]?.problem).toMatch(/:tenantId/);
  });

  it('every constructor parameter of our guards, filters and controllers names its token (runtime has no decorator metadata)', () => {
    const definition = ApiModule.register({ config: api.config, store: api.store });
    const classes = [
      ...(definition.controllers ?? []),
      ...(definition.providers ?? []).flatMap((p) => (typeof p === 'function' ? [p] : 'useClass' in p ? [p.useClass] : [])),
    ] as Array<abstract new (...args: never[]) => unknown>;
    const missing: string[] = [];
    for (const type of classes) {
      const declared = (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) as Array<{ index: number }> | undefined) ?? [];
      const indexes = new Set(declared.map((d) => d.index));
      // Library classes (ThrottlerGuard) ship compiled metadata; ours must declare every parameter.
      if (type === ThrottlerGuard) continue;
      for (let i = 0; i < type.length; i++) if (!indexes.has(i)) missing.push(`${type.name} parameter ${i}`);
    }
    expect(classes.map((c) => c.name)).toEqual(
      expect.arrayContaining(['AuthenticationGuard', 'TenantAccessGuard', 'RolesGuard', 'HttpExceptionFilter', 'AuthController', 'HealthController', 'TenantApiController']),
    );
    expect(missing).toEqual([]);
  });
});
