import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type RecordBatch, Table as ArrowTable, tableFromIPC, tableToIPC, type Schema } from 'apache-arrow';
import { Compression, EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, readParquet, readSchema, writeParquet } from 'parquet-wasm';
import { type FindingColumns, findingSchemaMismatch, findingsToRecordBatch } from './finding-arrow.ts';
import { type BatchCastOptions, type CastContext, castFindingsToColumns, type FindingRejection } from './finding-cast.ts';
import { packFindingColumns } from './finding-parquet.thread.ts';
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

/**
 * How a findings file is encoded, as plain data: the encoder thread (`finding-parquet.worker.mjs`) builds its
 * writer properties from the same object, and a test compares the two writers' bytes.
 */
export interface FindingsParquetSettings {
  compression: 'LZ4_RAW' | 'ZSTD';
  /** Row-group min/max statistics (what DuckDB prunes with); no per-page index, which it does not read. */
  statistics: 'Chunk';
  /** Columns without statistics: unique values (hashes) or long free text, whose min/max never prune a read. */
  noStatistics: readonly string[];
}

const NO_STATISTICS = ['fingerprint', 'finding_id', 'title', 'recommendation', 'evidence', 'tags', 'discriminator', 'exclusion_group'];

/**
 * The lake's findings files: LZ4_RAW, not zstd. Every check run writes them and the lake only reads them, and zstd's
 * entropy stage spent ~30 ms of CPU per 9k findings (about half of it on the incompressible hex of `fingerprint`
 * and `finding_id`), more than half the cost of writing a run's file, to make it ~45 % smaller (bench/checkers/README.md).
 */
export const LAKE_FINDINGS_PARQUET: FindingsParquetSettings = Object.freeze({ compression: 'LZ4_RAW', statistics: 'Chunk', noStatistics: NO_STATISTICS });

/** Findings files that leave the lake (exports, downloaded once): zstd, the smaller file. */
export const EXPORT_FINDINGS_PARQUET: FindingsParquetSettings = Object.freeze({ compression: 'ZSTD', statistics: 'Chunk', noStatistics: NO_STATISTICS });

function writerProperties(settings: FindingsParquetSettings) {
  // Dictionary encoding is off: the repeated columns of a run compress to almost nothing anyway, and building
  // dictionaries for the unique ones (fingerprint, finding_id, evidence) was the slowest part of the write.
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression[settings.compression])
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(EnabledStatistics[settings.statistics]);
  for (const column of settings.noStatistics) builder = builder.setColumnStatisticsEnabled(column, EnabledStatistics.None);
  return builder.build();
}

/** Parquet bytes of an Arrow table (the lake's encoding unless told otherwise). */
export function arrowTableToParquet(table: ArrowTable, settings: FindingsParquetSettings = LAKE_FINDINGS_PARQUET): Uint8Array {
  // writeParquet consumes (frees) the wasm table.
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), writerProperties(settings));
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
 * Writes `records` as one parquet file (`LAKE_FINDINGS_PARQUET`) with exactly `findingArrowSchema`, atomically: the
 * bytes go to `.<name>.tmp-<random>` in the same directory (created if missing), are fsynced and
 * then renamed over `filePath`. A crash leaves either the previous file or the new one, never a
 * partial file under the final name.
 */
export async function writeFindingsParquet(records: ReadonlyArray<FindingRecord>, filePath: string, options: WriteFindingsOptions = {}): Promise<void> {
  const writer = new FindingsParquetWriter(filePath, options);
  writer.append(records);
  await writer.close();
}

function assertFindingsBatch(batch: RecordBatch, where: string): void {
  const mismatch = batch.schema === findingArrowSchema ? null : findingSchemaMismatch(batch.schema);
  if (mismatch) throw new TypeError(`${where}: batch is not a findings batch: ${mismatch}`);
}

/**
 * One record batch (e.g. `castFindingsToBatch(...).batch`) encoded on this thread and written atomically as
 * `writeFindingsParquet` writes: for callers already off the main thread (the inventory check workers), where
 * handing the batch to the encoder thread would only add a copy. Same bytes as a `FindingsParquetWriter` given
 * this one batch.
 */
export async function writeFindingsBatch(batch: RecordBatch, filePath: string, options: WriteFindingsOptions = {}): Promise<void> {
  assertFindingsBatch(batch, `findings file ${filePath}`);
  await writeFileAtomically(filePath, arrowTableToParquet(new ArrowTable(findingArrowSchema, [batch])), options);
}

/**
 * The one parquet encoder thread of the process (`finding-parquet.worker.mjs`), started on first use. It holds
 * the event loop open only while a close waits for its bytes, so a writer that is never closed cannot keep the
 * process alive.
 */
class EncoderThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  private closing = 0;

  private start(): Worker {
    const worker = new Worker(new URL('./finding-parquet.worker.mjs', import.meta.url));
    worker.on('message', (message: { type: 'done'; id: number; bytes: Uint8Array } | { type: 'failed'; id: number; message: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'done') waiter?.resolve(message.bytes);
      else waiter?.reject(new Error(`parquet encoder: ${message.message}`));
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      // Writers still open on the dead thread lose their batches; each one's close() reports it.
      this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => fail(new Error(`parquet encoder thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new Error(`parquet encoder thread exited with code ${code}`)));
    worker.unref();
    return worker;
  }

  /** Opens a writer on the thread; returns its id and the thread it lives on (a restarted thread does not know it). */
  openWriter(): { id: number; worker: Worker } {
    this.worker ??= this.start();
    const id = this.nextId++;
    this.worker.postMessage({ type: 'open', id, settings: LAKE_FINDINGS_PARQUET });
    return { id, worker: this.worker };
  }

  append(worker: Worker, id: number, ipc: Uint8Array, rows: number): void {
    // Transferred, not copied, when the bytes own their buffer (tableToIPC's do).
    const owned = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
    worker.postMessage({ type: 'batch', id, ipc: owned, rows }, [owned.buffer as ArrayBuffer]);
  }

  /** Posts a run's cast columns (see `FindingsParquetWriter.castAndAppend`); their typed arrays move to the thread. */
  appendColumns(worker: Worker, id: number, columns: FindingColumns, runId: string): void {
    const { packed, transfer } = packFindingColumns(columns);
    worker.postMessage({ type: 'columns', id, columns: packed, runId, rows: columns.length }, transfer);
  }

  async closeWriter(worker: Worker, id: number): Promise<Uint8Array> {
    if (worker !== this.worker) throw new Error('parquet encoder thread failed before the writer closed');
    if (this.closing++ === 0) worker.ref();
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'close', id });
      });
    } finally {
      if (--this.closing === 0) this.worker?.unref();
    }
  }

  abortWriter(worker: Worker, id: number): void {
    if (worker === this.worker) worker.postMessage({ type: 'abort', id });
  }
}

const encoder = new EncoderThread();

/** What `FindingsParquetWriter.castAndAppend` reports of one run's findings. */
export interface BatchAppendResult {
  /** Rows appended: the valid findings. */
  rows: number;
  rejected: FindingRejection[];
}

/**
 * One findings parquet file built from many batches (e.g. one batch per check run). Each batch is handed to the
 * parquet encoder thread as it is appended (as Arrow IPC bytes, transferred), so the encoding overlaps the caller's
 * next checks instead of all happening in `close`; only the encoder's column pages stay alive between appends.
 * `close` writes the file atomically, byte for byte what `arrowTableToParquet` makes of all the batches at once.
 */
export class FindingsParquetWriter {
  private readonly thread: { id: number; worker: Worker };
  private rows = 0;
  private closed = false;

  constructor(
    readonly filePath: string,
    private readonly options: WriteFindingsOptions = {},
  ) {
    this.thread = encoder.openWriter();
  }

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
    assertFindingsBatch(batch, `findings writer for ${this.filePath}`);
    // The thread keeps an empty batch only as the writer's first, whichever way the earlier ones arrived.
    encoder.append(this.thread.worker, this.thread.id, tableToIPC(new ArrowTable(findingArrowSchema, [batch]), 'stream'), batch.numRows);
    this.rows += batch.numRows;
  }

  /**
   * `appendBatch(castFindingsToBatch(inputs, ctx, options).batch)`, returning what the cast returns, with the
   * per-column half of the cast (finding ids, Arrow buffers) done on the encoder thread: this thread validates,
   * fingerprints and collects the column values, the encoder thread builds and encodes the batch while the caller
   * goes on. Same rejections, `onAccepted` and `onColumns` calls (before this returns), thrown errors and file bytes as the
   * in-process path (`appendBatch(castFindingsToBatch(...).batch)`, which callers that want the whole cast on their own
   * thread still use; the bench's `--cast batch`).
   */
  castAndAppend(inputs: unknown[], ctx: CastContext, options: BatchCastOptions = {}): BatchAppendResult {
    if (this.closed) throw new Error(`findings writer for ${this.filePath} is closed`);
    const { columns, rejected, accepted } = castFindingsToColumns(inputs, ctx, options.onAccepted !== undefined);
    // As castFindingsToBatch: the callback runs once the rows are complete, and a throw leaves nothing appended.
    if (accepted) for (const finding of accepted) options.onAccepted!(finding);
    options.onColumns?.(columns);
    encoder.appendColumns(this.thread.worker, this.thread.id, columns, ctx.runId);
    this.rows += columns.length;
    return { rows: columns.length, rejected };
  }

  /** Writes the file (an empty one when nothing was appended) and releases the encoder's state. */
  async close(): Promise<void> {
    if (this.closed) throw new Error(`findings writer for ${this.filePath} is closed`);
    // Kept by the thread only when nothing else was: an empty file still has the schema.
    this.appendBatch(findingsToRecordBatch([]));
    this.closed = true;
    const bytes = await encoder.closeWriter(this.thread.worker, this.thread.id);
    await writeFileAtomically(this.filePath, bytes, this.options);
  }

  /** Drops everything appended without writing a file (for a run that failed before its findings were complete). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    encoder.abortWriter(this.thread.worker, this.thread.id);
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
