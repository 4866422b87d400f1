import { accessChanged } from '../auth/access-cache.ts';
import type { MemberRole, PrismaClient } from '../generated/prisma/client.ts';

export interface MemberRow {
  userId: string;
  email: string;
  role: MemberRole;
  createdAt: Date;
  disabled: boolean;
}

/** Every method takes the tenant id first and filters by it. */
export class MembershipRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async roleOf(tenantId: string, userId: string): Promise<MemberRole | null> {
    const row = await this.prisma.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId } },
      select: { role: true },
    });
    return row?.role ?? null;
  }

  async list(tenantId: string): Promise<MemberRow[]> {
    const rows = await this.prisma.membership.findMany({
      where: { tenantId },
      select: { userId: true, role: true, createdAt: true, user: { select: { email: true, disabledAt: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({
      userId: r.userId,
      email: r.user.email,
      role: r.role,
      createdAt: r.createdAt,
      disabled: r.user.disabledAt !== null,
    }));
  }

  async upsert(tenantId: string, userId: string, role: MemberRole): Promise<void> {
    await this.prisma.membership.upsert({
      where: { tenantId_userId: { tenantId, userId } },
      create: { tenantId, userId, role },
      update: { role },
    });
    accessChanged();
  }

  /** Returns whether a membership was removed. */
  async remove(tenantId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.membership.deleteMany({ where: { tenantId, userId } });
    accessChanged();
    return count > 0;
  }
}
