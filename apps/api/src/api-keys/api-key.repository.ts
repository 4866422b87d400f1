import { accessChanged } from '../auth/access-cache.ts';
import type { ApiKey, MemberRole, PrismaClient } from '../generated/prisma/client.ts';

export interface NewApiKey {
  tenantId: string;
  name: string;
  prefix: string;
  hash: string;
  role: MemberRole;
  scopes: string[];
}

export type ApiKeySummary = Omit<ApiKey, 'hash'>;

export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: key });
  }

  /** The prefix is globally unique; the caller checks the tenant against the route. */
  findByPrefix(prefix: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { prefix } });
  }

  list(tenantId: string): Promise<ApiKeySummary[]> {
    return this.prisma.apiKey.findMany({
      where: { tenantId },
      omit: { hash: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Writes lastUsedAt at most once per `minIntervalMs` per key, so a busy key does not write on every request. */
  async touchLastUsed(id: string, now: Date, minIntervalMs: number): Promise<void> {
    const threshold = new Date(now.getTime() - minIntervalMs);
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
      data: { lastUsedAt: now },
    });
  }

  async revoke(tenantId: string, id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { tenantId, id, revokedAt: null },
      data: { revokedAt: now },
    });
    accessChanged();
    return count > 0;
  }
}
