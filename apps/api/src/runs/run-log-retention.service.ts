import type { Logger } from 'pino';
import type { RunLogRepository } from './run-log.repository.ts';

const DAY_MS = 24 * 3600_000;

/** Pruning more often than this finds almost nothing new; the scheduler ticks far more often. */
export const RUN_LOG_PRUNE_EVERY_MS = 3600_000;

/**
 * Keeps run logs for FINOPS_RUN_LOG_RETENTION_DAYS: the scheduler's tick calls pruneIfDue(), which deletes log lines
 * older than the retention at most once per RUN_LOG_PRUNE_EVERY_MS in this process. Several workers pruning at once
 * is harmless (each deletes what the others have not). Runs keep their status, stats and error after their logs go.
 */
export class RunLogRetentionService {
  private lastPruneAt: number | undefined;

  constructor(
    private readonly runLogs: RunLogRepository,
    readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly everyMs: number = RUN_LOG_PRUNE_EVERY_MS,
  ) {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`Run log retention must be a whole number of days >= 1, got ${String(retentionDays)}`);
  }

  /** Log lines written before this are deleted. */
  cutoff(now: Date): Date {
    return new Date(now.getTime() - this.retentionDays * DAY_MS);
  }

  /** Deletes expired log lines unless this process pruned within the last `everyMs`; returns how many (0 when not due). */
  async pruneIfDue(now: Date = new Date()): Promise<number> {
    if (this.lastPruneAt !== undefined && now.getTime() - this.lastPruneAt < this.everyMs) return 0;
    this.lastPruneAt = now.getTime();
    const cutoff = this.cutoff(now);
    const deleted = await this.runLogs.pruneOlderThan(cutoff);
    if (deleted > 0) this.logger.info({ deleted, cutoff: cutoff.toISOString(), retentionDays: this.retentionDays }, 'pruned run log lines past the retention');
    return deleted;
  }
}
