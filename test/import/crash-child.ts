// Child process for crash.test.ts: one import, killed by FINOPS_IMPORT_CRASH_AT inside the partition swap.
import { importFocusFiles } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';

const [dataDir, tenantId, input] = process.argv.slice(2);
if (!dataDir || !tenantId || !input) throw new Error('usage: crash-child <dataDir> <tenantId> <input>');
const result = await importFocusFiles({ tenantId, inputs: [input], layout: new LakeLayout(dataDir) });
process.stdout.write(JSON.stringify({ rows: result.rows }));
