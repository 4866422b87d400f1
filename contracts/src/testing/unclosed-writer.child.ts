// Child process for the encoder-thread test: opens findings writers, casts into one (so the thread loads its
// TypeScript through tsx) and closes another, leaves the first one open and returns. The process must still exit on
// its own (the encoder thread only holds the event loop while a close waits). Run: node --import tsx unclosed-writer.child.ts <dir>
import { join } from 'node:path';
import { castFindingsToBatch } from '../finding-cast.ts';
import { FindingsParquetWriter } from '../finding-parquet.ts';
import { sampleWireFinding } from './finding-samples.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: unclosed-writer.child.ts <dir>\n');
  process.exit(2);
}
const ctx = { tenantId: 'acme', runId: 'unclosed-run', observedAt: new Date('2026-11-22T00:00:00.000Z') };
const forgotten = new FindingsParquetWriter(join(dir, 'forgotten.parquet'));
forgotten.castAndAppend([sampleWireFinding({ resourceId: 'never-written' })], ctx);
const closed = new FindingsParquetWriter(join(dir, 'closed.parquet'));
closed.appendBatch(castFindingsToBatch([sampleWireFinding({ resourceId: 'written' })], ctx).batch);
await closed.close();
process.stdout.write(`CLOSED ${closed.rowCount}, left open ${forgotten.rowCount}\n`);
