import type { JobKind, Run } from '../generated/prisma/client.ts';
import type { JobLogger } from './run-logger.ts';

export interface JobContext {
  run: Run;
  tenantId: string;
  runId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the run is cancelled, the worker shuts down or loses its lease; `signal.reason` says which. */
  signal: AbortSignal;
  log: JobLogger;
}

export interface JobOutcome {
  /** Stored on the run (counts, totals as decimal strings...). */
  stats: Record<string, unknown>;
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;

/**
 * The handlers a worker runs, by kind. A worker only claims the kinds it has a handler for. Production workers get
 * defaultJobHandlers(); tests inject their own registry, so test-only behaviour never ships in the API or CLI.
 */
export type JobHandlers = Partial<Record<JobKind, JobHandler>>;

/** Why a run's signal was aborted; handlers may pass it on as the cause of the error they throw. */
export class RunAbortedError extends Error {
  readonly code = 'RUN_ABORTED';
  constructor(readonly reason: 'cancelled' | 'shutdown' | 'lease-lost', message: string) {
    super(message);
    this.name = 'RunAbortedError';
  }
}

/** A failure that retrying cannot fix (bad input, missing account): the run fails at once. */
export class PermanentJobError extends Error {
  readonly code = 'JOB_FAILED_PERMANENTLY';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Domain errors that describe the input or the tenant, not a passing condition. */
const PERMANENT_CODES = new Set([
  'TENANT_SUSPENDED',
  'TENANT_NOT_FOUND',
  'INVALID_RUN_INPUT',
  'CHECK_RUN_INPUT',
  'UNKNOWN_CHECKER',
  'INVALID_COLLECTION_INPUT',
  'CLOUD_ACCOUNT_NOT_FOUND',
  'CLOUD_ACCOUNT_INVALID',
]);

/** Retry unless the error says otherwise: `retryable === false` (ConnectorAuthError...) or a known permanent code. */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return true;
  const e = err as { retryable?: unknown; code?: unknown };
  if (e.retryable === false) return false;
  if (e.retryable === true) return true;
  return !(typeof e.code === 'string' && PERMANENT_CODES.has(e.code));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
