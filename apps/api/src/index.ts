export * from './imports/import.service.ts';
export * from './imports/import-state.repository.ts';
export * from './imports/focus-lake.repository.ts';
export { openStore, storeOptionsFromEnv, type Store } from './store/store.ts';
