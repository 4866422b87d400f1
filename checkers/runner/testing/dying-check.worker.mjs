// A stand-in check thread for inventory-check.pool.test.ts: it dies (exit code 3) on a job for account "die" and
// answers every other job with no outcomes, so the test can watch the pool lose and replace a thread.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, job }) => {
  if (job.accountId === 'die') process.exit(3);
  parentPort.postMessage({ id, outcomes: [] });
});
