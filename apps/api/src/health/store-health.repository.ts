import type { PrismaClient } from '../generated/prisma/client.ts';

export class StoreHealthRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One round trip to the store. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
