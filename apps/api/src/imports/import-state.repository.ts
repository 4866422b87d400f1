import type { PrismaClient } from '../generated/prisma/client.ts';

export interface ImportStateRecord {
  tenantId: string;
  sourceKey: string;
  billingPeriod: string;
  provider: string;
  version: string;
  rowCount: number;
  /** Period total when the partition has one currency; with several, the summary carries each (never summed). */
  billedCost: string;
  currencySummary: Record<string, { rows: number; billedCost: string; effectiveCost: string; listCost: string }>;
  runId: string;
}

/** ImportState rows: which version of each (source, billing period) is in a tenant's lake. */
export class ImportStateRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** True when this exact source version was already imported for this tenant (any period). */
  async hasVersion(tenantId: string, sourceKey: string, version: string): Promise<boolean> {
    const found = await this.prisma.importState.findFirst({ where: { tenantId, sourceKey, version }, select: { id: true } });
    return found !== null;
  }

  /** The recorded version of one (source, billing period), or null when it was never imported. */
  async find(tenantId: string, sourceKey: string, billingPeriod: string): Promise<{ version: string; rowCount: number; currencySummary: ImportStateRecord['currencySummary'] } | null> {
    const found = await this.prisma.importState.findUnique({
      where: { tenantId_sourceKey_billingPeriod: { tenantId, sourceKey, billingPeriod } },
      select: { version: true, rowCount: true, currencySummary: true },
    });
    return found ? { version: found.version, rowCount: found.rowCount, currencySummary: found.currencySummary as ImportStateRecord['currencySummary'] } : null;
  }

  async upsert(record: ImportStateRecord): Promise<void> {
    const data = {
      provider: record.provider,
      version: record.version,
      rowCount: record.rowCount,
      billedCost: record.billedCost,
      currencySummary: record.currencySummary,
      runId: record.runId,
      importedAt: new Date(),
    };
    await this.prisma.importState.upsert({
      where: {
        tenantId_sourceKey_billingPeriod: { tenantId: record.tenantId, sourceKey: record.sourceKey, billingPeriod: record.billingPeriod },
      },
      create: { tenantId: record.tenantId, sourceKey: record.sourceKey, billingPeriod: record.billingPeriod, ...data },
      update: data,
    });
  }

  async list(tenantId: string): Promise<Array<Omit<ImportStateRecord, 'billedCost' | 'currencySummary' | 'runId'> & { billedCost: string; importedAt: Date }>> {
    const rows = await this.prisma.importState.findMany({ where: { tenantId }, orderBy: [{ billingPeriod: 'asc' }, { sourceKey: 'asc' }] });
    return rows.map((r) => ({
      tenantId: r.tenantId,
      sourceKey: r.sourceKey,
      billingPeriod: r.billingPeriod,
      provider: r.provider,
      version: r.version,
      rowCount: r.rowCount,
      billedCost: r.billedCost.toFixed(),
      importedAt: r.importedAt,
    }));
  }
}
