import { parseTenantId } from '@openfinops/tenants';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export interface TenantCheckerSetting {
  checkId: string;
  enabled: boolean;
  /** The checker's raw config as stored (validated by the checker before it was written). */
  config: Record<string, unknown>;
  updatedAt: Date;
  updatedBy: string;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Per-tenant checker enablement and config; a checker without a row is enabled with its defaults. */
export class TenantCheckerConfigRepository {
  constructor(private readonly prisma: Db) {}

  async list(tenantId: string): Promise<TenantCheckerSetting[]> {
    const rows = await this.prisma.tenantCheckerConfig.findMany({ where: { tenantId: parseTenantId(tenantId) }, orderBy: { checkId: 'asc' } });
    return rows.map((r) => ({ checkId: r.checkId, enabled: r.enabled, config: r.config as Record<string, unknown>, updatedAt: r.updatedAt, updatedBy: r.updatedBy }));
  }

  async upsert(tenantId: string, checkId: string, value: { enabled: boolean; config: Record<string, unknown>; updatedBy: string }): Promise<TenantCheckerSetting> {
    const id = parseTenantId(tenantId);
    const data = { enabled: value.enabled, config: value.config as Prisma.InputJsonValue, updatedBy: value.updatedBy };
    const row = await this.prisma.tenantCheckerConfig.upsert({
      where: { tenantId_checkId: { tenantId: id, checkId } },
      create: { tenantId: id, checkId, ...data },
      update: data,
    });
    return { checkId: row.checkId, enabled: row.enabled, config: row.config as Record<string, unknown>, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
  }
}
