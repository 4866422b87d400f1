/** Domain errors carry a `code` and a message naming the tenant, so the CLI and API can show them as is. */
export class TenantAlreadyExistsError extends Error {
  readonly code = 'TENANT_EXISTS';
  constructor(readonly tenantId: string) {
    super(`Tenant ${JSON.stringify(tenantId)} already exists`);
    this.name = 'TenantAlreadyExistsError';
  }
}

export class TenantNotFoundError extends Error {
  readonly code = 'TENANT_NOT_FOUND';
  constructor(readonly tenantId: string) {
    super(`Tenant ${JSON.stringify(tenantId)} does not exist`);
    this.name = 'TenantNotFoundError';
  }
}

export class InvalidTenantNameError extends Error {
  readonly code = 'INVALID_TENANT_NAME';
  constructor(readonly tenantId: string, reason: string) {
    super(`Invalid name for tenant ${JSON.stringify(tenantId)}: ${reason}`);
    this.name = 'InvalidTenantNameError';
  }
}
