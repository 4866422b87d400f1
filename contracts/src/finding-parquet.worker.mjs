// Parquet encoder thread for FindingsParquetWriter (finding-parquet.ts). Plain JavaScript on purpose: the CLI
// runs TypeScript through tsx's loader, which Node 20 does not install in worker threads.
//
// Protocol, per writer id: { type: 'open', id, settings } once; per appended batch either { type: 'batch', id,
// ipc, rows } (an Arrow IPC stream, transferred) or { type: 'columns', id, columns, runId, rows } (a run's cast
// columns from FindingsParquetWriter.castAndAppend: this thread adds the finding ids and builds the Arrow batch);
// then { type: 'close', id } (answered with { type: 'done', id, bytes } or { type: 'failed', id, message }) or
// { type: 'abort', id } (no answer). Each batch is built and encoded as it arrives, so that work overlaps whatever
// the main thread does next. Messages are handled strictly in order, so a writer's batches keep the order of its
// appends whichever way they came.
import { parentPort } from 'node:worker_threads';
import { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, transformParquetStream } from 'parquet-wasm';

/** Must build the same properties as writerProperties() in finding-parquet.ts (settings: FindingsParquetSettings); a test compares the bytes. */
function writerProperties(settings) {
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression[settings.compression])
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(EnabledStatistics[settings.statistics]);
  for (const column of settings.noStatistics) builder = builder.setColumnStatisticsEnabled(column, EnabledStatistics.None);
  return builder.build();
}

async function collect(stream) {
  const chunks = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.length;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

const writers = new Map();

function open(id, settings) {
  let controller;
  const input = new ReadableStream({
    start(c) {
      controller = c;
    },
  });
  const state = { controller, error: undefined, output: undefined };
  state.output = transformParquetStream(input, writerProperties(settings)).then(collect);
  // A failure is reported when the writer closes; until then it must not count as unhandled.
  state.output.catch(() => undefined);
  writers.set(id, state);
}

function append(id, ipc) {
  const state = writers.get(id);
  if (!state || state.error) return;
  try {
    const table = Table.fromIPCStream(ipc);
    for (const batch of table.recordBatches()) state.controller.enqueue(batch);
    table.free();
  } catch (error) {
    state.error = error;
  }
}

/** An empty batch is kept only as a writer's first (so an empty file still has its schema); later ones are skipped. */
function appendFirstOrRows(id, ipc, rows) {
  const state = writers.get(id);
  if (!state || (rows === 0 && state.appended)) return;
  state.appended = true;
  append(id, ipc);
}

let columnsModule;

/**
 * The finding ids and Arrow batch of cast columns come from TypeScript (finding-parquet.thread.ts and what it
 * imports), loaded through tsx's loader registered in this thread: Node 20 does not carry the main thread's
 * loader over. Loaded on the first columns message only, so a process that only appends batches never pays for it.
 */
async function loadColumnsModule() {
  if (columnsModule === undefined) {
    const { register } = await import('tsx/esm/api');
    register();
    columnsModule = await import('./finding-parquet.thread.ts');
  }
  return columnsModule;
}

async function appendColumns(message) {
  const state = writers.get(message.id);
  if (!state || state.error || (message.rows === 0 && state.appended)) return;
  try {
    const { findingColumnsToIPC } = await loadColumnsModule();
    appendFirstOrRows(message.id, findingColumnsToIPC(message.columns, message.runId), message.rows);
  } catch (error) {
    // Reported when the writer closes, like a batch the encoder refused.
    state.error = error;
  }
}

async function close(id) {
  const state = writers.get(id);
  writers.delete(id);
  if (!state) throw new Error(`no open findings writer ${id}`);
  if (state.error) {
    state.controller.error(state.error);
    throw state.error;
  }
  state.controller.close();
  return state.output;
}

function handle(message) {
  switch (message.type) {
    case 'open':
      open(message.id, message.settings);
      break;
    case 'batch':
      appendFirstOrRows(message.id, message.ipc, message.rows);
      break;
    case 'columns':
      return appendColumns(message);
    case 'close':
      close(message.id).then(
        (bytes) => parentPort.postMessage({ type: 'done', id: message.id, bytes }, [bytes.buffer]),
        (error) => parentPort.postMessage({ type: 'failed', id: message.id, message: String(error?.message ?? error) }),
      );
      break;
    case 'abort': {
      const state = writers.get(message.id);
      writers.delete(message.id);
      state?.controller.error(new Error('aborted'));
      break;
    }
    default:
      throw new Error(`unknown message type ${String(message.type)}`);
  }
  return undefined;
}

// A columns message waits for its module on first use; everything after it waits too, so the order of appends holds.
let queue = Promise.resolve();
parentPort.on('message', (message) => {
  queue = queue.then(() => handle(message));
  // A failure here is a bug of this thread: crash it, so every waiting writer hears of it.
  queue.catch((error) => setImmediate(() => {
    throw error;
  }));
});
