import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { ADMIN_AND_UP, ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import type { AuthenticatedRequestFields } from '../auth/principal.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { RUN_LIST_MAX_LIMIT, type RunRepository } from '../runs/run.repository.ts';
import type { MembershipRepository } from '../users/membership.repository.ts';
import { MEMBERSHIP_REPOSITORY } from '../auth/tenant-access.guard.ts';

export const RUN_REPOSITORY = Symbol('RunRepository');

const runsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(RUN_LIST_MAX_LIMIT).optional(),
    kind: z.enum(['import', 'inventory', 'check']).optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  })
  .strict();

type Req_ = Request & AuthenticatedRequestFields;

/** Tenant-scoped API. The tenant guard has already checked `:tenantId` and the caller's access to it. */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenants/:tenantId')
export class TenantApiController {
  constructor(
    @Inject(RUN_REPOSITORY) private readonly runs: RunRepository,
    @Inject(MEMBERSHIP_REPOSITORY) private readonly memberships: MembershipRepository,
  ) {}

  @Roles(...ANY_MEMBER)
  @Get()
  get(@Req() req: Req_) {
    const t = req.tenantAccess!;
    return { id: t.tenantId, name: t.tenantName, status: t.tenantStatus, role: t.role };
  }

  @Roles(...ANY_MEMBER)
  @Get('runs')
  async listRuns(
    @Param('tenantId') tenantId: string,
    @Query(new ZodValidationPipe(runsQuerySchema, 'query')) query: z.infer<typeof runsQuerySchema>,
  ) {
    const runs = await this.runs.list(tenantId, query);
    return {
      runs: runs.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        checkId: r.checkId,
        cloudAccountId: r.cloudAccountId,
        attempts: r.attempts,
        createdAt: r.createdAt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        stats: r.stats,
        error: r.error,
      })),
    };
  }

  @Roles(...ADMIN_AND_UP)
  @Get('members')
  async members(@Param('tenantId') tenantId: string) {
    return { members: await this.memberships.list(tenantId) };
  }
}
