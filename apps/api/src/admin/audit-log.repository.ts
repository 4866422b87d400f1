import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export interface AuditEntry {
  /** Null for platform-level actions. */
  tenantId: string | null;
  /** `user:<id>`, `apikey:<id>` or `cli:<os user>`. */
  actor: string;
  action: string;
  target: string;
  details?: Prisma.InputJsonValue;
}

export class AuditLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.prisma.auditLog.create({ data: { ...entry, details: entry.details ?? {} } });
  }

  list(tenantId: string | null, limit = 100) {
    return this.prisma.auditLog.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' }, take: limit });
  }
}
