export * from './imports/import.service.ts';
export * from './imports/import-state.repository.ts';
export * from './imports/focus-lake.repository.ts';
export { openStore, storeOptionsFromEnv, type Store } from './store/store.ts';
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
