// A worker process for the multi-process tests: the real WorkerService and queue against DATABASE_URL, with a test-only
// handler registry injected (so the test job never exists in the API or CLI). Run: node --import tsx worker-entry.ts
// The handler records each execution in the `side_effect` table the test created; the test counts those rows.
import pg from 'pg';
import { pino } from 'pino';
import { openStore } from '../../apps/api/src/store/store.ts';
import type { JobHandler } from '../../apps/api/src/workers/job-handlers.ts';
import { loadWorkerConfig } from '../../apps/api/src/workers/worker-config.ts';
import type { WorkerRuntime } from '../../apps/api/src/workers/worker-runtime.ts';
import { createWorkerContext, WORKER_RUNTIME } from '../../apps/api/src/workers/worker.module.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('worker-entry: DATABASE_URL is required');

const sideEffects = new pg.Pool({ connectionString: databaseUrl, max: 2 });

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

/** params: { sleepMs?, firstAttemptSleepMs? } — the first attempt may sleep longer, so a test can kill it mid-run. */
const appendSideEffect: JobHandler = async ({ run, attempt, signal, log }) => {
  const params = run.params as { sleepMs?: number; firstAttemptSleepMs?: number };
  const startedAt = new Date();
  log.info('test job started', { attempt });
  await sleep(attempt === 1 && params.firstAttemptSleepMs !== undefined ? params.firstAttemptSleepMs : (params.sleepMs ?? 0), signal);
  await sideEffects.query('INSERT INTO side_effect (run_id, tenant_id, worker, started_at, finished_at) VALUES ($1, $2, $3, $4, $5)', [
    run.id,
    run.tenantId,
    owner,
    startedAt,
    new Date(),
  ]);
  return { stats: { appended: 1 } };
};

const store = await openStore({ dataDir: process.env.FINOPS_DATA_DIR ?? '/tmp', databaseUrl });
const config = { ...loadWorkerConfig(process.env), scheduler: false };
const logger = pino({ level: process.env.FINOPS_LOG_LEVEL ?? 'warn' });
// The Nest application context `finops worker` runs: WorkerModule starts the loops at bootstrap.
const context = await createWorkerContext({ store, dataDir: process.env.FINOPS_DATA_DIR ?? '/tmp', config, logger, handlers: { check: appendSideEffect } });
const runtime = context.get<WorkerRuntime>(WORKER_RUNTIME);
const owner = runtime.worker.owner;
process.stdout.write(`${JSON.stringify({ ready: owner, pid: process.pid })}\n`);

const stop = () => {
  void context
    .close()
    .then(() => Promise.all([store.close(), sideEffects.end()]))
    .then(() => process.stdout.write(`${JSON.stringify({ stopped: owner, summary: runtime.worker.summary })}\n`))
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
