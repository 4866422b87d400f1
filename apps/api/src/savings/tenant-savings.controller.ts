import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { savingsQuery } from '@openfinops/contracts';
import type { z } from 'zod';
import { ANY_MEMBER, Roles } from '../auth/access.decorators.ts';
import { ApiZodQuery } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { SavingsService } from './savings.service.ts';

@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenants/:tenantId/savings')
export class TenantSavingsController {
  constructor(@Inject(SavingsService) private readonly savings: SavingsService) {}

  /** Open estimated monthly savings by category and check, and realized savings by resolution month. */
  @Roles(...ANY_MEMBER)
  @Get()
  @ApiZodQuery(savingsQuery)
  summary(@Param('tenantId') tenantId: string, @Query(new ZodValidationPipe(savingsQuery, 'query')) q: z.infer<typeof savingsQuery>) {
    return this.savings.summary(tenantId, q);
  }
}
