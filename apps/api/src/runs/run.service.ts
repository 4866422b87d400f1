import { CHECKER_ID_PATTERN } from '@openfinops/checkers';
import { parseTenantId } from '@openfinops/tenants';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import type { JobKind, Prisma } from '../generated/prisma/client.ts';
import { type CancelOutcome, type RunQueueRepository } from '../workers/run-queue.repository.ts';
import type { ListRunLogOptions, RunLogLine, RunLogRepository } from './run-log.repository.ts';
import {
  InvalidRunInputError,
  type ListRunsOptions,
  RUN_KINDS,
  type Run,
  RunNotFoundError,
  type RunRepository,
  RunStateError,
} from './run.repository.ts';

export interface TriggerRunInput {
  kind: JobKind;
  /** Import or inventory of one cloud account; without it every active account of the tenant. */
  cloudAccountId?: string | null;
  /** A check run of one checker; without it every checker. Only for `check`. */
  checkId?: string | null;
  /** `user:<id>`, `apikey:<id>`, `cli:<os user>` or `scheduler`. */
  actor: string;
}

export interface TriggerResult {
  run: Run;
  /** False when the same work was already queued: that run is returned and nothing new is queued. */
  created: boolean;
}

export interface CancelResult {
  run: Run;
  /** `cancelled`: it was queued and is now cancelled; `requested`: a worker runs it and stops at its next heartbeat. */
  outcome: CancelOutcome;
}

/** Which targets make sense for a kind; used for triggered runs and schedules alike. */
export function validateRunTarget(kind: JobKind, target: { cloudAccountId?: string | null; checkId?: string | null }): void {
  if (!RUN_KINDS.includes(kind)) throw new InvalidRunInputError('kind', `${JSON.stringify(kind)} is not one of ${RUN_KINDS.join(', ')}`);
  if (target.checkId != null) {
    if (kind !== 'check') throw new InvalidRunInputError('checkId', `only check runs name a checker, not ${kind} runs`);
    if (!CHECKER_ID_PATTERN.test(target.checkId)) {
      throw new InvalidRunInputError('checkId', `${JSON.stringify(target.checkId)} is not a checker id (<provider>/<name>, e.g. aws/ec2-graviton)`);
    }
  }
  if (target.cloudAccountId != null && kind === 'check') {
    throw new InvalidRunInputError('cloudAccountId', 'a check run covers every account of the tenant; leave the account out');
  }
}

/**
 * What operators and the API do with runs: queue one now, cancel, retry, read runs and their logs.
 * Workers execute the queued runs (see apps/api/src/workers).
 */
export class RunService {
  constructor(
    private readonly runs: RunRepository,
    private readonly queue: RunQueueRepository,
    private readonly runLogs: RunLogRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  /** Queues a run; when the same work is already queued, returns that run instead (no duplicate). */
  async trigger(tenantId: string, input: TriggerRunInput): Promise<TriggerResult> {
    const tenant = parseTenantId(tenantId);
    validateRunTarget(input.kind, input);
    const params: Prisma.InputJsonValue = { trigger: 'manual', actor: input.actor };
    const result = await this.queue.enqueue(tenant, {
      kind: input.kind,
      cloudAccountId: input.cloudAccountId ?? null,
      checkId: input.checkId ?? null,
      params,
    });
    if (result.created) {
      await this.audit.append({
        tenantId: tenant,
        actor: input.actor,
        action: 'run.trigger',
        target: result.run.id,
        details: { kind: input.kind, cloudAccountId: input.cloudAccountId ?? null, checkId: input.checkId ?? null },
      });
    }
    return result;
  }

  async cancel(tenantId: string, runId: string, actor: string): Promise<CancelResult> {
    const tenant = parseTenantId(tenantId);
    const outcome = await this.queue.cancel(tenant, runId);
    await this.audit.append({ tenantId: tenant, actor, action: 'run.cancel', target: runId, details: { outcome } });
    await this.runLogs.append(tenant, runId, [
      {
        at: new Date(),
        level: 'warn',
        message: outcome === 'cancelled' ? `cancelled by ${actor} before it started` : `cancellation asked by ${actor}; the worker stops at its next heartbeat`,
        fields: { actor },
      },
    ]);
    return { run: await this.show(tenant, runId), outcome };
  }

  /** Queues a failed or cancelled run again as a new run with the same target (the old one keeps its history). */
  async retry(tenantId: string, runId: string, actor: string): Promise<TriggerResult> {
    const tenant = parseTenantId(tenantId);
    const previous = await this.show(tenant, runId);
    if (previous.status !== 'failed' && previous.status !== 'cancelled') {
      throw new RunStateError(tenant, runId, previous.status, 'queued');
    }
    const result = await this.queue.enqueue(tenant, {
      kind: previous.kind,
      cloudAccountId: previous.cloudAccountId,
      checkId: previous.checkId,
      params: { trigger: 'retry', actor, retryOf: previous.id },
    });
    await this.audit.append({
      tenantId: tenant,
      actor,
      action: 'run.retry',
      target: runId,
      details: { runId: result.run.id, created: result.created },
    });
    return result;
  }

  async show(tenantId: string, runId: string): Promise<Run> {
    const tenant = parseTenantId(tenantId);
    const run = await this.runs.get(tenant, runId);
    if (!run) throw new RunNotFoundError(tenant, runId);
    return run;
  }

  async list(tenantId: string, options: ListRunsOptions = {}): Promise<Run[]> {
    return this.runs.list(tenantId, options);
  }

  /** Log lines of a run, oldest first, from after the `after` cursor (a line id). */
  async logs(tenantId: string, runId: string, options: ListRunLogOptions = {}): Promise<RunLogLine[]> {
    const tenant = parseTenantId(tenantId);
    await this.show(tenant, runId);
    return this.runLogs.list(tenant, runId, options);
  }
}
