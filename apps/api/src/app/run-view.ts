import { z } from 'zod';
import { RUN_LOG_MAX_LIMIT, type RunLogLine } from '../runs/run-log.repository.ts';
import type { Run } from '../runs/run.repository.ts';

/** A run as the API shows it (lease internals stay inside the workers). */
export function runView(r: Run) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    checkId: r.checkId,
    cloudAccountId: r.cloudAccountId,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    stats: r.stats,
    error: r.error,
  };
}

export function runLogView(l: RunLogLine) {
  return { id: l.id, at: l.at, level: l.level, message: l.message, fields: l.fields };
}

/** `?after=<line id>&limit=` of a run's log lines. */
export const runLogQuery = z
  .object({ after: z.string().regex(/^\d{1,19}$/).optional(), limit: z.coerce.number().int().min(1).max(RUN_LOG_MAX_LIMIT).optional() })
  .strict();
