import type { Logger } from 'pino';
import { CronSchedule } from './cron.ts';
import type { ScheduleRepository } from './schedule.repository.ts';

export interface EnqueuedSlot {
  tenantId: string;
  scheduleId: string;
  slot: Date;
  runId: string;
  /** False when the same work was already queued (the schedule's slot is still consumed). */
  created: boolean;
}

export interface TickResult {
  enqueued: EnqueuedSlot[];
  /** Schedules that could not be evaluated (bad cron in the row, database error), with the reason. */
  errors: { scheduleId: string; tenantId: string; error: string }[];
}

/**
 * Turns due schedule slots into queued runs. Any number of schedulers may tick at once (every worker process runs
 * one): a slot is enqueued once, by whichever scheduler wins ScheduleRepository.enqueueSlot's compare-and-set.
 * A new schedule starts counting from its creation, so it never fires for slots before it existed.
 * What calls tick() and how often is the worker runtime's business (an interval in @nestjs/schedule's registry).
 */
export class SchedulerService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly logger: Logger,
  ) {}

  async tick(now: Date = new Date()): Promise<TickResult> {
    const result: TickResult = { enqueued: [], errors: [] };
    for (const schedule of await this.schedules.listEnabled()) {
      const { id: scheduleId, tenantId } = schedule;
      try {
        const slot = new CronSchedule(schedule.cron, schedule.timezone).dueSlot(schedule.lastEnqueuedAt ?? schedule.createdAt, now);
        if (!slot) continue;
        const outcome = await this.schedules.enqueueSlot(tenantId, scheduleId, slot, {
          kind: schedule.kind,
          cloudAccountId: schedule.cloudAccountId,
          params: { scheduleId, slot: slot.toISOString() },
        });
        if (!outcome) continue;
        result.enqueued.push({ tenantId, scheduleId, slot, runId: outcome.run.id, created: outcome.created });
        this.logger.info(
          { tenantId, scheduleId, runId: outcome.run.id, kind: schedule.kind, slot: slot.toISOString(), created: outcome.created },
          outcome.created ? 'schedule slot enqueued a run' : 'schedule slot found the same run already queued',
        );
      } catch (err) {
        result.errors.push({ scheduleId, tenantId, error: (err as Error).message });
        this.logger.error({ tenantId, scheduleId, err }, 'schedule could not be evaluated');
      }
    }
    return result;
  }
}
