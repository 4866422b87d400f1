import { accessChanged } from '../auth/access-cache.ts';
import { findingsChanged } from '../findings/findings-cache.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

export class TenantDeletionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Deletes the tenant row; every tenant-owned table cascades (memberships, keys, accounts, runs, states, its audit
   * entries). Returns false when there was no such tenant.
   */
  async delete(tenantId: string): Promise<boolean> {
    const { count } = await this.prisma.tenant.deleteMany({ where: { id: tenantId } });
    accessChanged();
    findingsChanged();
    return count > 0;
  }
}
