export * from './imports/import.service.ts';
export * from './imports/import-state.repository.ts';
export * from './imports/focus-lake.repository.ts';
export { openStore, storeOptionsFromEnv, type Store } from './store/store.ts';
export * from './checks/check-runner.service.ts';
export * from './findings/finding-lifecycle.ts';
export * from './findings/finding-state.repository.ts';
export * from './findings/findings-lake.repository.ts';
export * from './findings/findings.service.ts';
export {
  migrateStore,
  storeKindFor,
  StoreLockedError,
  StoreNotMigratedError,
  type MigrateStoreResult,
  type MigrationOptions,
  type StoreOptions,
} from './store/store.ts';
export * from './store/migrator.ts';
export * from './store/run-id.ts';
export {
  connectPostgres,
  describePostgresUrl,
  InvalidDatabaseUrlError,
  StoreConnectionError,
  type SqlConnection,
  type StoreKind,
} from './store/sql-connection.ts';
export * from './tenants/tenant.errors.ts';
export * from './tenants/tenant.repository.ts';
export * from './tenants/tenant.service.ts';
export * from './runs/run.repository.ts';
// NestJS API (apps/api/src/app, auth, users, api-keys, admin, config, common, health)
export * from './config/api-config.ts';
export { startApiServer, type RunningApi } from './app/server.ts';
export { runApiCluster, type ApiClusterOptions } from './app/api-cluster.ts';
export { createApiApp, buildOpenApiDocument, type ApiApp } from './app/create-app.ts';
export type { ApiModuleOptions } from './app/app.module.ts';
export * from './app/route-access.ts';
export * from './auth/access.decorators.ts';
export type { Principal, TenantAccess } from './auth/principal.ts';
export { hashPassword, verifyPassword, generateOneTimePassword, MIN_PASSWORD_LENGTH } from './auth/password.ts';
export { AuthService, AuthenticationFailedError, type TokenPair, type AccessTokenClaims } from './auth/auth.service.ts';
export { RefreshTokenRepository } from './auth/refresh-token.repository.ts';
export * from './users/user.repository.ts';
export * from './users/membership.repository.ts';
export * from './users/user.service.ts';
export * from './api-keys/api-key-format.ts';
export * from './api-keys/api-key.repository.ts';
export * from './api-keys/api-key.service.ts';
export * from './admin/audit-log.repository.ts';
export * from './admin/admin.service.ts';
export { ApiError, type ApiErrorBody, type ApiErrorCode } from './common/api-error.ts';
// Cloud accounts, secrets and billing connectors (issue 5)
export * from './secrets/secret-box.ts';
export * from './secrets/redact.ts';
export * from './accounts/cloud-account-options.ts';
export * from './accounts/cloud-account.service.ts';
export { CloudAccountRepository } from './accounts/cloud-account.repository.ts';
export * from './connectors/billing-connector.ts';
export * from './connectors/connector-registry.ts';
export * from './connectors/connector-import.service.ts';
export * from './connectors/aws/aws-s3-billing.connector.ts';
// Scheduler, run queue and workers (apps/api/src/scheduler, runs, workers)
export * from './runs/run.service.ts';
export * from './runs/run-log.repository.ts';
export * from './scheduler/cron.ts';
export * from './scheduler/schedule.repository.ts';
export * from './scheduler/schedule.service.ts';
export * from './scheduler/scheduler.service.ts';
export * from './runs/run-log-retention.service.ts';
export * from './workers/backoff.ts';
export * from './workers/job-handlers.ts';
export * from './workers/default-job-handlers.ts';
export * from './workers/run-logger.ts';
export * from './workers/run-queue.repository.ts';
export * from './workers/worker-config.ts';
export * from './workers/worker-runtime.ts';
export * from './workers/worker.module.ts';
export * from './workers/worker.service.ts';
export * from './workers/connector-job-deps.ts';
