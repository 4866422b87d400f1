export * from './src/catalog/focus-catalog.ts';
