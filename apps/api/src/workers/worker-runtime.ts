import { loadCheckers } from '@openfinops/checkers';
import { pino, type Logger } from 'pino';
import { RunLogRepository } from '../runs/run-log.repository.ts';
import { ScheduleRepository } from '../scheduler/schedule.repository.ts';
import { SchedulerService } from '../scheduler/scheduler.service.ts';
import type { Store } from '../store/store.ts';
import { defaultJobHandlers, type DefaultJobHandlerDeps } from './default-job-handlers.ts';
import type { JobHandlers } from './job-handlers.ts';
import { RunQueueRepository } from './run-queue.repository.ts';
import type { WorkerConfig } from './worker-config.ts';
import { WorkerService } from './worker.service.ts';

export interface WorkerRuntimeOptions {
  store: Store;
  dataDir: string;
  config: WorkerConfig;
  logger: Logger;
  /** Replaces the default handlers; tests inject job kinds of their own this way. */
  handlers?: JobHandlers;
  /** Connector wiring for import and inventory runs (see defaultJobHandlers). */
  connectors?: Pick<DefaultJobHandlerDeps, 'importAccount' | 'accounts'>;
  owner?: string;
}

export interface WorkerRuntime {
  worker: WorkerService;
  /** Null when FINOPS_SCHEDULER=off. */
  scheduler: SchedulerService | null;
  /** Starts the worker loops and the scheduler tick. */
  start(): void;
  /** Graceful: stops the tick and claiming, lets running runs finish (or releases them after the grace period). */
  stop(): Promise<void>;
}

/** JSON lines on stdout, one per event, with tenantId/runId on run events: what log shippers expect. */
export function createWorkerLogger(level: string = process.env.FINOPS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { role: 'worker', pid: process.pid } });
}

/**
 * Everything a worker process runs: the claim loops and the scheduler tick. Used by `finops worker` and by the API
 * server when FINOPS_ROLE is worker or all. On the embedded PGlite store only one process can open the store at all,
 * so there is exactly one worker there.
 */
export async function createWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { store, config, logger } = options;
  const prisma = store.prisma;
  const handlers =
    options.handlers ??
    defaultJobHandlers({
      prisma,
      dataDir: options.dataDir,
      checkers: (await loadCheckers({ logger: { info: (o, m) => logger.info(o, m), warn: (o, m) => logger.warn(o, m), error: (o, m) => logger.error(o, m) } })).checkers,
      ...options.connectors,
    });
  const worker = new WorkerService(new RunQueueRepository(prisma), new RunLogRepository(prisma), handlers, logger, {
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    heartbeatMs: config.heartbeatMs,
    pollMs: config.pollMs,
    backoff: config.backoff,
    shutdownGraceMs: config.shutdownGraceMs,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const scheduler = config.scheduler ? new SchedulerService(new ScheduleRepository(prisma), logger.child({ component: 'scheduler' })) : null;
  return {
    worker,
    scheduler,
    start() {
      scheduler?.start(config.schedulerTickMs);
      worker.start();
    },
    async stop() {
      await scheduler?.stop();
      await worker.stop();
    },
  };
}
