import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { LoggerModule } from 'nestjs-pino';
import { AdminTenantsController } from '../admin/admin-tenants.controller.ts';
import { AdminService } from '../admin/admin.service.ts';
import { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { TenantDeletionRepository } from '../admin/tenant-deletion.repository.ts';
import { ApiKeyRepository } from '../api-keys/api-key.repository.ts';
import { ApiKeyService } from '../api-keys/api-key.service.ts';
import { AuthController, USER_REPOSITORY } from '../auth/auth.controller.ts';
import { AuthService } from '../auth/auth.service.ts';
import { accessCache } from '../auth/access-cache.ts';
import { AuthenticationGuard } from '../auth/authentication.guard.ts';
import { createAuthenticator } from '../auth/authenticator.ts';
import { rateLimitKey, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { RefreshTokenRepository } from '../auth/refresh-token.repository.ts';
import { RolesGuard } from '../auth/roles.guard.ts';
import { MEMBERSHIP_REPOSITORY, TENANT_REPOSITORY, TenantAccessGuard } from '../auth/tenant-access.guard.ts';
import { HttpExceptionFilter } from '../common/http-exception.filter.ts';
import { requestLogFields, responseLogFields } from '../common/log-serializers.ts';
import { SlidingWindowThrottlerStorage } from '../common/rate-limit-storage.ts';
import { API_CONFIG, AUTHENTICATOR, STORE } from '../common/injection-tokens.ts';
import type { ApiConfig } from '../config/api-config.ts';
import { HealthController, STORE_HEALTH } from '../health/health.controller.ts';
import { StoreHealthRepository } from '../health/store-health.repository.ts';
import { RunRepository } from '../runs/run.repository.ts';
import type { Store } from '../store/store.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { MembershipRepository } from '../users/membership.repository.ts';
import { UserRepository } from '../users/user.repository.ts';
import { UserService } from '../users/user.service.ts';
import { API_KEY_REPOSITORY, RUN_REPOSITORY, TenantApiController } from './tenant-api.controller.ts';
import { TenantFindingsController } from './tenant-findings.controller.ts';
import { FindingQueryRepository } from '../findings/finding-query.repository.ts';
import { FindingStateRepository } from '../findings/finding-state.repository.ts';
import { FindingsExportService } from '../findings/findings-export.service.ts';
import { findingsCache } from '../findings/findings-cache.ts';
import { FindingsLakeRepository } from '../findings/findings-lake.repository.ts';
import { TenantFindingsService } from '../findings/tenant-findings.service.ts';
import { CostLakeRepository } from '../costs/cost-lake.repository.ts';
import { CostService } from '../costs/cost.service.ts';
import { TenantCostsController } from '../costs/tenant-costs.controller.ts';
import { SavingsRepository } from '../savings/savings.repository.ts';
import { SavingsService } from '../savings/savings.service.ts';
import { TenantSavingsController } from '../savings/tenant-savings.controller.ts';
import { LakeLayout } from '@openfinops/tenants';
import { builtinCheckers } from '@openfinops/checkers';
import { CloudAccountService } from '../accounts/cloud-account.service.ts';
import { AdminAccountsController } from '../admin/admin-accounts.controller.ts';
import { AdminCheckersController } from '../admin/admin-checkers.controller.ts';
import { AdminRunsController } from '../admin/admin-runs.controller.ts';
import { CheckerCatalogService } from '../admin/checker-catalog.service.ts';
import { TenantCheckerConfigRepository } from '../admin/tenant-checker-config.repository.ts';
import { RunLogRepository } from '../runs/run-log.repository.ts';
import { RunService } from '../runs/run.service.ts';
import { ScheduleRepository } from '../scheduler/schedule.repository.ts';
import { ScheduleService } from '../scheduler/schedule.service.ts';
import { secretBoxFor } from '../secrets/secret-box.ts';
import { RunQueueRepository } from '../workers/run-queue.repository.ts';
import { WorkerModule } from '../workers/worker.module.ts';
import type { WorkerRuntimeOptions } from '../workers/worker-runtime.ts';
import { RunDetailService } from './run-detail.service.ts';

export interface ApiModuleOptions {
  config: ApiConfig;
  store: Store;
  /** Extra controllers mounted beside the built-in ones (later phases, tests of the route-access check). */
  controllers?: Type[];
  /** The scheduler and worker loop in this process (FINOPS_ROLE=worker|all): WorkerModule is imported with these. */
  worker?: WorkerRuntimeOptions;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type LoggedRequest = Request & AuthenticatedRequestFields & { tenantIdForLog?: string };

/** Repositories and services are plain classes wired by factory: no decorator metadata needed. */
function providers(options: ApiModuleOptions) {
  const { config } = options;
  const prisma = () => options.store.prisma;
  const layout = new LakeLayout(config.dataDir);
  return [
    { provide: API_CONFIG, useValue: config },
    { provide: STORE, useValue: options.store },
    { provide: USER_REPOSITORY, useFactory: () => new UserRepository(prisma()) },
    { provide: MEMBERSHIP_REPOSITORY, useFactory: () => new MembershipRepository(prisma()) },
    { provide: TENANT_REPOSITORY, useFactory: () => new TenantRepository(prisma()) },
    { provide: RUN_REPOSITORY, useFactory: () => new RunRepository(prisma()) },
    { provide: STORE_HEALTH, useFactory: () => new StoreHealthRepository(prisma()) },
    { provide: AuditLogRepository, useFactory: () => new AuditLogRepository(prisma()) },
    { provide: FindingQueryRepository, useFactory: () => new FindingQueryRepository(prisma()) },
    {
      provide: TenantFindingsService,
      useFactory: (query: FindingQueryRepository, audit: AuditLogRepository) =>
        new TenantFindingsService(query, new FindingStateRepository(prisma()), new FindingsLakeRepository(layout), audit, undefined, findingsCache(config.findingsCacheMs)),
      inject: [FindingQueryRepository, AuditLogRepository],
    },
    { provide: FindingsExportService, useFactory: (query: FindingQueryRepository) => new FindingsExportService(query), inject: [FindingQueryRepository] },
    { provide: CostLakeRepository, useFactory: () => new CostLakeRepository(layout, { versionCacheMs: config.lakeVersionCacheMs }) },
    { provide: CostService, useFactory: (lake: CostLakeRepository) => new CostService(lake, { cacheEntries: config.costCacheEntries }), inject: [CostLakeRepository] },
    { provide: SavingsService, useFactory: () => new SavingsService(new SavingsRepository(prisma())) },
    {
      provide: RunService,
      useFactory: (runs: RunRepository, audit: AuditLogRepository) => new RunService(runs, new RunQueueRepository(prisma()), new RunLogRepository(prisma()), audit),
      inject: [RUN_REPOSITORY, AuditLogRepository],
    },
    { provide: RunDetailService, useFactory: (runs: RunService) => new RunDetailService(runs), inject: [RunService] },
    {
      provide: ScheduleService,
      useFactory: (audit: AuditLogRepository) => new ScheduleService(prisma(), new ScheduleRepository(prisma()), audit),
      inject: [AuditLogRepository],
    },
    {
      provide: CloudAccountService,
      // The connectors pull in three cloud SDKs (seconds of import time): loaded when the app starts, not whenever
      // a CLI command imports @openfinops/api.
      useFactory: async () => {
        const { defaultConnectorRegistry } = await import('../connectors/connector-registry.ts');
        return new CloudAccountService(options.store, secretBoxFor(config.secretKeys, { dataDir: config.dataDir }), defaultConnectorRegistry(), {
          awsPrincipalArn: config.awsPrincipalArn,
        });
      },
    },
    {
      provide: CheckerCatalogService,
      useFactory: (tenants: TenantRepository, audit: AuditLogRepository) =>
        new CheckerCatalogService(builtinCheckers, new TenantCheckerConfigRepository(prisma()), tenants, audit),
      inject: [TENANT_REPOSITORY, AuditLogRepository],
    },
    { provide: API_KEY_REPOSITORY, useFactory: () => new ApiKeyRepository(prisma()) },
    {
      provide: ApiKeyService,
      useFactory: (keys: ApiKeyRepository, audit: AuditLogRepository) => new ApiKeyService(keys, audit, undefined, accessCache(config.accessCacheMs)),
      inject: [API_KEY_REPOSITORY, AuditLogRepository],
    },
    {
      provide: AuthService,
      useFactory: (users: UserRepository) => new AuthService(config, users, new RefreshTokenRepository(prisma())),
      inject: [USER_REPOSITORY],
    },
    {
      provide: AUTHENTICATOR,
      useFactory: (users: UserRepository, keys: ApiKeyService) => createAuthenticator(config, users, keys),
      inject: [USER_REPOSITORY, ApiKeyService],
    },
    {
      provide: UserService,
      useFactory: (users: UserRepository, members: MembershipRepository, tenants: TenantRepository, audit: AuditLogRepository) =>
        new UserService(users, members, tenants, audit),
      inject: [USER_REPOSITORY, MEMBERSHIP_REPOSITORY, TENANT_REPOSITORY, AuditLogRepository],
    },
    {
      provide: AdminService,
      useFactory: (
        tenants: TenantRepository,
        users: UserRepository,
        members: MembershipRepository,
        userService: UserService,
        audit: AuditLogRepository,
      ) => new AdminService(tenants, new TenantDeletionRepository(prisma()), users, members, userService, audit, config.dataDir),
      inject: [TENANT_REPOSITORY, USER_REPOSITORY, MEMBERSHIP_REPOSITORY, UserService, AuditLogRepository],
    },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    // Guard order matters: who is calling, how fast, may they see this tenant, may their role do this.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: TenantAccessGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ];
}

@Module({})
export class ApiModule {
  static register(options: ApiModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: ApiModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute },
            {
              name: 'login',
              ttl: 60_000,
              limit: config.loginRateLimitPerMinute,
              skipIf: (context) => context.getHandler() !== AuthController.prototype.login,
            },
          ],
          getTracker: (req) => rateLimitKey((req as LoggedRequest).principal, (req as LoggedRequest).ip),
          // A budget per caller and route, as the library's default key, without its per-request SHA-256.
          generateKey: (context, tracker, name) => `${name}\u0000${context.getClass().name}.${context.getHandler().name}\u0000${tracker}`,
          storage: new SlidingWindowThrottlerStorage(),
        }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => {
              const incoming = req.headers['x-request-id'];
              const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            // Evaluated again when the response finishes, after the tenant guard has validated the id.
            customProps: (req) => {
              const tenantId = (req as LoggedRequest).tenantIdForLog;
              return tenantId ? { tenantId } : {};
            },
            // An allow-list rather than redaction: credentials (Authorization, cookies, Set-Cookie) never reach a log
            // line because no header but the user agent is kept, and the per-request redaction pass is saved.
            serializers: { req: requestLogFields, res: responseLogFields },
          },
          assignResponse: true,
        }),
        ...(options.worker ? [WorkerModule.register(options.worker)] : []),
      ],
      controllers: [
        HealthController,
        AuthController,
        AdminTenantsController,
        TenantApiController,
        TenantFindingsController,
        TenantCostsController,
        TenantSavingsController,
        AdminCheckersController,
        AdminAccountsController,
        AdminRunsController,
        ...(options.controllers ?? []),
      ],
      providers: providers(options),
    };
  }
}
