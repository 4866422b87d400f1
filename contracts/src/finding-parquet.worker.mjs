// Parquet encoder thread for FindingsParquetWriter (finding-parquet.ts). Plain JavaScript on purpose: the CLI
// runs TypeScript through tsx's loader, which Node 20 does not install in worker threads.
//
// Protocol, per writer id: { type: 'open', id, noStatistics } once, { type: 'batch', id, ipc } per appended
// record batch (an Arrow IPC stream, transferred), then { type: 'close', id } (answered with { type: 'done', id,
// bytes } or { type: 'failed', id, message }) or { type: 'abort', id } (no answer). Each batch is encoded as it
// arrives, so the encoding overlaps whatever the main thread does next.
import { parentPort } from 'node:worker_threads';
import { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, transformParquetStream } from 'parquet-wasm';

/** Must build the same properties as writerProperties() in finding-parquet.ts; a test compares the bytes. */
function writerProperties(noStatistics) {
  let builder = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setDictionaryEnabled(false);
  for (const column of noStatistics) builder = builder.setColumnStatisticsEnabled(column, EnabledStatistics.None);
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

function open(id, noStatistics) {
  let controller;
  const input = new ReadableStream({
    start(c) {
      controller = c;
    },
  });
  const state = { controller, error: undefined, output: undefined };
  state.output = transformParquetStream(input, writerProperties(noStatistics)).then(collect);
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

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'open':
      open(message.id, message.noStatistics);
      break;
    case 'batch':
      append(message.id, message.ipc);
      break;
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
});
