import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { JobKind, Prisma } from '../generated/prisma/client.ts';
import type { RunLogRepository } from '../runs/run-log.repository.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff.ts';
import { errorMessage, isRetryable, type JobHandlers, RunAbortedError } from './job-handlers.ts';
import { type ClaimedRun, LeaseLostError, type RunQueueRepository } from './run-queue.repository.ts';
import { RunLogger } from './run-logger.ts';

export interface WorkerOptions {
  /** Identifies this worker in leases and logs; defaults to host:pid:random. */
  owner?: string;
  /** Runs executed at once by this process. */
  concurrency: number;
  /** How long a claim stays valid without a heartbeat; a dead worker's run is taken over after this. */
  leaseMs: number;
  /** How often a running run's lease is renewed (and its cancel flag read); well below leaseMs. */
  heartbeatMs: number;
  /** Pause between claim attempts when the queue has nothing claimable. */
  pollMs: number;
  /**
   * Idle loops wait for poll() instead of their own pollMs timer: the Nest worker module drives them from an
   * interval in @nestjs/schedule's SchedulerRegistry, so every timer of the process is listed (and removed) there.
   */
  externalPoll?: boolean;
  backoff?: BackoffPolicy;
  /** On stop(), how long running runs may still finish before they are aborted and released to the queue. */
  shutdownGraceMs: number;
}

export interface WorkerSummary {
  claimed: number;
  succeeded: number;
  /** Failed attempts put back in the queue for a later retry. */
  retried: number;
  failed: number;
  cancelled: number;
  /** Runs given back unfinished at shutdown. */
  released: number;
  /** Runs this worker lost to another after its lease expired. */
  leaseLost: number;
}

export function defaultWorkerOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The next step of the queue after an import: findings follow the billing data they read. */
const FOLLOW_UPS: Partial<Record<JobKind, (runId: string) => { kind: JobKind; params: Prisma.InputJsonValue }>> = {
  import: (runId) => ({ kind: 'check', params: { trigger: 'import', after: runId } }),
};

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Claims runs from the queue and executes them with the registered handlers: `concurrency` loops, each claiming one
 * run at a time, renewing its lease while the handler runs and recording the outcome under that lease. The same
 * class runs in `finops worker` and inside the API (FINOPS_ROLE=worker|all).
 */
export class WorkerService {
  readonly owner: string;
  readonly summary: WorkerSummary = { claimed: 0, succeeded: 0, retried: 0, failed: 0, cancelled: 0, released: 0, leaseLost: 0 };
  private readonly kinds: JobKind[];
  private readonly inFlight = new Set<InFlight>();
  private readonly sleepers = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private lastReapAt = 0;
  private readonly logger: Logger;

  constructor(
    private readonly queue: RunQueueRepository,
    private readonly runLogs: RunLogRepository,
    private readonly handlers: JobHandlers,
    logger: Logger,
    private readonly options: WorkerOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`Worker concurrency must be an integer >= 1, got ${String(options.concurrency)}`);
    }
    if (options.heartbeatMs >= options.leaseMs) {
      throw new Error(`Worker heartbeat (${options.heartbeatMs} ms) must be shorter than the lease (${options.leaseMs} ms)`);
    }
    this.owner = options.owner ?? defaultWorkerOwner();
    this.kinds = (Object.keys(handlers) as JobKind[]).filter((k) => handlers[k] !== undefined);
    this.logger = logger.child({ worker: this.owner });
  }

  /** Starts the claim loops; they run until stop(). */
  start(): void {
    if (this.loops.length > 0 || this.stopping) return;
    this.logger.info({ kinds: this.kinds, concurrency: this.options.concurrency, leaseMs: this.options.leaseMs }, 'worker started');
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop(false));
  }

  /** Wakes idle loops to look for claimable runs now (the driver of an externalPoll worker). */
  poll(): void {
    for (const wake of this.sleepers) wake();
  }

  /** Executes what is claimable now (including runs queued meanwhile, such as the check after an import), then returns. */
  async runUntilIdle(): Promise<WorkerSummary> {
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop(true));
    await Promise.all(this.loops);
    return { ...this.summary };
  }

  /**
   * Graceful stop: no new claims; running runs get shutdownGraceMs to finish, then their handlers are aborted and
   * the runs released to the queue for another worker.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.poll();
      // A loop ends once its current run is recorded, so waiting for the loops covers every run in flight,
      // including one claimed while stop() was being called.
      const loopsDone = Promise.all(this.loops);
      if (this.inFlight.size > 0) {
        this.logger.info({ running: this.inFlight.size, graceMs: this.options.shutdownGraceMs }, 'worker stopping: waiting for running runs');
      }
      const finished = await Promise.race([loopsDone.then(() => true), delay(this.options.shutdownGraceMs).then(() => false)]);
      if (!finished) {
        for (const f of this.inFlight) f.controller.abort(new RunAbortedError('shutdown', 'the worker is shutting down'));
        await loopsDone;
      }
      this.logger.info({ summary: this.summary }, 'worker stopped');
    })();
    return this.stopped;
  }

  private async loop(once: boolean): Promise<void> {
    while (!this.stopping) {
      let claimed: ClaimedRun | null;
      try {
        await this.reapIfDue();
        claimed = await this.queue.claim(this.owner, this.kinds, this.options.leaseMs);
      } catch (err) {
        this.logger.error({ err }, 'claiming a run failed; retrying after the poll interval');
        if (once) return;
        await this.sleep(this.options.pollMs);
        continue;
      }
      if (!claimed) {
        if (once) return;
        await this.sleep(this.options.pollMs);
        continue;
      }
      if (this.stopping) {
        // Claimed while stop() was called: give it straight back rather than start work the shutdown would cut short.
        await this.queue.release(claimed.run.tenantId, claimed.run.id, this.owner).catch((err: unknown) => {
          this.logger.warn({ err, runId: claimed.run.id }, 'could not release a run claimed during shutdown; its lease will expire');
        });
        this.summary.released++;
        return;
      }
      const controller = new AbortController();
      const entry: InFlight = { controller, done: Promise.resolve() };
      entry.done = this.execute(claimed, controller).catch((err: unknown) => {
        this.logger.error({ err, runId: claimed.run.id, tenantId: claimed.run.tenantId }, 'run bookkeeping failed');
      });
      this.inFlight.add(entry);
      await entry.done;
      this.inFlight.delete(entry);
    }
  }

  private async reapIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastReapAt < this.options.leaseMs / 2) return;
    this.lastReapAt = now;
    for (const reaped of await this.queue.reapExpired()) {
      this.logger.warn({ ...reaped }, `run of a dead worker ended as ${reaped.status}`);
    }
  }

  private async execute({ run, previousOwner }: ClaimedRun, controller: AbortController): Promise<void> {
    const { tenantId, id: runId } = run;
    const log = new RunLogger(this.runLogs, this.logger, tenantId, runId);
    const handler = this.handlers[run.kind];
    this.summary.claimed++;
    log.info(`attempt ${run.attempts} of ${run.maxAttempts} on worker ${this.owner}`, {
      kind: run.kind,
      attempt: run.attempts,
      maxAttempts: run.maxAttempts,
      worker: this.owner,
      ...(previousOwner ? { takenOverFrom: previousOwner } : {}),
    });
    if (previousOwner) log.warn(`worker ${previousOwner} stopped heartbeating; this worker took the run over`);

    let lost = false;
    let finished = false;
    let lastBeat = Date.now();
    let beatTimer: NodeJS.Timeout | undefined;
    const beat = async () => {
      try {
        const state = await this.queue.heartbeat(tenantId, runId, this.owner, this.options.leaseMs);
        if (state === 'lost') {
          lost = true;
          controller.abort(new RunAbortedError('lease-lost', `worker ${this.owner} lost the lease on run ${runId}`));
          return;
        }
        lastBeat = Date.now();
        if (state === 'cancel' && !controller.signal.aborted) {
          log.warn('cancellation asked: stopping the handler');
          controller.abort(new RunAbortedError('cancelled', `run ${runId} was cancelled`));
        }
      } catch (err) {
        log.warn('heartbeat failed', { error: errorMessage(err) });
        // Without a renewed lease another worker may take the run: stop before two workers do the same work.
        if (Date.now() - lastBeat >= this.options.leaseMs) {
          lost = true;
          controller.abort(new RunAbortedError('lease-lost', `worker ${this.owner} could not renew the lease on run ${runId}`));
          return;
        }
      }
      if (!finished) beatTimer = setTimeout(() => void beat(), this.options.heartbeatMs);
    };
    beatTimer = setTimeout(() => void beat(), this.options.heartbeatMs);

    try {
      let stats: Record<string, unknown>;
      try {
        if (!handler) throw new Error(`this worker has no handler for ${run.kind} runs`);
        stats = (await handler({ run, tenantId, runId, attempt: run.attempts, signal: controller.signal, log })).stats;
      } finally {
        finished = true;
        clearTimeout(beatTimer);
      }
      if (lost) {
        this.summary.leaseLost++;
        log.warn('finished after losing the lease: the outcome is not recorded by this worker');
        return;
      }
      if (controller.signal.aborted) log.warn('the handler finished although it was asked to stop: the run succeeded');
      const followUp = FOLLOW_UPS[run.kind]?.(runId);
      const { followUp: queued } = await this.queue.complete(tenantId, runId, this.owner, stats as Prisma.InputJsonValue, followUp);
      this.summary.succeeded++;
      const counts = Object.fromEntries(Object.entries(stats).filter(([, v]) => v === null || typeof v !== 'object'));
      log.info('succeeded', { stats: counts, ...(queued ? { followUp: { runId: queued.run.id, kind: queued.run.kind, created: queued.created } } : {}) });
    } catch (err) {
      await this.recordFailure(run.attempts, tenantId, runId, err, controller.signal, lost, log);
    } finally {
      await log.flush();
    }
  }

  private async recordFailure(
    attempt: number,
    tenantId: string,
    runId: string,
    err: unknown,
    signal: AbortSignal,
    lost: boolean,
    log: RunLogger,
  ): Promise<void> {
    const reason = signal.aborted && signal.reason instanceof RunAbortedError ? signal.reason.reason : null;
    try {
      if (lost || err instanceof LeaseLostError) {
        this.summary.leaseLost++;
        log.warn('lost the lease: another worker owns the run now', { error: errorMessage(err) });
      } else if (reason === 'cancelled') {
        await this.queue.markCancelled(tenantId, runId, this.owner);
        this.summary.cancelled++;
        log.warn('cancelled', { error: errorMessage(err) });
      } else if (reason === 'shutdown') {
        const status = await this.queue.release(tenantId, runId, this.owner);
        this.summary.released++;
        log.warn(status === 'queued' ? 'worker shut down: run released to the queue' : 'worker shut down after a cancel: run cancelled');
      } else {
        const retryable = isRetryable(err);
        const retryInMs = retryDelayMs(attempt, this.options.backoff ?? DEFAULT_BACKOFF);
        const outcome = await this.queue.fail(tenantId, runId, this.owner, errorMessage(err), { retryable, retryInMs });
        if (outcome.status === 'cancelled') {
          this.summary.cancelled++;
          log.warn('failed after cancellation was asked: run cancelled', { error: errorMessage(err) });
        } else if (outcome.status === 'queued') {
          this.summary.retried++;
          log.warn(`attempt ${outcome.attempts} failed; retrying at ${outcome.availableAt.toISOString()}`, {
            error: errorMessage(err),
            retryInMs,
          });
        } else {
          this.summary.failed++;
          log.error(retryable ? `failed after ${outcome.attempts} attempt(s)` : 'failed (not retryable)', { error: errorMessage(err), retryable });
        }
      }
    } catch (bookkeeping) {
      if (!(bookkeeping instanceof LeaseLostError)) throw bookkeeping;
      this.summary.leaseLost++;
      log.warn('lost the lease before the outcome was recorded', { error: errorMessage(err) });
    }
  }

  private sleep(ms: number): Promise<void> {
    // stop() wakes the sleepers once; a loop that was claiming meanwhile must not start a sleep nothing would end.
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = this.options.externalPoll ? undefined : setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
