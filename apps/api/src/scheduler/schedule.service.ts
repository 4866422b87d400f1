import { parseTenantId } from '@openfinops/tenants';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import type { JobKind, PrismaClient } from '../generated/prisma/client.ts';
import { RUN_KINDS } from '../runs/run.repository.ts';
import { validateRunTarget } from '../runs/run.service.ts';
import { RunQueueRepository } from '../workers/run-queue.repository.ts';
import { CronSchedule, InvalidScheduleError } from './cron.ts';
import { type Schedule, type ScheduleRepository } from './schedule.repository.ts';

export interface CreateScheduleInput {
  kind: JobKind;
  cron: string;
  /** IANA zone the cron fields are read in; default UTC. */
  timezone?: string;
  enabled?: boolean;
  /** Import or inventory of one account; without it the run covers every active account of the tenant. */
  cloudAccountId?: string | null;
}

export interface UpdateScheduleInput {
  cron?: string;
  timezone?: string;
  enabled?: boolean;
  cloudAccountId?: string | null;
}

export class ScheduleNotFoundError extends Error {
  readonly code = 'SCHEDULE_NOT_FOUND';
  constructor(readonly tenantId: string, readonly scheduleId: string) {
    super(`Schedule ${scheduleId} does not exist for tenant ${JSON.stringify(tenantId)}`);
    this.name = 'ScheduleNotFoundError';
  }
}

/** A schedule as callers see it: the stored row plus its next fire time. */
export interface ScheduleView extends Schedule {
  nextRunAt: Date | null;
}

/** Per-tenant schedules: validated cron and time zone, audit entries for every change. */
export class ScheduleService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly schedules: ScheduleRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async create(tenantId: string, input: CreateScheduleInput, actor: string): Promise<ScheduleView> {
    const tenant = parseTenantId(tenantId);
    if (!RUN_KINDS.includes(input.kind)) {
      throw new InvalidScheduleError('kind', `${JSON.stringify(input.kind)} is not one of ${RUN_KINDS.join(', ')}`);
    }
    const parsed = CronSchedule.parse(input.cron, input.timezone ?? 'UTC');
    const cloudAccountId = input.cloudAccountId ?? null;
    validateRunTarget(input.kind, { cloudAccountId });
    if (cloudAccountId) await RunQueueRepository.assertAccountOf(this.prisma, tenant, cloudAccountId);
    const created = await this.schedules.create(tenant, {
      kind: input.kind,
      cron: parsed.cron,
      timezone: parsed.timezone,
      enabled: input.enabled ?? true,
      cloudAccountId,
    });
    await this.audit.append({
      tenantId: tenant,
      actor,
      action: 'schedule.create',
      target: created.id,
      details: { kind: created.kind, cron: created.cron, timezone: created.timezone, enabled: created.enabled, cloudAccountId },
    });
    return view(created);
  }

  async list(tenantId: string): Promise<ScheduleView[]> {
    return (await this.schedules.list(tenantId)).map(view);
  }

  async get(tenantId: string, scheduleId: string): Promise<ScheduleView> {
    const found = await this.schedules.get(tenantId, scheduleId);
    if (!found) throw new ScheduleNotFoundError(parseTenantId(tenantId), scheduleId);
    return view(found);
  }

  async update(tenantId: string, scheduleId: string, input: UpdateScheduleInput, actor: string): Promise<ScheduleView> {
    const tenant = parseTenantId(tenantId);
    const current = await this.get(tenant, scheduleId);
    const parsed = CronSchedule.parse(input.cron ?? current.cron, input.timezone ?? current.timezone);
    const cloudAccountId = input.cloudAccountId === undefined ? current.cloudAccountId : input.cloudAccountId;
    validateRunTarget(current.kind, { cloudAccountId });
    if (cloudAccountId && cloudAccountId !== current.cloudAccountId) await RunQueueRepository.assertAccountOf(this.prisma, tenant, cloudAccountId);
    const updated = await this.schedules.update(tenant, scheduleId, {
      cron: parsed.cron,
      timezone: parsed.timezone,
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      cloudAccountId,
    });
    if (!updated) throw new ScheduleNotFoundError(tenant, scheduleId);
    await this.audit.append({
      tenantId: tenant,
      actor,
      action: 'schedule.update',
      target: scheduleId,
      details: { cron: updated.cron, timezone: updated.timezone, enabled: updated.enabled, cloudAccountId: updated.cloudAccountId },
    });
    return view(updated);
  }

  async remove(tenantId: string, scheduleId: string, actor: string): Promise<void> {
    const tenant = parseTenantId(tenantId);
    if (!(await this.schedules.delete(tenant, scheduleId))) throw new ScheduleNotFoundError(tenant, scheduleId);
    await this.audit.append({ tenantId: tenant, actor, action: 'schedule.delete', target: scheduleId });
  }
}

function view(schedule: Schedule): ScheduleView {
  let nextRunAt: Date | null = null;
  try {
    nextRunAt = new CronSchedule(schedule.cron, schedule.timezone).next(new Date());
  } catch {
    // A row written around the service may not parse; it is shown without a next run rather than hiding the list.
  }
  return { ...schedule, nextRunAt };
}
