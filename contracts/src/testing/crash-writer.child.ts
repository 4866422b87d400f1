// Child process for the crash-atomicity test: writes findings, then blocks between fsync and rename
// so the parent can SIGKILL it at the worst moment. Run: node --import tsx crash-writer.child.ts <path>
import { castFindings } from '../finding-cast.ts';
import { writeFindingsParquet } from '../finding-parquet.ts';
import { sampleWireFinding } from './finding-samples.ts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: crash-writer.child.ts <target.parquet>\n');
  process.exit(2);
}
const { records } = castFindings([sampleWireFinding({ resourceId: 'from-crashed-writer' })], {
  tenantId: 'acme',
  runId: 'crashed-run',
  observedAt: new Date(),
});
await writeFindingsParquet(records, target, {
  beforeRename: async (tempPath) => {
    process.stdout.write(`READY ${tempPath}\n`);
    // Keep the event loop alive until the parent kills us.
    await new Promise(() => setInterval(() => {}, 60_000));
  },
});
