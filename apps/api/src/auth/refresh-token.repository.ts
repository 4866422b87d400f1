import type { PrismaClient, RefreshToken } from '../generated/prisma/client.ts';

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
}

export class RefreshTokenRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(token: NewRefreshToken): Promise<RefreshToken> {
    return this.prisma.refreshToken.create({ data: token });
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash } });
  }

  /**
   * Revokes `currentId` and stores its successor in one transaction. Returns null when `currentId` was already
   * revoked (a concurrent refresh won the race): the caller treats that as reuse.
   */
  async rotate(currentId: string, next: NewRefreshToken, now: Date): Promise<RefreshToken | null> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.refreshToken.create({ data: next });
      const { count } = await tx.refreshToken.updateMany({
        where: { id: currentId, revokedAt: null },
        data: { revokedAt: now, replacedBy: created.id },
      });
      if (count === 0) {
        await tx.refreshToken.delete({ where: { id: created.id } });
        return null;
      }
      return created;
    });
  }

  async revoke(id: string, now: Date): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  }

  async revokeFamily(familyId: string, now: Date): Promise<number> {
    const { count } = await this.prisma.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: now },
    });
    return count;
  }

  async revokeAllForUser(userId: string, now: Date): Promise<number> {
    const { count } = await this.prisma.refreshToken.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: now },
    });
    return count;
  }
}
