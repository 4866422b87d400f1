import { accessChanged } from '../auth/access-cache.ts';
import type { MemberRole, PrismaClient, User } from '../generated/prisma/client.ts';

export interface NewUser {
  email: string;
  passwordHash: string | null;
  isPlatformAdmin: boolean;
}

export interface UserMembership {
  tenantId: string;
  role: MemberRole;
}

/** Emails are stored lowercased (the store has a CHECK for it), so every lookup lowercases too. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
  }

  create(user: NewUser): Promise<User> {
    return this.prisma.user.create({ data: { ...user, email: normalizeEmail(user.email) } });
  }

  async setPlatformAdmin(id: string, isPlatformAdmin: boolean): Promise<User> {
    const user = await this.prisma.user.update({ where: { id }, data: { isPlatformAdmin } });
    accessChanged();
    return user;
  }

  async setDisabled(id: string, disabledAt: Date | null): Promise<User> {
    const user = await this.prisma.user.update({ where: { id }, data: { disabledAt } });
    accessChanged();
    return user;
  }

  async memberships(userId: string): Promise<UserMembership[]> {
    const rows = await this.prisma.membership.findMany({
      where: { userId },
      select: { tenantId: true, role: true },
      orderBy: { tenantId: 'asc' },
    });
    return rows;
  }
}
