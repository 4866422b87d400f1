// Inventory check worker thread (inventory-check.pool.ts). Plain JavaScript on purpose: Node 20 does not carry the
// main thread's tsx loader over to worker threads, so this registers it and then loads the TypeScript job module.
//
// Protocol: { id, job } in (an InventoryCheckJob), { id, outcomes } or { id, error } out. Jobs are handled one at a
// time, in order: the pool gives a thread its next job only once the previous one answered.
import { parentPort } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
const { runInventoryCheckJob } = await import('./inventory-check.job.ts');

parentPort.on('message', ({ id, job }) => {
  runInventoryCheckJob(job).then(
    (outcomes) => parentPort.postMessage({ id, outcomes }),
    (error) => parentPort.postMessage({ id, error: String(error?.message ?? error) }),
  );
});
