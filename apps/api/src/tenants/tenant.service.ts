import type { CreateTenantInput, Tenant, TenantRepository, TenantStatus } from './tenant.repository.ts';

export const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended'];

export class InvalidTenantStatusError extends Error {
  readonly code = 'INVALID_TENANT_STATUS';
  constructor(readonly value: unknown) {
    super(`Invalid tenant status ${JSON.stringify(value)}: expected one of ${TENANT_STATUSES.join(', ')}`);
    this.name = 'InvalidTenantStatusError';
  }
}

/** Tenant use cases shared by the CLI and (later) the API; wiring is by hand until NestJS modules exist. */
export class TenantService {
  constructor(private readonly tenants: TenantRepository) {}

  create(input: CreateTenantInput, actor?: string): Promise<Tenant> {
    return this.tenants.create(input, actor);
  }

  get(tenantId: string): Promise<Tenant> {
    return this.tenants.require(tenantId);
  }

  list(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  async setStatus(tenantId: string, status: string, actor?: string): Promise<Tenant> {
    if (!(TENANT_STATUSES as readonly string[]).includes(status)) throw new InvalidTenantStatusError(status);
    return this.tenants.setStatus(tenantId, status as TenantStatus, actor);
  }
}
