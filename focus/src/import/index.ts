export * from './focus-import.ts';
export { canonicalDecimal, toScaled, fromScaled } from './decimal-text.ts';
export { recoverInterruptedSwaps, acquireTenantLock } from './partition-swap.ts';
export { SourceInputError, collectSourceFiles, probeJsonFile, readCsvHeader, type JsonProbe, type SourceFile, type SourceManifest } from './source-files.ts';
export { fastDecimalCasts } from './decimal-cast.ts';
