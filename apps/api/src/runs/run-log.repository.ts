import { parseTenantId } from '@openfinops/tenants';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { InvalidRunInputError } from './run.repository.ts';

export const RUN_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type RunLogLevel = (typeof RUN_LOG_LEVELS)[number];

export interface RunLogEntry {
  at: Date;
  level: RunLogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

export interface RunLogLine {
  /** Cursor: pass it as `after` to read the lines that follow. A decimal string (the column is a BIGSERIAL). */
  id: string;
  at: Date;
  level: RunLogLevel;
  message: string;
  fields: Record<string, unknown>;
}

export interface ListRunLogOptions {
  after?: string;
  limit?: number;
}

export const RUN_LOG_DEFAULT_LIMIT = 200;
export const RUN_LOG_MAX_LIMIT = 5000;
const MAX_MESSAGE = 4000;
const CURSOR = /^\d{1,19}$/;

/** Log lines of runs. Lines of a run another tenant owns are invisible, like the run itself. */
export class RunLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async append(tenantId: string, runId: string, entries: readonly RunLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const tenant = parseTenantId(tenantId);
    await this.prisma.runLog.createMany({
      data: entries.map((e) => ({
        tenantId: tenant,
        runId,
        at: e.at,
        level: e.level,
        message: e.message.length > MAX_MESSAGE ? `${e.message.slice(0, MAX_MESSAGE)}…` : e.message,
        fields: (e.fields ?? {}) as Prisma.InputJsonValue,
      })),
    });
  }

  /** Oldest first; `after` is the id of the last line already read. */
  async list(tenantId: string, runId: string, options: ListRunLogOptions = {}): Promise<RunLogLine[]> {
    const tenant = parseTenantId(tenantId);
    const limit = options.limit ?? RUN_LOG_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > RUN_LOG_MAX_LIMIT) {
      throw new InvalidRunInputError('log limit', `expected an integer from 1 to ${RUN_LOG_MAX_LIMIT}, got ${String(limit)}`);
    }
    if (options.after !== undefined && !CURSOR.test(options.after)) {
      throw new InvalidRunInputError('log cursor', `expected the id of a log line (digits), got ${JSON.stringify(options.after)}`);
    }
    const rows = await this.prisma.runLog.findMany({
      where: { tenantId: tenant, runId, ...(options.after !== undefined ? { id: { gt: BigInt(options.after) } } : {}) },
      // Ids grow with insertion, which is the order the worker logged in; `at` alone ties within a millisecond.
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      level: r.level as RunLogLevel,
      message: r.message,
      fields: (r.fields ?? {}) as Record<string, unknown>,
    }));
  }

  /**
   * Deletes log lines written before `cutoff`, of every tenant (retention is a platform setting, like the queue's
   * reaper), in batches of `batchSize` so no single statement holds locks on a large table. The runs themselves stay.
   * Lines are taken in id order, which is the order they were written, so a batch finds old lines at the start of
   * the primary key without an index on `at`. Returns how many lines were deleted.
   */
  async pruneOlderThan(cutoff: Date, batchSize = 5000): Promise<number> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`expected a batch size >= 1, got ${String(batchSize)}`);
    let deleted = 0;
    for (;;) {
      const batch = await this.prisma.runLog.findMany({ where: { at: { lt: cutoff } }, select: { id: true }, orderBy: { id: 'asc' }, take: batchSize });
      if (batch.length === 0) return deleted;
      const { count } = await this.prisma.runLog.deleteMany({ where: { id: { in: batch.map((r) => r.id) } } });
      deleted += count;
      if (batch.length < batchSize) return deleted;
    }
  }
}
