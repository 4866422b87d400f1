/** Tenant ids double as path segments and URL segments, so the pattern is the isolation boundary's first line. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

declare const tenantIdBrand: unique symbol;
export type TenantId = string & { readonly [tenantIdBrand]: true };

export class InvalidTenantIdError extends Error {
  readonly code = 'INVALID_TENANT_ID';
  constructor(readonly value: unknown) {
    super(
      `Invalid tenant id ${JSON.stringify(value)}: expected 2-63 characters of lowercase a-z, 0-9 and '-', starting with a letter or digit`,
    );
    this.name = 'InvalidTenantIdError';
  }
}

export function isTenantId(value: unknown): value is TenantId {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

export function parseTenantId(value: unknown): TenantId {
  if (!isTenantId(value)) throw new InvalidTenantIdError(value);
  return value;
}
