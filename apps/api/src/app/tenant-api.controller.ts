import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { safeText } from '@openfinops/contracts';
import { z } from 'zod';
import { ADMIN_AND_UP, ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiKeyService } from '../api-keys/api-key.service.ts';
import type { ApiKeyRepository } from '../api-keys/api-key.repository.ts';
import { notFound } from '../common/api-error.ts';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.ts';
import { memberRoleSchema } from '../users/user.service.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { RUN_LIST_MAX_LIMIT, type RunRepository } from '../runs/run.repository.ts';
import type { MembershipRepository } from '../users/membership.repository.ts';
import { MEMBERSHIP_REPOSITORY } from '../auth/tenant-access.guard.ts';
import { CloudAccountService } from '../accounts/cloud-account.service.ts';
import { RunDetailService } from './run-detail.service.ts';
import { runLogQuery, runView } from './run-view.ts';

export const RUN_REPOSITORY = Symbol('RunRepository');
export const API_KEY_REPOSITORY = Symbol('ApiKeyRepository');

const createKeySchema = z.object({ name: safeText(100), role: memberRoleSchema }).strict();

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
    @Inject(API_KEY_REPOSITORY) private readonly apiKeys: ApiKeyRepository,
    @Inject(ApiKeyService) private readonly apiKeyService: ApiKeyService,
    @Inject(RunDetailService) private readonly runDetails: RunDetailService,
    @Inject(CloudAccountService) private readonly accounts: CloudAccountService,
  ) {}

  @Roles(...ANY_MEMBER)
  @Get()
  get(@Req() req: Req_) {
    const t = req.tenantAccess!;
    return { id: t.tenantId, name: t.tenantName, status: t.tenantStatus, role: t.role };
  }

  @Roles(...ANY_MEMBER)
  @Get('runs')
  @ApiZodQuery(runsQuerySchema)
  async listRuns(
    @Param('tenantId') tenantId: string,
    @Query(new ZodValidationPipe(runsQuerySchema, 'query')) query: z.infer<typeof runsQuerySchema>,
  ) {
    return { runs: (await this.runs.list(tenantId, query)).map(runView) };
  }

  /** One run with its log lines (read-only for every member). */
  @Roles(...ANY_MEMBER)
  @Get('runs/:runId')
  @ApiZodQuery(runLogQuery)
  run(
    @Param('tenantId') tenantId: string,
    @Param('runId', new ZodValidationPipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/), 'param')) runId: string,
    @Query(new ZodValidationPipe(runLogQuery, 'query')) q: z.infer<typeof runLogQuery>,
  ) {
    return this.runDetails.detail(tenantId, runId, q);
  }

  /** The tenant's cloud accounts: settings and status, never secrets (only `hasSecret`). */
  @Roles(...ANY_MEMBER)
  @Get('accounts')
  async listAccounts(@Param('tenantId') tenantId: string) {
    return { accounts: await this.accounts.list(tenantId) };
  }

  @Roles(...ADMIN_AND_UP)
  @Get('members')
  async members(@Param('tenantId') tenantId: string) {
    return { members: await this.memberships.list(tenantId) };
  }

  @Roles(...ADMIN_AND_UP)
  @Get('api-keys')
  async listApiKeys(@Param('tenantId') tenantId: string) {
    const keys = await this.apiKeys.list(tenantId);
    return {
      apiKeys: keys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        role: k.role,
        createdAt: k.createdAt,
        lastUsedAt: k.lastUsedAt,
        revokedAt: k.revokedAt,
      })),
    };
  }

  /** The key is in the response once; only its hash is stored. */
  @Roles(...ADMIN_AND_UP)
  @Post('api-keys')
  @ApiZodBody(createKeySchema)
  async createApiKey(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Body(new ZodValidationPipe(createKeySchema)) body: z.infer<typeof createKeySchema>,
  ) {
    const created = await this.apiKeyService.create({ tenantId, name: body.name, role: body.role, actor: actorOf(req.principal!) });
    return { key: created.key, id: created.apiKey.id, name: created.apiKey.name, role: created.apiKey.role, prefix: created.apiKey.prefix };
  }

  @Roles(...ADMIN_AND_UP)
  @Delete('api-keys/:keyId')
  @HttpCode(204)
  async revokeApiKey(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('keyId', new ZodValidationPipe(z.uuid(), 'param')) keyId: string,
  ) {
    if (!(await this.apiKeyService.revoke(tenantId, keyId, actorOf(req.principal!)))) throw notFound();
  }
}
