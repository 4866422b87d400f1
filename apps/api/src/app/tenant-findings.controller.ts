import { Body, Controller, Get, Inject, Param, Patch, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  findingDetailQuery,
  findingsExportQuery,
  findingsListQuery,
  patchFindingBody,
  type FindingsExportQuery,
  type FindingsListQuery,
  type PatchFindingBody,
} from '@openfinops/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { ANALYST_AND_UP, ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { FindingsExportService } from '../findings/findings-export.service.ts';
import { TenantFindingsService } from '../findings/tenant-findings.service.ts';

/** Fingerprints are path segments: a bounded, path-neutral alphabet, else 404 like any unknown finding. */
const fingerprintParam = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/);

type Req_ = Request & AuthenticatedRequestFields;

/** Tenant findings: list, export, detail with history, triage. The tenant guard has checked `:tenantId` and access. */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenants/:tenantId/findings')
export class TenantFindingsController {
  constructor(
    @Inject(TenantFindingsService) private readonly findings: TenantFindingsService,
    @Inject(FindingsExportService) private readonly exports: FindingsExportService,
  ) {}

  @Roles(...ANY_MEMBER)
  @Get()
  @ApiZodQuery(findingsListQuery)
  list(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(findingsListQuery, 'query')) q: FindingsListQuery) {
    return this.findings.list(tenantId, q);
  }

  /** Declared before `:fingerprint` so "export" is never read as a fingerprint. */
  @Roles(...ANY_MEMBER)
  @Get('export')
  @ApiProduces('text/csv', 'application/vnd.apache.arrow.stream', 'application/vnd.apache.parquet')
  @ApiZodQuery(findingsExportQuery)
  async export(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(findingsExportQuery, 'query')) q: FindingsExportQuery) {
    const file = await this.exports.export(tenantId, q);
    return new StreamableFile(file.stream, { type: file.contentType, disposition: `attachment; filename="${file.filename}"` });
  }

  @Roles(...ANY_MEMBER)
  @Get(':fingerprint')
  @ApiZodQuery(findingDetailQuery)
  detail(
    @Param('tenantId') tenantId: string,
    @Param('fingerprint', new ZodValidationPipe(fingerprintParam, 'param')) fingerprint: string,
    @Query(new ZodValidationPipe(findingDetailQuery, 'query')) q: z.infer<typeof findingDetailQuery>,
  ) {
    return this.findings.detail(tenantId, fingerprint, q.history);
  }

  /** `{action: "suppress", reason, until?}`, `{action: "reopen"}` or `{action: "assign", assignee}`; audited. */
  @Roles(...ANALYST_AND_UP)
  @Patch(':fingerprint')
  @ApiZodBody(patchFindingBody)
  update(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('fingerprint', new ZodValidationPipe(fingerprintParam, 'param')) fingerprint: string,
    @Body(new ZodValidationPipe(patchFindingBody)) body: PatchFindingBody,
  ) {
    return this.findings.update(tenantId, fingerprint, body, actorOf(req.principal!));
  }
}
