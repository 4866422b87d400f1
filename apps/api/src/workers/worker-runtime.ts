import { loadCheckers } from '@openfinops/checkers';
import { pino, type Logger } from 'pino';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { RunLogRetentionService } from '../runs/run-log-retention.service.ts';
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

/** Names of the intervals a started runtime registers in SchedulerRegistry (removed again by stop()). */
export const WORKER_INTERVALS = {
  /** Wakes idle claim loops every FINOPS_WORKER_POLL. */
  workerPoll: 'finops-worker-poll',
  /** Scheduler tick and run log retention every FINOPS_SCHEDULER_TICK (only with FINOPS_SCHEDULER=on). */
  schedulerTick: 'finops-scheduler-tick',
} as const;

export interface WorkerRuntime {
  worker: WorkerService;
  /** Null when FINOPS_SCHEDULER=off. */
  scheduler: SchedulerService | null;
  /** Null when FINOPS_SCHEDULER=off: only processes running the scheduler prune. */
  retention: RunLogRetentionService | null;
  /**
   * Starts the worker loops and registers their poll and the scheduler tick as intervals in `timers` (the app's
   * SchedulerRegistry; see WorkerModule). The first tick runs at once.
   */
  start(timers: SchedulerRegistry): void;
  /** One scheduler tick plus retention; resolves to the tick in flight instead when one is running (ticks never overlap). */
  tick(): Promise<void>;
  /** Graceful: removes the intervals, waits for a tick in flight, stops claiming and lets running runs finish (or releases them after the grace period). */
  stop(): Promise<void>;
}

/** JSON lines on stdout, one per event, with tenantId/runId on run events: what log shippers expect. */
export function createWorkerLogger(level: string = process.env.FINOPS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { role: 'worker', pid: process.pid } });
}

/**
 * Everything a worker process runs: the claim loops, the scheduler tick and run log retention. Started and stopped by
 * WorkerModule's lifecycle hooks in `finops worker` and in the API server when FINOPS_ROLE is worker or all. On the embedded PGlite store only one process can open the store at all,
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
      checkWorkers: config.checkWorkers,
      ...options.connectors,
    });
  const worker = new WorkerService(new RunQueueRepository(prisma), new RunLogRepository(prisma), handlers, logger, {
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    heartbeatMs: config.heartbeatMs,
    pollMs: config.pollMs,
    backoff: config.backoff,
    shutdownGraceMs: config.shutdownGraceMs,
    // Idle loops are woken by the runtime's poll interval (start()); runUntilIdle() never waits for it.
    externalPoll: true,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const schedulerLogger = logger.child({ component: 'scheduler' });
  const scheduler = config.scheduler ? new SchedulerService(new ScheduleRepository(prisma), schedulerLogger) : null;
  const retention = config.scheduler ? new RunLogRetentionService(new RunLogRepository(prisma), config.runLogRetentionDays, schedulerLogger) : null;
  let registry: SchedulerRegistry | undefined;
  let ticking: Promise<void> | undefined;
  const tick = (): Promise<void> => {
    ticking ??= (async () => {
      try {
        await scheduler?.tick();
        await retention?.pruneIfDue();
      } catch (err) {
        schedulerLogger.error({ err }, 'scheduler tick failed; the next tick tries again');
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  };
  return {
    worker,
    scheduler,
    retention,
    tick,
    start(timers) {
      if (registry) return;
      registry = timers;
      worker.start();
      timers.addInterval(WORKER_INTERVALS.workerPoll, setInterval(() => worker.poll(), config.pollMs));
      if (scheduler) {
        timers.addInterval(WORKER_INTERVALS.schedulerTick, setInterval(() => void tick(), config.schedulerTickMs));
        void tick();
      }
    },
    async stop() {
      const timers = registry;
      registry = undefined;
      for (const name of Object.values(WORKER_INTERVALS)) {
        if (timers?.doesExist('interval', name)) timers.deleteInterval(name);
      }
      await ticking;
      await worker.stop();
    },
  };
}
