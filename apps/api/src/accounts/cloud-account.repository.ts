import { parseTenantId } from '@openfinops/tenants';
import {
  Prisma,
  type CloudAccount,
  type CloudAccountStatus,
  type CloudProvider,
  type PrismaClient,
} from '../generated/prisma/client.ts';

export type { CloudAccount, CloudAccountStatus, CloudProvider };

export class CloudAccountNotFoundError extends Error {
  readonly code = 'CLOUD_ACCOUNT_NOT_FOUND';
  constructor(
    readonly tenantId: string,
    readonly accountId: string,
  ) {
    super(`Cloud account ${JSON.stringify(accountId)} does not exist in tenant ${JSON.stringify(tenantId)}`);
    this.name = 'CloudAccountNotFoundError';
  }
}

export class CloudAccountExistsError extends Error {
  readonly code = 'CLOUD_ACCOUNT_EXISTS';
  constructor(
    readonly tenantId: string,
    readonly provider: string,
    readonly externalId: string,
  ) {
    super(`Tenant ${JSON.stringify(tenantId)} already has a ${provider} account ${JSON.stringify(externalId)}`);
    this.name = 'CloudAccountExistsError';
  }
}

/** What is audited with each change: names and ids only, never connection secrets. */
export interface CloudAccountAudit {
  actor: string;
  action: string;
  details: Prisma.InputJsonValue;
}

export interface NewCloudAccount {
  id: string;
  provider: CloudProvider;
  externalId: string;
  displayName: string;
  connection: Prisma.InputJsonValue;
  secretCiphertext: string | null;
}

export interface CloudAccountChanges {
  externalId?: string;
  displayName?: string;
  connection?: Prisma.InputJsonValue;
  /** null removes the secret. */
  secretCiphertext?: string | null;
  status?: CloudAccountStatus;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/** CloudAccount rows of one tenant. Every method takes the tenant id first and filters by it. */
export class CloudAccountRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the account and its audit entry in one transaction. */
  async create(tenantId: string, account: NewCloudAccount, audit: CloudAccountAudit): Promise<CloudAccount> {
    const tid = parseTenantId(tenantId);
    try {
      const [created] = await this.prisma.$transaction([
        this.prisma.cloudAccount.create({ data: { ...account, tenantId: tid } }),
        this.prisma.auditLog.create({
          data: { tenantId: tid, actor: audit.actor, action: audit.action, target: `cloud-account:${account.id}`, details: audit.details },
        }),
      ]);
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) throw new CloudAccountExistsError(tid, account.provider, account.externalId);
      throw err;
    }
  }

  list(tenantId: string): Promise<CloudAccount[]> {
    return this.prisma.cloudAccount.findMany({
      where: { tenantId: parseTenantId(tenantId) },
      orderBy: [{ provider: 'asc' }, { displayName: 'asc' }, { id: 'asc' }],
    });
  }

  find(tenantId: string, accountId: string): Promise<CloudAccount | null> {
    return this.prisma.cloudAccount.findFirst({ where: { tenantId: parseTenantId(tenantId), id: accountId } });
  }

  async require(tenantId: string, accountId: string): Promise<CloudAccount> {
    const found = await this.find(tenantId, accountId);
    if (!found) throw new CloudAccountNotFoundError(tenantId, accountId);
    return found;
  }

  /** The STS external id already handed to this tenant for another AWS account (one per tenant), if any. */
  async tenantAwsExternalId(tenantId: string): Promise<string | null> {
    const rows = await this.prisma.cloudAccount.findMany({
      where: { tenantId: parseTenantId(tenantId), provider: 'aws' },
      select: { connection: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const r of rows) {
      const id = (r.connection as Record<string, unknown> | null)?.externalId;
      if (typeof id === 'string' && id.length > 0) return id;
    }
    return null;
  }

  /** Applies changes and the audit entry atomically; the row is matched by tenant and id together. */
  async update(tenantId: string, accountId: string, changes: CloudAccountChanges, audit: CloudAccountAudit): Promise<CloudAccount> {
    const tid = parseTenantId(tenantId);
    try {
      await this.prisma.$transaction(async (tx) => {
        const result = await tx.cloudAccount.updateMany({ where: { tenantId: tid, id: accountId }, data: changes });
        // Throwing inside the transaction also drops the audit entry of a change that did not happen.
        if (result.count === 0) throw new CloudAccountNotFoundError(tid, accountId);
        await tx.auditLog.create({
          data: { tenantId: tid, actor: audit.actor, action: audit.action, target: `cloud-account:${accountId}`, details: audit.details },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CloudAccountExistsError(tid, 'cloud', changes.externalId ?? '');
      throw err;
    }
    return this.require(tid, accountId);
  }

  /** Outcome of a dry run; `error` must already be redacted. */
  async recordTest(tenantId: string, accountId: string, outcome: { at: Date; ok: boolean; error: string | null }): Promise<void> {
    await this.prisma.cloudAccount.updateMany({
      where: { tenantId: parseTenantId(tenantId), id: accountId },
      data: { lastTestedAt: outcome.at, lastTestOk: outcome.ok, lastError: outcome.error },
    });
  }

  /** Outcome of a connector import; `error` must already be redacted. */
  async recordImport(tenantId: string, accountId: string, outcome: { at: Date; error: string | null }): Promise<void> {
    await this.prisma.cloudAccount.updateMany({
      where: { tenantId: parseTenantId(tenantId), id: accountId },
      data: { ...(outcome.error === null ? { lastImportedAt: outcome.at } : {}), lastError: outcome.error },
    });
  }
}
