export * from './src/catalog/focus-catalog.ts';
export * from './src/validation/validate-focus.ts';
export * from './src/validation/focus-validation.query.ts';
export * from './src/validation/focus-rules.ts';
