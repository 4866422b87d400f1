export * from './src/decimal.ts';
export * from './src/finding.schema.ts';
export * from './src/fingerprint.ts';
export * from './src/finding-storage.schema.ts';
export * from './src/finding-cast.ts';
export * from './src/finding-arrow.ts';
export * from './src/finding-parquet.ts';
export * from './src/savings-totals.ts';
