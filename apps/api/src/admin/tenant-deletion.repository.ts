import type { PrismaClient } from '../generated/prisma/client.ts';

export class TenantDeletionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Deletes the tenant row; every tenant-owned table cascades (memberships, keys, accounts, runs, states, its audit
   * entries). Returns false when there was no such tenant.
   */
  async delete(tenantId: string): Promise<boolean> {
    const { count } = await this.prisma.tenant.deleteMany({ where: { id: tenantId } });
    return count > 0;
  }
}
