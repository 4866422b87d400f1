import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { RunDetailService } from '../app/run-detail.service.ts';
import { runLogQuery, runView } from '../app/run-view.ts';
import { ADMIN_AND_UP, PlatformAdmin, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { RUN_LIST_MAX_LIMIT } from '../runs/run.repository.ts';
import { RunService } from '../runs/run.service.ts';
import { ScheduleService } from '../scheduler/schedule.service.ts';

const kind = z.enum(['import', 'inventory', 'check']);
const triggerSchema = z
  .object({ kind, cloudAccountId: z.uuid().nullable().optional(), checkId: z.string().max(200).nullable().optional() })
  .strict();
const runsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(RUN_LIST_MAX_LIMIT).optional(),
    kind: kind.optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  })
  .strict();
const runIdParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
const scheduleIdParam = z.uuid();
const cron = z.string().trim().min(1).max(200);
const timezone = z.string().trim().min(1).max(64);
const createScheduleSchema = z
  .object({ kind, cron, timezone: timezone.optional(), enabled: z.boolean().optional(), cloudAccountId: z.uuid().nullable().optional() })
  .strict();
const updateScheduleSchema = z
  .object({ cron: cron.optional(), timezone: timezone.optional(), enabled: z.boolean().optional(), cloudAccountId: z.uuid().nullable().optional() })
  .strict();

type Req_ = Request & AuthenticatedRequestFields;

/**
 * Runs (trigger, list, show with logs, cancel, retry) of a tenant, for platform admins; its schedules also for the
 * tenant's owners and admins. Audited by the services.
 */
@ApiTags('admin')
@ApiBearerAuth()
@PlatformAdmin()
@Controller('admin/tenants/:tenantId')
export class AdminRunsController {
  constructor(
    @Inject(RunService) private readonly runs: RunService,
    @Inject(RunDetailService) private readonly runDetails: RunDetailService,
    @Inject(ScheduleService) private readonly schedules: ScheduleService,
  ) {}

  @Get('runs')
  @ApiZodQuery(runsQuery)
  async listRuns(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(runsQuery, 'query')) q: z.infer<typeof runsQuery>) {
    return { runs: (await this.runs.list(tenantId, q)).map(runView) };
  }

  /** Queues a run now; when the same work is already queued that run comes back with `created: false`. */
  @Post('runs')
  @ApiZodBody(triggerSchema)
  async trigger(@Req() req: Req_, @Param('tenantId') tenantId: string, @Body(new ZodValidationPipe(triggerSchema)) body: z.infer<typeof triggerSchema>) {
    const result = await this.runs.trigger(tenantId, { ...body, actor: actorOf(req.principal!) });
    return { run: runView(result.run), created: result.created };
  }

  @Get('runs/:runId')
  @ApiZodQuery(runLogQuery)
  showRun(
    @Param('tenantId') tenantId: string,
    @Param('runId', new ZodValidationPipe(runIdParam, 'param')) runId: string,
    @Query(new ZodValidationPipe(runLogQuery, 'query')) q: z.infer<typeof runLogQuery>,
  ) {
    return this.runDetails.detail(tenantId, runId, q);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(200)
  async cancel(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('runId', new ZodValidationPipe(runIdParam, 'param')) runId: string) {
    const result = await this.runs.cancel(tenantId, runId, actorOf(req.principal!));
    return { run: runView(result.run), outcome: result.outcome };
  }

  @Post('runs/:runId/retry')
  async retry(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('runId', new ZodValidationPipe(runIdParam, 'param')) runId: string) {
    const result = await this.runs.retry(tenantId, runId, actorOf(req.principal!));
    return { run: runView(result.run), created: result.created };
  }

  @Get('schedules')
  @Roles(...ADMIN_AND_UP)
  async listSchedules(@Param('tenantId') tenantId: string) {
    return { schedules: await this.schedules.list(tenantId) };
  }

  @Post('schedules')
  @Roles(...ADMIN_AND_UP)
  @ApiZodBody(createScheduleSchema)
  createSchedule(@Req() req: Req_, @Param('tenantId') tenantId: string, @Body(new ZodValidationPipe(createScheduleSchema)) body: z.infer<typeof createScheduleSchema>) {
    return this.schedules.create(tenantId, body, actorOf(req.principal!));
  }

  @Patch('schedules/:scheduleId')
  @Roles(...ADMIN_AND_UP)
  @ApiZodBody(updateScheduleSchema)
  updateSchedule(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('scheduleId', new ZodValidationPipe(scheduleIdParam, 'param')) scheduleId: string,
    @Body(new ZodValidationPipe(updateScheduleSchema)) body: z.infer<typeof updateScheduleSchema>,
  ) {
    return this.schedules.update(tenantId, scheduleId, body, actorOf(req.principal!));
  }

  @Delete('schedules/:scheduleId')
  @Roles(...ADMIN_AND_UP)
  @HttpCode(204)
  async removeSchedule(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('scheduleId', new ZodValidationPipe(scheduleIdParam, 'param')) scheduleId: string) {
    await this.schedules.remove(tenantId, scheduleId, actorOf(req.principal!));
  }
}
