export * from './store-harness.ts';
