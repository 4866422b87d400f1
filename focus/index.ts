export * from './src/catalog/focus-catalog.ts';
export * from './src/validation/validate-focus.ts';
export * from './src/validation/focus-validation.query.ts';
export * from './src/validation/focus-rules.ts';
export * from './src/validation/validate-focus-files.ts';
export * from './src/formats/format.ts';
export * from './src/formats/registry.ts';
export * from './src/import/index.ts';
