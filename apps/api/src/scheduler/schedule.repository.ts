import { parseTenantId } from '@openfinops/tenants';
import type { JobKind, PrismaClient, Schedule } from '../generated/prisma/client.ts';
import { type EnqueueInput, type EnqueueResult, RunQueueRepository } from '../workers/run-queue.repository.ts';

export type { Schedule };

export interface ScheduleData {
  kind: JobKind;
  cron: string;
  timezone: string;
  enabled: boolean;
  cloudAccountId: string | null;
}

export type SchedulePatch = Partial<Omit<ScheduleData, 'kind'>>;

/** Schedules of one tenant; listEnabled() is the scheduler's cross-tenant read. */
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: string, data: ScheduleData): Promise<Schedule> {
    return this.prisma.schedule.create({ data: { tenantId: parseTenantId(tenantId), ...data } });
  }

  async list(tenantId: string): Promise<Schedule[]> {
    return this.prisma.schedule.findMany({ where: { tenantId: parseTenantId(tenantId) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async get(tenantId: string, scheduleId: string): Promise<Schedule | null> {
    return this.prisma.schedule.findFirst({ where: { id: scheduleId, tenantId: parseTenantId(tenantId) } });
  }

  /** Null when the tenant has no such schedule. */
  async update(tenantId: string, scheduleId: string, patch: SchedulePatch): Promise<Schedule | null> {
    const tenant = parseTenantId(tenantId);
    const { count } = await this.prisma.schedule.updateMany({ where: { id: scheduleId, tenantId: tenant }, data: patch });
    return count === 0 ? null : this.get(tenant, scheduleId);
  }

  async delete(tenantId: string, scheduleId: string): Promise<boolean> {
    const { count } = await this.prisma.schedule.deleteMany({ where: { id: scheduleId, tenantId: parseTenantId(tenantId) } });
    return count > 0;
  }

  /** Enabled schedules of active tenants, for the scheduler tick. */
  async listEnabled(): Promise<Schedule[]> {
    return this.prisma.schedule.findMany({ where: { enabled: true, tenant: { status: 'active' } }, orderBy: { id: 'asc' } });
  }

  /**
   * Records `slot` as the schedule's last enqueued slot and queues its run, in one transaction. The update is a
   * compare-and-set on lastEnqueuedAt, so when two schedulers see the same due slot only the first enqueues;
   * the second's update matches no row (PostgreSQL re-checks the condition after the first commits) and it
   * returns null.
   */
  async enqueueSlot(tenantId: string, scheduleId: string, slot: Date, run: EnqueueInput): Promise<EnqueueResult | null> {
    const tenant = parseTenantId(tenantId);
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.schedule.updateMany({
        where: { id: scheduleId, tenantId: tenant, enabled: true, OR: [{ lastEnqueuedAt: null }, { lastEnqueuedAt: { lt: slot } }] },
        data: { lastEnqueuedAt: slot },
      });
      if (count === 0) return null;
      return RunQueueRepository.enqueueIn(tx, tenant, run);
    });
  }
}
