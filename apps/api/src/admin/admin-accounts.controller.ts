import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { safeText } from '@openfinops/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { CloudAccountService } from '../accounts/cloud-account.service.ts';
import { ADMIN_AND_UP, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiZodBody } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';

const options = z.record(z.string().max(100), z.unknown());
/** Secret fields are write-only: accepted here, sealed, and never in any response (views carry `hasSecret`). */
const secret = z.record(z.string().max(100), z.string().max(20_000));
const createAccountSchema = z
  .object({
    provider: z.enum(['aws', 'azure', 'gcp']),
    name: safeText(200),
    options: options.default({}),
    secret: secret.optional(),
    /** Run the connector's dry run right after creating the account; the report comes back as `test`. */
    test: z.boolean().default(false),
  })
  .strict();
const updateAccountSchema = z.object({ name: safeText(200).optional(), options: options.optional(), secret: secret.nullable().optional() }).strict();
const accountIdParam = z.uuid();

type Req_ = Request & AuthenticatedRequestFields;

/**
 * Cloud accounts of a tenant: create with an optional dry run, update, disable, enable, test. For platform admins
 * and the tenant's own owners and admins (the tenant guard checks the membership for the route's tenant).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles(...ADMIN_AND_UP)
@Controller('admin/tenants/:tenantId/accounts')
export class AdminAccountsController {
  constructor(@Inject(CloudAccountService) private readonly accounts: CloudAccountService) {}

  @Get()
  async list(@Param('tenantId') tenantId: string) {
    return { accounts: await this.accounts.list(tenantId) };
  }

  @Post()
  @ApiZodBody(createAccountSchema)
  async create(@Req() req: Req_, @Param('tenantId') tenantId: string, @Body(new ZodValidationPipe(createAccountSchema)) body: z.infer<typeof createAccountSchema>) {
    const actor = actorOf(req.principal!);
    const created = await this.accounts.create(tenantId, { provider: body.provider, name: body.name, options: body.options, ...(body.secret ? { secret: body.secret } : {}) }, actor);
    const test = body.test ? await this.accounts.test(tenantId, created.account.id, { actor }) : null;
    return { ...created, test };
  }

  @Get(':accountId')
  get(@Param('tenantId') tenantId: string, @Param('accountId', new ZodValidationPipe(accountIdParam, 'param')) accountId: string) {
    return this.accounts.get(tenantId, accountId);
  }

  @Patch(':accountId')
  @ApiZodBody(updateAccountSchema)
  update(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('accountId', new ZodValidationPipe(accountIdParam, 'param')) accountId: string,
    @Body(new ZodValidationPipe(updateAccountSchema)) body: z.infer<typeof updateAccountSchema>,
  ) {
    return this.accounts.update(tenantId, accountId, body, actorOf(req.principal!));
  }

  @Post(':accountId/disable')
  @HttpCode(200)
  disable(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('accountId', new ZodValidationPipe(accountIdParam, 'param')) accountId: string) {
    return this.accounts.disable(tenantId, accountId, actorOf(req.principal!));
  }

  @Post(':accountId/enable')
  @HttpCode(200)
  enable(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('accountId', new ZodValidationPipe(accountIdParam, 'param')) accountId: string) {
    return this.accounts.enable(tenantId, accountId, actorOf(req.principal!));
  }

  /** Connection test / dry run through the provider's connector (nothing is imported). */
  @Post(':accountId/test')
  @HttpCode(200)
  test(@Req() req: Req_, @Param('tenantId') tenantId: string, @Param('accountId', new ZodValidationPipe(accountIdParam, 'param')) accountId: string) {
    return this.accounts.test(tenantId, accountId, { actor: actorOf(req.principal!) });
  }
}
