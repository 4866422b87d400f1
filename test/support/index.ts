export * from './store-harness.ts';
export * from './wait-for.ts';
