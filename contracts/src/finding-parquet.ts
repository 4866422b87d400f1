import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type RecordBatch, Table as ArrowTable, tableFromIPC, tableToIPC, type Schema } from 'apache-arrow';
import { Compression, EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, readParquet, readSchema, writeParquet } from 'parquet-wasm';
import { findingSchemaMismatch, findingsToRecordBatch } from './finding-arrow.ts';
import { findingArrowSchema, type FindingRecord } from './finding-storage.schema.ts';

export interface WriteFindingsOptions {
  /**
   * Called after the temp file is fully written and fsynced, before the rename. Exists so tests can
   * stop the process at the worst moment and prove the final name never holds a partial file.
   */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** Name of the temp file for `filePath`: dot-prefixed so `*.parquet` globs never match it. */
export function findingsTempPath(filePath: string): string {
  return join(dirname(filePath), `.${basename(filePath)}.tmp-${randomBytes(8).toString('hex')}`);
}

// Long free text: min/max statistics of it never prune a read, and computing them per page is a large share of the write.
const COLUMNS_WITHOUT_STATISTICS = ['title', 'recommendation', 'evidence'];

function writerProperties() {
  // Dictionary encoding is off: the repeated columns of a run compress to almost nothing with zstd anyway, and
  // building dictionaries for the unique ones (fingerprint, finding_id, evidence) was the slowest part of the write.
  let builder = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setDictionaryEnabled(false);
  for (const column of COLUMNS_WITHOUT_STATISTICS) builder = builder.setColumnStatisticsEnabled(column, EnabledStatistics.None);
  return builder.build();
}

/** zstd parquet bytes of an Arrow table. */
export function arrowTableToParquet(table: ArrowTable): Uint8Array {
  // writeParquet consumes (frees) the wasm table.
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), writerProperties());
}

async function fsyncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms cannot open directories, which is harmless.
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `records` as one zstd parquet file with exactly `findingArrowSchema`, atomically: the
 * bytes go to `.<name>.tmp-<random>` in the same directory (created if missing), are fsynced and
 * then renamed over `filePath`. A crash leaves either the previous file or the new one, never a
 * partial file under the final name.
 */
export async function writeFindingsParquet(records: ReadonlyArray<FindingRecord>, filePath: string, options: WriteFindingsOptions = {}): Promise<void> {
  const writer = new FindingsParquetWriter(filePath, options);
  writer.append(records);
  await writer.close();
}

/**
 * One findings parquet file built from many batches of records (e.g. one batch per check run): `append` turns
 * records into an Arrow record batch at once, so only column buffers stay alive between appends, not record
 * objects; `close` writes every batch as one file, atomically, exactly as `writeFindingsParquet` would write
 * all the records at once (same schema and rows).
 */
export class FindingsParquetWriter {
  private batches: RecordBatch[] = [];
  private rows = 0;
  private closed = false;

  constructor(
    readonly filePath: string,
    private readonly options: WriteFindingsOptions = {},
  ) {}

  /** Records appended so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Validates and converts `records` now (a bad value throws naming the record); the caller may drop them. */
  append(records: ReadonlyArray<FindingRecord>): void {
    this.appendBatch(findingsToRecordBatch(records));
  }

  /** Appends a batch from `castFindingsToBatch` or `findingsToRecordBatch`; its schema must be `findingArrowSchema`. */
  appendBatch(batch: RecordBatch): void {
    if (this.closed) throw new Error(`findings writer for ${this.filePath} is closed`);
    const mismatch = batch.schema === findingArrowSchema ? null : findingSchemaMismatch(batch.schema);
    if (mismatch) throw new TypeError(`findings writer for ${this.filePath}: batch is not a findings batch: ${mismatch}`);
    if (batch.numRows === 0 && this.batches.length > 0) return;
    this.batches.push(batch);
    this.rows += batch.numRows;
  }

  /** Writes the file (an empty one when nothing was appended) and releases the batches. */
  async close(): Promise<void> {
    if (this.closed) throw new Error(`findings writer for ${this.filePath} is closed`);
    this.closed = true;
    const batches = this.batches.length > 0 ? this.batches : [findingsToRecordBatch([])];
    this.batches = [];
    await writeFileAtomically(this.filePath, arrowTableToParquet(new ArrowTable(findingArrowSchema, batches)), this.options);
  }
}

async function writeFileAtomically(filePath: string, bytes: Uint8Array, options: WriteFindingsOptions): Promise<void> {
  const dir = dirname(filePath);
  await mkdir(dir, { recursive: true });
  const tempPath = findingsTempPath(filePath);
  let renamed = false;
  try {
    const handle = await open(tempPath, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.(tempPath);
    await rename(tempPath, filePath);
    renamed = true;
    await fsyncDirectory(dir);
  } finally {
    if (!renamed) await rm(tempPath, { force: true });
  }
}

async function readFileBytes(filePath: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(filePath));
  } catch (error) {
    throw new Error(`cannot read findings parquet ${filePath}: ${(error as Error).message}`, { cause: error });
  }
}

/** Arrow schema stored in a parquet file (no row data decoded). */
export async function readParquetArrowSchema(filePath: string): Promise<Schema> {
  const bytes = await readFileBytes(filePath);
  try {
    return tableFromIPC(readSchema(bytes).intoIPCStream()).schema;
  } catch (error) {
    throw new Error(`${filePath} is not a readable parquet file: ${String(error)}`, { cause: error });
  }
}

/** Whole findings file as an Arrow table; throws naming the file if its schema is not `findingArrowSchema`. */
export async function readFindingsParquet(filePath: string): Promise<ArrowTable> {
  const bytes = await readFileBytes(filePath);
  let table: ArrowTable;
  try {
    table = tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (error) {
    throw new Error(`${filePath} is not a readable parquet file: ${String(error)}`, { cause: error });
  }
  const mismatch = findingSchemaMismatch(table.schema);
  if (mismatch) throw new Error(`${filePath} is not a findings file: ${mismatch}`);
  return table;
}
