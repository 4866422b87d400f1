import { parseTenantId } from '@openfinops/tenants';
import {
  type Prisma,
  type JobKind,
  type PrismaClient,
  type Run,
  type RunStatus,
} from '../generated/prisma/client.ts';
import { newRunId } from '../store/run-id.ts';

export type { JobKind, Run, RunStatus };
export { newRunId };

export const RUN_KINDS: readonly JobKind[] = ['import', 'inventory', 'check'];

export interface CreateRunInput {
  kind: JobKind;
  checkId?: string | null;
  cloudAccountId?: string | null;
  params?: Prisma.InputJsonValue;
  /** `running` (default) for work done right away by the caller, e.g. a CLI import; `queued` for a worker. */
  status?: Extract<RunStatus, 'running' | 'queued'>;
  maxAttempts?: number;
  availableAt?: Date;
}

export interface ListRunsOptions {
  limit?: number;
  kind?: JobKind;
  status?: RunStatus;
}

export const RUN_LIST_DEFAULT_LIMIT = 50;
export const RUN_LIST_MAX_LIMIT = 1000;

export class RunNotFoundError extends Error {
  readonly code = 'RUN_NOT_FOUND';
  constructor(readonly tenantId: string, readonly runId: string) {
    super(`Run ${runId} does not exist for tenant ${JSON.stringify(tenantId)}`);
    this.name = 'RunNotFoundError';
  }
}

export class RunStateError extends Error {
  readonly code = 'RUN_INVALID_TRANSITION';
  constructor(readonly tenantId: string, readonly runId: string, from: RunStatus, to: RunStatus) {
    super(`Run ${runId} of tenant ${JSON.stringify(tenantId)} is ${from}: it cannot become ${to}`);
    this.name = 'RunStateError';
  }
}

export class InvalidRunInputError extends Error {
  readonly code = 'INVALID_RUN_INPUT';
  constructor(readonly field: string, message: string) {
    super(`Invalid run ${field}: ${message}`);
    this.name = 'InvalidRunInputError';
  }
}

/** Only unfinished runs may finish; a cancelled or finished run keeps its outcome. */
const FINISHABLE: RunStatus[] = ['queued', 'running'];

/**
 * Runs of one tenant. Every query filters by tenantId, so a run id from another tenant behaves as missing.
 * Worker claiming (leases) is not here: it belongs to the queue.
 */
export class RunRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: string, input: CreateRunInput): Promise<Run> {
    const tenant = parseTenantId(tenantId);
    if (!RUN_KINDS.includes(input.kind)) {
      throw new InvalidRunInputError('kind', `${JSON.stringify(input.kind)} is not one of ${RUN_KINDS.join(', ')}`);
    }
    const status = input.status ?? 'running';
    if (status !== 'running' && status !== 'queued') {
      throw new InvalidRunInputError('status', `a new run is running or queued, not ${JSON.stringify(status)}`);
    }
    if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
      throw new InvalidRunInputError('maxAttempts', `expected an integer >= 1, got ${String(input.maxAttempts)}`);
    }
    const now = new Date();
    return this.prisma.run.create({
      data: {
        id: newRunId(now.getTime()),
        tenantId: tenant,
        kind: input.kind,
        status,
        checkId: input.checkId ?? null,
        cloudAccountId: input.cloudAccountId ?? null,
        params: input.params ?? {},
        ...(input.maxAttempts !== undefined ? { maxAttempts: input.maxAttempts } : {}),
        availableAt: input.availableAt ?? now,
        ...(status === 'running' ? { startedAt: now, attempts: 1, heartbeatAt: now } : {}),
        createdAt: now,
      },
    });
  }

  async markSucceeded(tenantId: string, runId: string, stats: Prisma.InputJsonValue): Promise<Run> {
    return this.finish(tenantId, runId, 'succeeded', { stats, error: null });
  }

  async markFailed(tenantId: string, runId: string, error: string, stats: Prisma.InputJsonValue = {}): Promise<Run> {
    return this.finish(tenantId, runId, 'failed', { stats, error });
  }

  async get(tenantId: string, runId: string): Promise<Run | null> {
    return this.prisma.run.findFirst({ where: { id: runId, tenantId: parseTenantId(tenantId) } });
  }

  /** Newest first (ids are time-ordered, so they break createdAt ties in creation order). */
  async list(tenantId: string, options: ListRunsOptions = {}): Promise<Run[]> {
    const limit = options.limit ?? RUN_LIST_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > RUN_LIST_MAX_LIMIT) {
      throw new InvalidRunInputError('limit', `expected an integer from 1 to ${RUN_LIST_MAX_LIMIT}, got ${String(limit)}`);
    }
    return this.prisma.run.findMany({
      where: {
        tenantId: parseTenantId(tenantId),
        ...(options.kind ? { kind: options.kind } : {}),
        ...(options.status ? { status: options.status } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  private async finish(
    tenantId: string,
    runId: string,
    status: Extract<RunStatus, 'succeeded' | 'failed'>,
    data: { stats: Prisma.InputJsonValue; error: string | null },
  ): Promise<Run> {
    const tenant = parseTenantId(tenantId);
    const now = new Date();
    // A conditional update, so two finishers cannot both win and a cancelled run stays cancelled.
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, tenantId: tenant, status: { in: FINISHABLE } },
      data: {
        status,
        stats: data.stats,
        error: data.error,
        finishedAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
    const run = await this.get(tenant, runId);
    if (!run) throw new RunNotFoundError(tenant, runId);
    if (count === 0) throw new RunStateError(tenant, runId, run.status, status);
    return run;
  }
}
