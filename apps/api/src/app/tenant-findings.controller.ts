import { Body, Controller, Get, Inject, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { ANALYST_AND_UP, ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { badRequest, notFound } from '../common/api-error.ts';
import { ApiZodBody } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import type { FindingStateRepository, FindingStateView } from '../findings/finding-state.repository.ts';
import type { FocusLakeRepository } from '../imports/focus-lake.repository.ts';
import type { FindingState } from '../generated/prisma/client.ts';
import { FINDING_SORTS, InvalidCursorError, type FindingQueryRepository } from './finding-query.repository.ts';

export const FINDING_QUERY_REPOSITORY = Symbol('FindingQueryRepository');
export const FINDING_STATE_REPOSITORY = Symbol('FindingStateRepository');
export const FOCUS_LAKE_REPOSITORY = Symbol('FocusLakeRepository');
export const AUDIT_LOG_REPOSITORY = Symbol('AuditLogRepository');

const filterValue = z.string().trim().min(1).max(200).optional();
const findingsQuerySchema = z
  .object({
    status: z.enum(['open', 'resolved', 'suppressed']).optional(),
    check: filterValue,
    category: filterValue,
    severity: filterValue,
    provider: filterValue,
    account: filterValue,
    region: filterValue,
    text: filterValue,
    sort: z.enum(FINDING_SORTS).default('-savings'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .strict();

const patchFindingSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('suppress'),
      reason: z.string().trim().min(1).max(1000),
      until: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
  z.object({ action: z.literal('reopen') }).strict(),
]);

const costsQuerySchema = z
  .object({
    billingPeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected yyyy-mm').optional(),
    provider: z.enum(['aws', 'azure', 'gcp', 'oci', 'other']).optional(),
  })
  .strict();

const FINGERPRINT = /^[A-Za-z0-9_-]{8,128}$/;

type Req_ = Request & AuthenticatedRequestFields;

function view(row: FindingState | FindingStateView) {
  const savings = row.estimatedMonthlySavings;
  return {
    fingerprint: row.fingerprint,
    checkId: row.checkId,
    provider: row.provider,
    accountId: row.accountId,
    region: row.region,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    status: row.status,
    title: row.title,
    category: row.category,
    severity: row.severity,
    // Money leaves as a decimal string beside its currency, never as a float.
    estimatedMonthlySavings: savings === null ? null : typeof savings === 'string' ? savings : savings.toFixed(6),
    currency: row.currency,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    suppressedUntil: row.suppressedUntil,
    suppressedBy: row.suppressedBy,
    suppressedReason: row.suppressedReason,
  };
}

/** Tenant findings and costs (phase 2). */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenants/:tenantId')
export class TenantFindingsController {
  constructor(
    @Inject(FINDING_QUERY_REPOSITORY) private readonly query: FindingQueryRepository,
    @Inject(FINDING_STATE_REPOSITORY) private readonly states: FindingStateRepository,
    @Inject(FOCUS_LAKE_REPOSITORY) private readonly focusLake: FocusLakeRepository,
    @Inject(AUDIT_LOG_REPOSITORY) private readonly audit: AuditLogRepository,
  ) {}

  @Roles(...ANY_MEMBER)
  @Get('findings')
  async list(
    @Param('tenantId') tenantId: string,
    @Query(new ZodValidationPipe(findingsQuerySchema, 'query')) q: z.infer<typeof findingsQuerySchema>,
  ) {
    try {
      const page = await this.query.list(tenantId, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.check ? { checkId: q.check } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.provider ? { provider: q.provider } : {}),
        ...(q.account ? { accountId: q.account } : {}),
        ...(q.region ? { region: q.region } : {}),
        ...(q.text ? { text: q.text } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        sort: q.sort,
        limit: q.limit,
      });
      return { findings: page.rows.map(view), nextCursor: page.nextCursor };
    } catch (err) {
      if (err instanceof InvalidCursorError) throw badRequest(err.message, { field: 'query.cursor' });
      throw err;
    }
  }

  @Roles(...ANALYST_AND_UP)
  @Patch('findings/:fingerprint')
  @ApiZodBody(patchFindingSchema)
  async update(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('fingerprint') fingerprint: string,
    @Body(new ZodValidationPipe(patchFindingSchema)) body: z.infer<typeof patchFindingSchema>,
  ) {
    if (!FINGERPRINT.test(fingerprint)) throw notFound();
    const actor = actorOf(req.principal!);
    if (body.action === 'suppress') {
      const until = body.until === undefined ? null : new Date(body.until);
      if (until && until.getTime() <= Date.now()) throw badRequest('Invalid body.until: must be in the future', { field: 'body.until' });
      const updated = await this.states.suppress(tenantId, fingerprint, { until, by: actor, reason: body.reason });
      await this.audit.append({
        tenantId,
        actor,
        action: 'finding.suppress',
        target: `finding:${fingerprint}`,
        details: { reason: body.reason, until: until?.toISOString() ?? null },
      });
      return view(updated);
    }
    if (!(await this.query.reopenSuppressed(tenantId, fingerprint))) {
      const current = await this.states.get(tenantId, fingerprint);
      if (!current) throw notFound();
      throw badRequest(`Finding ${fingerprint} is ${current.status}, not suppressed: only suppressed findings can be reopened`);
    }
    await this.audit.append({ tenantId, actor, action: 'finding.reopen', target: `finding:${fingerprint}` });
    const reopened = await this.states.get(tenantId, fingerprint);
    if (!reopened) throw notFound();
    return view(reopened);
  }

  /** Totals per billing period, provider and currency from the tenant's FOCUS lake (currencies never summed). */
  @Roles(...ANY_MEMBER)
  @Get('costs/summary')
  async costs(
    @Param('tenantId') tenantId: string,
    @Query(new ZodValidationPipe(costsQuerySchema, 'query')) q: z.infer<typeof costsQuerySchema>,
  ) {
    const totals = await this.focusLake.totals(tenantId, q);
    return { totals };
  }
}
