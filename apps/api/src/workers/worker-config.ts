import { availableParallelism } from 'node:os';
import { ConfigError } from '../config/api-config.ts';
import type { BackoffPolicy } from './backoff.ts';

/**
 * Worker and scheduler settings, from FINOPS_WORKER_* / FINOPS_RETRY_* / FINOPS_SCHEDULER_* and
 * FINOPS_RUN_LOG_RETENTION_DAYS (docs/operations.md).
 */
export interface WorkerConfig {
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  shutdownGraceMs: number;
  backoff: BackoffPolicy;
  /** Whether this process also runs the scheduler tick. */
  scheduler: boolean;
  schedulerTickMs: number;
  /** Run log lines older than this many days are deleted by the scheduler (FINOPS_RUN_LOG_RETENTION_DAYS). */
  runLogRetentionDays: number;
  /** Threads for inventory checks over lake snapshots (FINOPS_CHECK_WORKERS; 0: on the job's own thread). */
  checkWorkers: number;
}

/** A ConfigError, so `finops serve` (which validates worker settings at boot whatever the role) reports it the same way. */
export class WorkerConfigError extends ConfigError {
  constructor(variable: string, problem: string) {
    super(variable, problem);
    this.name = 'WorkerConfigError';
  }
}

const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `30s`, `5m`, `1h` → milliseconds (> 0). */
export function parseDurationMs(value: string): number {
  const m = DURATION.exec(value.trim());
  if (!m) throw new Error(`expected a duration like 500ms, 30s, 5m or 1h, got ${JSON.stringify(value)}`);
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw new Error(`must be greater than zero, got ${JSON.stringify(value)}`);
  return ms;
}

function duration(env: NodeJS.ProcessEnv, variable: string, fallbackMs: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallbackMs;
  try {
    return parseDurationMs(raw);
  } catch (err) {
    throw new WorkerConfigError(variable, (err as Error).message);
  }
}

function positiveInt(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new WorkerConfigError(variable, `must be a whole number >= 1, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * FINOPS_CHECK_WORKERS: worker threads a check run uses for inventory checks over lake snapshots (CheckRunnerService
 * `checkWorkers`). Default: one per CPU, at most 4 (accounts are checked side by side; more threads than cores only
 * add memory). 0 runs every check on the calling thread.
 */
export function loadCheckWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FINOPS_CHECK_WORKERS?.trim();
  if (!raw) return Math.min(4, availableParallelism());
  if (!/^\d+$/.test(raw) || Number(raw) > 64) throw new WorkerConfigError('FINOPS_CHECK_WORKERS', `must be a whole number from 0 to 64, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Pick<WorkerConfig, 'concurrency'>> = {}): WorkerConfig {
  const leaseMs = duration(env, 'FINOPS_WORKER_LEASE', 60_000);
  const heartbeatMs = duration(env, 'FINOPS_WORKER_HEARTBEAT', Math.max(1, Math.floor(leaseMs / 4)));
  if (heartbeatMs >= leaseMs) {
    throw new WorkerConfigError('FINOPS_WORKER_HEARTBEAT', `(${heartbeatMs} ms) must be shorter than FINOPS_WORKER_LEASE (${leaseMs} ms)`);
  }
  const baseMs = duration(env, 'FINOPS_RETRY_BASE', 30_000);
  const maxMs = duration(env, 'FINOPS_RETRY_MAX', 30 * 60_000);
  if (maxMs < baseMs) throw new WorkerConfigError('FINOPS_RETRY_MAX', `must not be shorter than FINOPS_RETRY_BASE`);
  const schedulerFlag = env.FINOPS_SCHEDULER?.trim().toLowerCase() ?? 'on';
  if (!['on', 'off'].includes(schedulerFlag)) throw new WorkerConfigError('FINOPS_SCHEDULER', `must be on or off, got ${JSON.stringify(env.FINOPS_SCHEDULER)}`);
  return {
    concurrency: overrides.concurrency ?? positiveInt(env, 'FINOPS_WORKER_CONCURRENCY', 2),
    leaseMs,
    heartbeatMs,
    pollMs: duration(env, 'FINOPS_WORKER_POLL', 2_000),
    shutdownGraceMs: duration(env, 'FINOPS_WORKER_SHUTDOWN_GRACE', 30_000),
    backoff: { baseMs, maxMs },
    scheduler: schedulerFlag === 'on',
    schedulerTickMs: duration(env, 'FINOPS_SCHEDULER_TICK', 30_000),
    runLogRetentionDays: positiveInt(env, 'FINOPS_RUN_LOG_RETENTION_DAYS', 90),
    checkWorkers: loadCheckWorkers(env),
  };
}
