export * from './src/tenant-id.ts';
export * from './src/data-dir.ts';
export * from './src/lake-layout.ts';
