import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { safeText } from '@openfinops/contracts';
import { z } from 'zod';
import { ADMIN_AND_UP, PlatformAdmin, Roles } from '../auth/access.decorators.ts';
import { actorOf, type AuthenticatedRequestFields } from '../auth/principal.ts';
import { ApiZodBody } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import { memberRoleSchema } from '../users/user.service.ts';
import { AdminService, type MembershipCaller } from './admin.service.ts';

const createTenantSchema = z.object({ id: z.string().min(1).max(63), name: safeText(200) }).strict();
const addMemberSchema = z.object({ email: z.email().max(254), role: memberRoleSchema }).strict();

type Req_ = Request & AuthenticatedRequestFields;
const actor = (req: Req_) => actorOf(req.principal!);
const callerOf = (req: Req_): MembershipCaller => ({
  platformAdmin: req.principal?.kind === 'user' && req.principal.isPlatformAdmin,
  role: req.tenantAccess?.role ?? null,
});

function tenantView(t: { id: string; name: string; status: string; createdAt: Date; updatedAt: Date }) {
  return { id: t.id, name: t.name, status: t.status, createdAt: t.createdAt, updatedAt: t.updatedAt };
}

/** Onboarding API for platform administrators. `:tenantId` is validated by the tenant guard (400 when malformed). */
@ApiTags('admin')
@ApiBearerAuth()
@PlatformAdmin()
@Controller('admin/tenants')
export class AdminTenantsController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @Get()
  async list() {
    return { tenants: (await this.admin.listTenants()).map(tenantView) };
  }

  @Post()
  @ApiZodBody(createTenantSchema)
  async create(@Req() req: Req_, @Body(new ZodValidationPipe(createTenantSchema)) body: z.infer<typeof createTenantSchema>) {
    return tenantView(await this.admin.createTenant(body, actor(req)));
  }

  @Get(':tenantId')
  async get(@Param('tenantId') tenantId: string) {
    return tenantView(await this.admin.getTenant(tenantId));
  }

  @Post(':tenantId/suspend')
  @HttpCode(200)
  async suspend(@Req() req: Req_, @Param('tenantId') tenantId: string) {
    return tenantView(await this.admin.setStatus(tenantId, 'suspended', actor(req)));
  }

  @Post(':tenantId/resume')
  @HttpCode(200)
  async resume(@Req() req: Req_, @Param('tenantId') tenantId: string) {
    return tenantView(await this.admin.setStatus(tenantId, 'active', actor(req)));
  }

  @Delete(':tenantId')
  async remove(@Req() req: Req_, @Param('tenantId') tenantId: string) {
    return this.admin.deleteTenant(tenantId, actor(req));
  }

  @Get(':tenantId/members')
  @Roles(...ADMIN_AND_UP)
  async members(@Param('tenantId') tenantId: string) {
    return { members: await this.admin.listMembers(tenantId) };
  }

  @Post(':tenantId/members')
  @Roles(...ADMIN_AND_UP)
  @ApiZodBody(addMemberSchema)
  addMember(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Body(new ZodValidationPipe(addMemberSchema)) body: z.infer<typeof addMemberSchema>,
  ) {
    return this.admin.addMember(tenantId, body.email, body.role, actor(req), callerOf(req));
  }

  @Delete(':tenantId/members/:userId')
  @Roles(...ADMIN_AND_UP)
  @HttpCode(204)
  async removeMember(
    @Req() req: Req_,
    @Param('tenantId') tenantId: string,
    @Param('userId', new ZodValidationPipe(z.uuid(), 'param')) userId: string,
  ) {
    await this.admin.removeMember(tenantId, userId, actor(req), callerOf(req));
  }
}
