export * from './focus-import.ts';
export { canonicalDecimal, toScaled, fromScaled } from './decimal-text.ts';
export { recoverInterruptedSwaps, acquireTenantLock } from './partition-swap.ts';
export { SourceInputError, collectSourceFiles, readCsvHeader, type SourceFile, type SourceManifest } from './source-files.ts';
