import { z } from 'zod';
import type { MemberRole, User } from '../generated/prisma/client.ts';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { generateOneTimePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts';
import type { TenantRepository } from '../tenants/tenant.repository.ts';
import { TenantNotFoundError } from '../tenants/tenant.errors.ts';
import type { MembershipRepository } from './membership.repository.ts';
import { normalizeEmail, type UserRepository } from './user.repository.ts';

export const MEMBER_ROLES: readonly MemberRole[] = ['owner', 'admin', 'analyst', 'viewer'];
export const emailSchema = z.email().max(254).transform(normalizeEmail);
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);
export const memberRoleSchema = z.enum(['owner', 'admin', 'analyst', 'viewer']);

export class UserInputError extends Error {
  readonly code = 'INVALID_USER_INPUT';
  constructor(readonly field: string, message: string) {
    super(`Invalid ${field}: ${message}`);
    this.name = 'UserInputError';
  }
}

export class UserExistsError extends Error {
  readonly code = 'USER_EXISTS';
  constructor(readonly email: string) {
    super(`A user with email ${email} already exists`);
    this.name = 'UserExistsError';
  }
}

export interface CreateUserInput {
  email: string;
  /** Omitted: a one-time password is generated and returned once. */
  password?: string;
  isPlatformAdmin?: boolean;
  membership?: { tenantId: string; role: MemberRole };
  actor: string;
}

export interface CreatedUser {
  user: Pick<User, 'id' | 'email' | 'isPlatformAdmin' | 'createdAt'>;
  membership: { tenantId: string; role: MemberRole } | null;
  oneTimePassword: string | null;
}

function parse<T>(schema: z.ZodType<T>, field: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UserInputError(field, r.error.issues[0]?.message ?? 'invalid');
  return r.data;
}

/** User onboarding shared by the CLI (`finops user create`) and the admin API. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly tenants: TenantRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async create(input: CreateUserInput): Promise<CreatedUser> {
    const email = parse(emailSchema, 'email', input.email);
    const oneTimePassword = input.password === undefined ? generateOneTimePassword() : null;
    const password = input.password === undefined ? oneTimePassword! : parse(passwordSchema, 'password', input.password);
    const membership = input.membership
      ? { tenantId: input.membership.tenantId, role: parse(memberRoleSchema, 'role', input.membership.role) }
      : null;
    if (membership && !(await this.tenants.get(membership.tenantId))) throw new TenantNotFoundError(membership.tenantId);
    if (await this.users.findByEmail(email)) throw new UserExistsError(email);

    const user = await this.users.create({
      email,
      passwordHash: await hashPassword(password),
      isPlatformAdmin: input.isPlatformAdmin === true,
    });
    await this.audit.append({
      tenantId: null,
      actor: input.actor,
      action: 'user.create',
      target: `user:${user.id}`,
      details: { email, isPlatformAdmin: user.isPlatformAdmin },
    });
    if (membership) await this.addMember(membership.tenantId, user.id, membership.role, input.actor);
    return {
      user: { id: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin, createdAt: user.createdAt },
      membership,
      oneTimePassword,
    };
  }

  async addMember(tenantId: string, userId: string, role: MemberRole, actor: string): Promise<void> {
    await this.memberships.upsert(tenantId, userId, role);
    await this.audit.append({ tenantId, actor, action: 'member.add', target: `user:${userId}`, details: { role } });
  }
}
