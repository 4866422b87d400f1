import { Body, Controller, Get, Inject, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { PlatformAdmin } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiZodBody } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { CheckerCatalogService } from './checker-catalog.service.ts';

/** Checker ids are `<provider>/<name>`; in a path the slash travels encoded (`aws%2Fec2-graviton`). */
const checkIdParam = z.string().regex(/^[a-z0-9]+\/[a-z0-9][a-z0-9-]{1,62}$/, 'expected <provider>/<name>, URL-encoded');
const putCheckerSchema = z.object({ enabled: z.boolean(), config: z.record(z.string(), z.unknown()).default({}) }).strict();

type Req_ = Request & AuthenticatedRequestFields;

@ApiTags('admin')
@ApiBearerAuth()
@PlatformAdmin()
@Controller('admin')
export class AdminCheckersController {
  constructor(@Inject(CheckerCatalogService) private readonly checkers: CheckerCatalogService) {}

  /** Every loaded checker with its inputs and config JSON Schema. */
  @Get('checkers')
  catalog() {
    return { checkers: this.checkers.catalog() };
  }

  @Get('tenants/:tenantId/checkers')
  async forTenant(@Param('tenantId') tenantId: string) {
    return { checkers: await this.checkers.forTenant(tenantId) };
  }

  @Get('tenants/:tenantId/checkers/:checkId')
  get(@Param('tenantId') tenantId: string, @Param('checkId', new ZodValidationPipe(checkIdParam, 'param')) checkId: string) {
    return this.checkers.get(tenantId, checkId);
  }

  /** Enables or disables the checker for the tenant and stores its config (validated by the checker). */
  @Put('tenants/:tenantId/checkers/:checkId')
  @ApiZodBody(putCheckerSchema)
  put(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('checkId', new ZodValidationPipe(checkIdParam, 'param')) checkId: string,
    @Body(new ZodValidationPipe(putCheckerSchema)) body: z.infer<typeof putCheckerSchema>,
  ) {
    return this.checkers.put(tenantId, checkId, body, actorOf(req.principal!));
  }
}
