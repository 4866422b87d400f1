import { parseTenantId } from '@openfinops/tenants';
import type { PrismaClient } from '../generated/prisma/client.ts';

/** The fields savings totals read, money as DECIMAL(18,6) text. */
export interface SavingsRow {
  fingerprint: string;
  checkId: string;
  category: string;
  provider: string;
  accountId: string;
  estimatedMonthlySavings: string;
  currency: string;
  exclusionGroup: string | null;
}

export interface ResolvedSavingsRow extends SavingsRow {
  resolvedAt: Date;
}

const SELECT = {
  fingerprint: true,
  checkId: true,
  category: true,
  provider: true,
  accountId: true,
  estimatedMonthlySavings: true,
  currency: true,
  exclusionGroup: true,
} as const;

/** Findings with an estimate, read from FindingState (the lifecycle's current view). */
export class SavingsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async openWithSavings(tenantId: string): Promise<SavingsRow[]> {
    const rows = await this.prisma.findingState.findMany({
      where: { tenantId: parseTenantId(tenantId), status: 'open', estimatedMonthlySavings: { not: null }, currency: { not: null } },
      select: SELECT,
    });
    return rows.map((r) => ({ ...r, estimatedMonthlySavings: r.estimatedMonthlySavings!.toFixed(6), currency: r.currency! }));
  }

  /** Resolved findings with an estimate whose resolution is at or after `since`. */
  async resolvedWithSavings(tenantId: string, since: Date): Promise<ResolvedSavingsRow[]> {
    const rows = await this.prisma.findingState.findMany({
      where: {
        tenantId: parseTenantId(tenantId),
        status: 'resolved',
        resolvedAt: { gte: since },
        estimatedMonthlySavings: { not: null },
        currency: { not: null },
      },
      select: { ...SELECT, resolvedAt: true },
    });
    return rows.map((r) => ({
      ...r,
      estimatedMonthlySavings: r.estimatedMonthlySavings!.toFixed(6),
      currency: r.currency!,
      resolvedAt: r.resolvedAt!,
    }));
  }
}
