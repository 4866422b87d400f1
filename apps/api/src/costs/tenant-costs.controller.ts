import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { costSummaryQuery, costTrendQuery, type CostSummaryQuery, type CostTrendQuery } from '@openfinops/contracts';
import { ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import { ApiZodQuery } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { CostService } from './cost.service.ts';

/** Tenant cost queries over the FOCUS rollups; the tenant guard has already checked `:tenantId` and access. */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenants/:tenantId/costs')
export class TenantCostsController {
  constructor(@Inject(CostService) private readonly costs: CostService) {}

  /** BilledCost, EffectiveCost and ListCost per group and currency, as decimal strings. */
  @Roles(...ANY_MEMBER)
  @Get('summary')
  @ApiZodQuery(costSummaryQuery)
  summary(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(costSummaryQuery, 'query')) q: CostSummaryQuery) {
    return this.costs.summary(tenantId, q);
  }

  /** Daily or monthly series with a month-end forecast per currency. */
  @Roles(...ANY_MEMBER)
  @Get('trend')
  @ApiZodQuery(costTrendQuery)
  trend(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(costTrendQuery, 'query')) q: CostTrendQuery) {
    return this.costs.trend(tenantId, q);
  }
}
