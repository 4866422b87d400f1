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

  setPlatformAdmin(id: string, isPlatformAdmin: boolean): Promise<User> {
    return this.prisma.user.update({ where: { id }, data: { isPlatformAdmin } });
  }

  setDisabled(id: string, disabledAt: Date | null): Promise<User> {
    return this.prisma.user.update({ where: { id }, data: { disabledAt } });
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
