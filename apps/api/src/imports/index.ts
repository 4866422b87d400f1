// `@openfinops/api/imports`: what a billing file import needs (the store, ImportService, the lake's FOCUS reads), without
// the package's main entry, whose NestJS app, auth and cloud connectors cost ~4.5 s of CPU to load (`finops import`).
export * from './import.service.ts';
export * from './import-state.repository.ts';
export * from './focus-lake.repository.ts';
export { openStore, storeOptionsFromEnv, type Store } from '../store/store.ts';
