import { parseTenantId } from '@openfinops/tenants';
import { accessChanged } from '../auth/access-cache.ts';
import { Prisma, type PrismaClient, type Tenant, type TenantStatus } from '../generated/prisma/client.ts';
import { InvalidTenantNameError, TenantAlreadyExistsError, TenantNotFoundError } from './tenant.errors.ts';

export type { Tenant, TenantStatus };

export interface CreateTenantInput {
  id: string;
  name: string;
}

export const TENANT_NAME_MAX_LENGTH = 200;

export function parseTenantName(tenantId: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidTenantNameError(tenantId, 'name is required');
  const trimmed = name.trim();
  if (trimmed.length > TENANT_NAME_MAX_LENGTH) {
    throw new InvalidTenantNameError(tenantId, `at most ${TENANT_NAME_MAX_LENGTH} characters`);
  }
  return trimmed;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

function isRecordNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025';
}

export class TenantRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the tenant and its audit entry atomically. The id is the slug (validated here and by a CHECK in SQL). */
  async create(input: CreateTenantInput, actor = 'system'): Promise<Tenant> {
    const id = parseTenantId(input.id);
    const name = parseTenantName(id, input.name);
    try {
      const [tenant] = await this.prisma.$transaction([
        this.prisma.tenant.create({ data: { id, name } }),
        this.prisma.auditLog.create({
          data: { tenantId: id, actor, action: 'tenant.create', target: `tenant:${id}`, details: { name } },
        }),
      ]);
      accessChanged();
      return tenant;
    } catch (err) {
      if (isUniqueViolation(err)) throw new TenantAlreadyExistsError(id);
      throw err;
    }
  }

  async get(tenantId: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { id: parseTenantId(tenantId) } });
  }

  /** Like get, but a missing tenant is an error naming it. */
  async require(tenantId: string): Promise<Tenant> {
    const tenant = await this.get(tenantId);
    if (!tenant) throw new TenantNotFoundError(tenantId);
    return tenant;
  }

  async list(): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({ orderBy: { id: 'asc' } });
  }

  async setStatus(tenantId: string, status: TenantStatus, actor = 'system'): Promise<Tenant> {
    const id = parseTenantId(tenantId);
    try {
      const [tenant] = await this.prisma.$transaction([
        this.prisma.tenant.update({ where: { id }, data: { status } }),
        this.prisma.auditLog.create({
          data: { tenantId: id, actor, action: 'tenant.set-status', target: `tenant:${id}`, details: { status } },
        }),
      ]);
      accessChanged();
      return tenant;
    } catch (err) {
      if (isRecordNotFound(err)) throw new TenantNotFoundError(id);
      throw err;
    }
  }
}
