import { type Checker, CheckerConfigError } from '@openfinops/checkers';
import { parseTenantId } from '@openfinops/tenants';
import { z } from 'zod';
import type { TenantRepository } from '../tenants/tenant.repository.ts';
import type { AuditLogRepository } from './audit-log.repository.ts';
import type { TenantCheckerConfigRepository, TenantCheckerSetting } from './tenant-checker-config.repository.ts';

export class CheckerNotFoundError extends Error {
  readonly code = 'CHECKER_NOT_FOUND';
  constructor(readonly checkId: string) {
    super(`No checker ${JSON.stringify(checkId)}`);
    this.name = 'CheckerNotFoundError';
  }
}

export class InvalidCheckerConfigError extends Error {
  readonly code = 'INVALID_CHECKER_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCheckerConfigError';
  }
}

export interface CheckerCatalogEntry {
  id: string;
  version: string;
  title: string;
  description: string;
  provider: string;
  category: string;
  severity: string;
  resourceTypes: readonly string[];
  inputs: { inventory: readonly string[]; focus: boolean };
  /** JSON Schema of the checker's config (from its zod schema). */
  configSchema: Record<string, unknown>;
  defaultConfig: unknown;
}

export interface TenantCheckerView {
  checkId: string;
  enabled: boolean;
  /** The stored raw config ({} when none). */
  config: Record<string, unknown>;
  /** The config the checker runs with: stored values over its defaults. */
  effectiveConfig: unknown;
  updatedAt: string | null;
  updatedBy: string | null;
}

function catalogEntry(c: Checker<unknown>): CheckerCatalogEntry {
  const { $schema: _drop, ...schema } = z.toJSONSchema(c.configSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    id: c.id,
    version: c.version,
    title: c.title,
    description: c.description,
    provider: c.provider,
    category: c.category,
    severity: c.severity,
    resourceTypes: c.resourceTypes,
    inputs: { inventory: c.inputs.inventory ?? [], focus: c.inputs.focus === true },
    configSchema: schema,
    defaultConfig: c.parseConfig(undefined),
  };
}

/** The checker catalog and each tenant's enablement and config (honoured by CheckRunnerService.runAll). */
export class CheckerCatalogService {
  constructor(
    private readonly checkers: readonly Checker<unknown>[],
    private readonly settings: TenantCheckerConfigRepository,
    private readonly tenants: TenantRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  catalog(): CheckerCatalogEntry[] {
    return [...this.checkers].sort((a, b) => (a.id < b.id ? -1 : 1)).map(catalogEntry);
  }

  async forTenant(tenantId: string): Promise<TenantCheckerView[]> {
    const id = parseTenantId(tenantId);
    await this.tenants.require(id);
    const stored = new Map((await this.settings.list(id)).map((s) => [s.checkId, s]));
    return this.catalog().map((c) => this.view(this.checker(c.id), stored.get(c.id)));
  }

  async get(tenantId: string, checkId: string): Promise<TenantCheckerView> {
    const id = parseTenantId(tenantId);
    const checker = this.checker(checkId);
    await this.tenants.require(id);
    return this.view(checker, (await this.settings.list(id)).find((s) => s.checkId === checkId));
  }

  /** Validates the config with the checker's own schema before storing it; audited as `checker.configure`. */
  async put(tenantId: string, checkId: string, input: { enabled: boolean; config: Record<string, unknown> }, actor: string): Promise<TenantCheckerView> {
    const id = parseTenantId(tenantId);
    const checker = this.checker(checkId);
    await this.tenants.require(id);
    try {
      checker.parseConfig(input.config);
    } catch (err) {
      if (err instanceof CheckerConfigError) throw new InvalidCheckerConfigError(err.message);
      throw err;
    }
    const saved = await this.settings.upsert(id, checkId, { enabled: input.enabled, config: input.config, updatedBy: actor });
    await this.audit.append({ tenantId: id, actor, action: 'checker.configure', target: `checker:${checkId}`, details: { enabled: input.enabled, config: input.config as never } });
    return this.view(checker, saved);
  }

  private checker(checkId: string): Checker<unknown> {
    const checker = this.checkers.find((c) => c.id === checkId);
    if (!checker) throw new CheckerNotFoundError(checkId);
    return checker;
  }

  private view(checker: Checker<unknown>, stored: TenantCheckerSetting | undefined): TenantCheckerView {
    return {
      checkId: checker.id,
      enabled: stored?.enabled ?? true,
      config: stored?.config ?? {},
      effectiveConfig: checker.parseConfig(stored?.config),
      updatedAt: stored?.updatedAt.toISOString() ?? null,
      updatedBy: stored?.updatedBy ?? null,
    };
  }
}
