import { rm } from 'node:fs/promises';
import { LakeLayout, parseTenantId } from '@openfinops/tenants';
import { localChange } from '../common/cache-changes.ts';
import type { MemberRole, Tenant } from '../generated/prisma/client.ts';
import { TenantNotFoundError } from '../tenants/tenant.errors.ts';
import type { TenantRepository } from '../tenants/tenant.repository.ts';
import type { MemberRow, MembershipRepository } from '../users/membership.repository.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { CreatedUser, UserService } from '../users/user.service.ts';
import type { AuditLogRepository } from './audit-log.repository.ts';
import type { TenantDeletionRepository } from './tenant-deletion.repository.ts';

/** Who asks for a membership change: platform admins and owners may touch owners, tenant admins may not. */
export interface MembershipCaller {
  platformAdmin: boolean;
  role: MemberRole | null;
}

export class OwnerChangeForbiddenError extends Error {
  readonly code = 'OWNER_CHANGE_FORBIDDEN';
  constructor(tenantId: string) {
    super(`Only an owner of ${tenantId} or a platform administrator may add, change or remove an owner`);
    this.name = 'OwnerChangeForbiddenError';
  }
}

export class MemberNotFoundError extends Error {
  readonly code = 'MEMBER_NOT_FOUND';
  constructor(readonly tenantId: string, readonly userId: string) {
    super(`User ${userId} is not a member of tenant ${tenantId}`);
    this.name = 'MemberNotFoundError';
  }
}

export interface AddMemberResult {
  userId: string;
  email: string;
  role: MemberRole;
  /** Set when the user did not exist: printed once so the admin can hand it over. */
  oneTimePassword: string | null;
}

/** Platform-admin operations. Every change is written to the audit log with the acting admin. */
export class AdminService {
  private readonly lake: LakeLayout;

  constructor(
    private readonly tenants: TenantRepository,
    private readonly deletion: TenantDeletionRepository,
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly userService: UserService,
    private readonly audit: AuditLogRepository,
    dataDir: string,
  ) {
    this.lake = new LakeLayout(dataDir);
  }

  listTenants(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  getTenant(tenantId: string): Promise<Tenant> {
    return this.tenants.require(tenantId);
  }

  createTenant(input: { id: string; name: string }, actor: string): Promise<Tenant> {
    return this.tenants.create(input, actor);
  }

  setStatus(tenantId: string, status: 'active' | 'suspended', actor: string): Promise<Tenant> {
    return this.tenants.setStatus(tenantId, status, actor);
  }

  /** Store rows first (cascade), then the tenant's lake directories; the audit entry is platform-level so it survives. */
  async deleteTenant(tenantId: string, actor: string): Promise<{ tenantId: string; removedDirectories: string[] }> {
    const id = parseTenantId(tenantId);
    if (!(await this.deletion.delete(id))) throw new TenantNotFoundError(id);
    const dirs = [
      this.lake.findingsTenantDir(id),
      this.lake.focusTenantDir(id),
      this.lake.rollupsTenantDir(id),
      this.lake.inventoryTenantDir(id),
      this.lake.stagingDir(id),
    ];
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    localChange('lake');
    await this.audit.append({ tenantId: null, actor, action: 'tenant.delete', target: `tenant:${id}`, details: { removedDirectories: dirs } });
    return { tenantId: id, removedDirectories: dirs };
  }

  async listMembers(tenantId: string): Promise<MemberRow[]> {
    await this.tenants.require(tenantId);
    return this.memberships.list(tenantId);
  }

  /** Adds an existing user by email, or creates the user with a one-time password (invites come later). */
  async addMember(tenantId: string, email: string, role: MemberRole, actor: string, caller?: MembershipCaller): Promise<AddMemberResult> {
    await this.tenants.require(tenantId);
    const existing = await this.users.findByEmail(email);
    if (role === 'owner') this.requireOwnerRights(tenantId, caller);
    if (existing && (await this.memberships.roleOf(tenantId, existing.id)) === 'owner') this.requireOwnerRights(tenantId, caller);
    if (existing) {
      await this.userService.addMember(tenantId, existing.id, role, actor);
      return { userId: existing.id, email: existing.email, role, oneTimePassword: null };
    }
    const created: CreatedUser = await this.userService.create({ email, membership: { tenantId, role }, actor });
    return { userId: created.user.id, email: created.user.email, role, oneTimePassword: created.oneTimePassword };
  }

  async removeMember(tenantId: string, userId: string, actor: string, caller?: MembershipCaller): Promise<void> {
    await this.tenants.require(tenantId);
    if ((await this.memberships.roleOf(tenantId, userId)) === 'owner') this.requireOwnerRights(tenantId, caller);
    if (!(await this.memberships.remove(tenantId, userId))) throw new MemberNotFoundError(tenantId, userId);
    await this.audit.append({ tenantId, actor, action: 'member.remove', target: `user:${userId}` });
  }

  /** No caller means a trusted path (CLI, platform admin API). */
  private requireOwnerRights(tenantId: string, caller: MembershipCaller | undefined): void {
    if (caller && !caller.platformAdmin && caller.role !== 'owner') throw new OwnerChangeForbiddenError(tenantId);
  }
}
