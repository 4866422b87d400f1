import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditLogRepository } from '../admin/audit-log.repository.ts';
import type { CloudAccount, CloudAccountStatus, CloudProvider, Prisma } from '../generated/prisma/client.ts';
import type { ConnectionReport, ConnectorAccount, ConnectorLogger } from '../connectors/billing-connector.ts';
import type { ConnectorRegistry } from '../connectors/connector-registry.ts';
import { SecretRedactor } from '../secrets/redact.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { CloudAccountInputError, parseAccountOptions, parseAccountSecret, PROVIDER_SPECS } from './cloud-account-options.ts';
import { CloudAccountRepository } from './cloud-account.repository.ts';

export { CloudAccountInputError } from './cloud-account-options.ts';
export { CloudAccountExistsError, CloudAccountNotFoundError } from './cloud-account.repository.ts';

const PROVIDERS: readonly CloudProvider[] = ['aws', 'azure', 'gcp'];
export const CLOUD_ACCOUNT_NAME_MAX_LENGTH = 200;

/** What the API and CLI show of an account: settings and status, never a secret (only whether one is stored). */
export interface CloudAccountView {
  id: string;
  tenantId: string;
  provider: CloudProvider;
  externalId: string;
  name: string;
  status: CloudAccountStatus;
  connection: Record<string, unknown>;
  hasSecret: boolean;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
  lastImportedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** AWS onboarding: what the operator pastes into the tenant's IAM role. */
export interface AwsRoleSetup {
  externalId: string;
  /** Trust policy of the role: lets the platform principal assume it only with this external id. */
  trustPolicy: Record<string, unknown>;
  /** Permissions policy: read-only access to the export's prefix. */
  permissionsPolicy: Record<string, unknown>;
  /** Set when FINOPS_AWS_PRINCIPAL_ARN is not configured and the trust policy holds a placeholder. */
  note: string | null;
}

export interface CreateCloudAccountInput {
  provider: string;
  name: string;
  options: Record<string, unknown>;
  /** Secret fields (client secret, service-account key, static keys); sealed, never returned. */
  secret?: Record<string, string>;
}

export interface UpdateCloudAccountInput {
  name?: string;
  /** Merged over the stored options, then validated as a whole. */
  options?: Record<string, unknown>;
  /** New secret fields; null removes the stored secret. */
  secret?: Record<string, string> | null;
}

export interface CreatedCloudAccount {
  account: CloudAccountView;
  aws: AwsRoleSetup | null;
}

export interface CloudAccountServiceOptions {
  /** ARN of the platform's IAM principal that assumes tenant roles (FINOPS_AWS_PRINCIPAL_ARN). */
  awsPrincipalArn?: string;
}

/** A decrypted account for a connector run, with a redactor that knows its secrets. */
export interface OpenedCloudAccount {
  record: CloudAccount;
  connector: ConnectorAccount;
  redactor: SecretRedactor;
}

function parseProvider(raw: string): CloudProvider {
  if (!(PROVIDERS as readonly string[]).includes(raw)) {
    throw new CloudAccountInputError('provider', `expected one of ${PROVIDERS.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as CloudProvider;
}

function parseName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new CloudAccountInputError('name', 'is required');
  const name = raw.trim();
  if (name.length > CLOUD_ACCOUNT_NAME_MAX_LENGTH) throw new CloudAccountInputError('name', `at most ${CLOUD_ACCOUNT_NAME_MAX_LENGTH} characters`);
  return name;
}

/** The secret is bound to its row: a ciphertext copied into another account or tenant does not open. */
function secretContext(tenantId: string, accountId: string): string {
  return `cloud-account:${tenantId}:${accountId}`;
}

/** Tenant-wide STS external id: unguessable, so another customer of the platform cannot make it assume this role. */
function newAwsExternalId(tenantId: string): string {
  return `openfinops-${tenantId}-${randomBytes(12).toString('hex')}`;
}

function toView(a: CloudAccount): CloudAccountView {
  return {
    id: a.id,
    tenantId: a.tenantId,
    provider: a.provider,
    externalId: a.externalId,
    name: a.displayName,
    status: a.status,
    connection: { ...(a.connection as Record<string, unknown>) },
    hasSecret: a.secretCiphertext !== null,
    lastTestedAt: a.lastTestedAt?.toISOString() ?? null,
    lastTestOk: a.lastTestOk,
    lastImportedAt: a.lastImportedAt?.toISOString() ?? null,
    lastError: a.lastError,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** Options as the operator gave them: the stored connection minus what the platform generated. */
function operatorOptions(a: CloudAccount): Record<string, unknown> {
  const { externalId: _generated, ...rest } = a.connection as Record<string, unknown>;
  return a.provider === 'aws' ? rest : (a.connection as Record<string, unknown>);
}

const PLACEHOLDER_PRINCIPAL = 'arn:aws:iam::<platform-account-id>:root';

export function awsRoleSetup(connection: Record<string, unknown>, principalArn: string | undefined): AwsRoleSetup {
  const externalId = String(connection.externalId);
  const bucket = String(connection.bucket);
  const prefix = String(connection.prefix ?? '');
  const exportRoot = [prefix, String(connection.exportName)].filter(Boolean).join('/');
  return {
    externalId,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: principalArn ?? PLACEHOLDER_PRINCIPAL },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        },
      ],
    },
    permissionsPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': [`${exportRoot}/*`] } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${exportRoot}/*` },
      ],
    },
    note: principalArn
      ? null
      : 'FINOPS_AWS_PRINCIPAL_ARN is not set: replace the placeholder principal with the ARN of the IAM role or user the platform runs as.',
  };
}

/** Cloud accounts of a tenant: validated connection options, sealed secrets, dry runs through the connector. */
export class CloudAccountService {
  private readonly accounts: CloudAccountRepository;
  private readonly tenants: TenantRepository;
  private readonly audit: AuditLogRepository;

  constructor(
    store: Store,
    private readonly secrets: SecretBox,
    private readonly connectors: ConnectorRegistry,
    private readonly options: CloudAccountServiceOptions = {},
  ) {
    this.accounts = new CloudAccountRepository(store.prisma);
    this.tenants = new TenantRepository(store.prisma);
    this.audit = new AuditLogRepository(store.prisma);
  }

  async create(tenantId: string, input: CreateCloudAccountInput, actor: string): Promise<CreatedCloudAccount> {
    const provider = parseProvider(input.provider);
    const name = parseName(input.name);
    const options = parseAccountOptions(provider, input.options);
    const secret = input.secret && Object.keys(input.secret).length > 0 ? parseAccountSecret(provider, input.secret) : null;
    const spec = PROVIDER_SPECS[provider];
    if (!secret && spec.secretRequired(options)) {
      throw new CloudAccountInputError('secret', `a ${provider} account needs ${spec.secretFields.join(' / ')} (give it through --secret-stdin or --secret-file)`);
    }
    await this.tenants.require(tenantId);
    const connection = { ...options };
    if (provider === 'aws') connection.externalId = (await this.accounts.tenantAwsExternalId(tenantId)) ?? newAwsExternalId(tenantId);
    const id = randomUUID();
    const externalId = spec.externalId(options);
    const created = await this.accounts.create(
      tenantId,
      {
        id,
        provider,
        externalId,
        displayName: name,
        connection: connection as Prisma.InputJsonValue,
        secretCiphertext: secret ? this.secrets.seal(JSON.stringify(secret), secretContext(tenantId, id)) : null,
      },
      { actor, action: 'cloud-account.create', details: { provider, externalId, name, hasSecret: secret !== null } },
    );
    return { account: toView(created), aws: provider === 'aws' ? awsRoleSetup(connection, this.options.awsPrincipalArn) : null };
  }

  async list(tenantId: string): Promise<CloudAccountView[]> {
    await this.tenants.require(tenantId);
    return (await this.accounts.list(tenantId)).map(toView);
  }

  async get(tenantId: string, accountId: string): Promise<CloudAccountView> {
    return toView(await this.accounts.require(tenantId, accountId));
  }

  /** The trust and permissions policies for an AWS account (shown again on request, e.g. `finops account show`). */
  async awsSetup(tenantId: string, accountId: string): Promise<AwsRoleSetup | null> {
    const a = await this.accounts.require(tenantId, accountId);
    return a.provider === 'aws' ? awsRoleSetup(a.connection as Record<string, unknown>, this.options.awsPrincipalArn) : null;
  }

  async update(tenantId: string, accountId: string, input: UpdateCloudAccountInput, actor: string): Promise<CloudAccountView> {
    const current = await this.accounts.require(tenantId, accountId);
    const provider = current.provider;
    const spec = PROVIDER_SPECS[provider];
    const changed: string[] = [];
    const changes: Parameters<CloudAccountRepository['update']>[2] = {};
    if (input.name !== undefined) {
      changes.displayName = parseName(input.name);
      changed.push('name');
    }
    let options = operatorOptions(current);
    if (input.options !== undefined) {
      options = parseAccountOptions(provider, { ...options, ...input.options });
      const connection: Record<string, unknown> = { ...options };
      if (provider === 'aws') connection.externalId = (current.connection as Record<string, unknown>).externalId;
      changes.connection = connection as Prisma.InputJsonValue;
      changes.externalId = spec.externalId(options);
      changed.push(...Object.keys(input.options).map((k) => `options.${k}`));
    }
    if (input.secret !== undefined) {
      changes.secretCiphertext =
        input.secret === null ? null : this.secrets.seal(JSON.stringify(parseAccountSecret(provider, input.secret)), secretContext(tenantId, accountId));
      changed.push('secret');
    }
    const hasSecret = changes.secretCiphertext === undefined ? current.secretCiphertext !== null : changes.secretCiphertext !== null;
    if (!hasSecret && spec.secretRequired(options)) {
      throw new CloudAccountInputError('secret', `a ${provider} account needs ${spec.secretFields.join(' / ')}`);
    }
    const updated = await this.accounts.update(tenantId, accountId, changes, { actor, action: 'cloud-account.update', details: { changed } });
    return toView(updated);
  }

  disable(tenantId: string, accountId: string, actor: string): Promise<CloudAccountView> {
    return this.setStatus(tenantId, accountId, 'disabled', actor);
  }

  enable(tenantId: string, accountId: string, actor: string): Promise<CloudAccountView> {
    return this.setStatus(tenantId, accountId, 'active', actor);
  }

  private async setStatus(tenantId: string, accountId: string, status: CloudAccountStatus, actor: string): Promise<CloudAccountView> {
    const updated = await this.accounts.update(tenantId, accountId, { status }, { actor, action: `cloud-account.${status === 'disabled' ? 'disable' : 'enable'}`, details: { status } });
    return toView(updated);
  }

  /** Decrypts the account for a connector run. Only connector code calls this; nothing here is ever returned to a client. */
  async openForConnector(tenantId: string, accountId: string): Promise<OpenedCloudAccount> {
    const record = await this.accounts.require(tenantId, accountId);
    const secret = record.secretCiphertext
      ? (JSON.parse(this.secrets.open(record.secretCiphertext, secretContext(record.tenantId, record.id))) as Record<string, string>)
      : null;
    const redactor = new SecretRedactor(secret ? Object.values(secret) : []);
    return {
      record,
      redactor,
      connector: {
        id: record.id,
        tenantId: record.tenantId,
        provider: record.provider,
        externalId: record.externalId,
        connection: Object.freeze({ ...(record.connection as Record<string, unknown>) }),
        secret: secret ? Object.freeze(secret) : null,
      },
    };
  }

  /**
   * Dry run: credentials, export location and the periods found, without touching the lake. A connector failure is
   * a failed report (ok=false, the redacted error in a check), recorded on the account and audited.
   */
  async test(tenantId: string, accountId: string, opts: { actor: string; now?: Date; log?: ConnectorLogger; signal?: AbortSignal }): Promise<ConnectionReport> {
    const opened = await this.openForConnector(tenantId, accountId);
    const { redactor } = opened;
    const now = opts.now ?? new Date();
    const log = redactingLogger(opts.log, redactor);
    // test() must not write; a private empty directory stands in for staging so a misbehaving connector cannot reach the lake.
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'finops-account-test-'));
    let report: ConnectionReport;
    try {
      const connector = this.connectors.get(opened.record.provider);
      report = await connector.test({ account: opened.connector, stagingDir: scratch, now, log, signal: opts.signal });
      report = redactor.redactValue(report);
    } catch (err) {
      const e = redactor.redactError(err);
      report = { ok: false, checks: [{ name: 'connector', ok: false, detail: `${e.name}: ${e.message}` }], periods: [] };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const failed = report.checks.filter((c) => !c.ok);
    const error = report.ok ? null : failed.map((c) => `${c.name}: ${c.detail}`).join('; ') || 'dry run failed';
    await this.accounts.recordTest(tenantId, accountId, { at: now, ok: report.ok, error });
    await this.audit.append({
      tenantId,
      actor: opts.actor,
      action: 'cloud-account.test',
      target: `cloud-account:${accountId}`,
      details: { ok: report.ok, periods: report.periods.map((p) => p.billingPeriod), failed: failed.map((c) => c.name) },
    });
    return report;
  }

  /** Records the outcome of a connector import on the account (the error text must be redacted by the caller). */
  recordImport(tenantId: string, accountId: string, outcome: { at: Date; error: string | null }): Promise<void> {
    return this.accounts.recordImport(tenantId, accountId, outcome);
  }
}

/** Wraps a logger so nothing a connector logs carries one of the account's secrets. */
export function redactingLogger(log: ConnectorLogger | undefined, redactor: SecretRedactor): ConnectorLogger {
  return {
    info: (message, fields) => log?.info(redactor.redact(message), fields ? redactor.redactValue(fields) : undefined),
    warn: (message, fields) => log?.warn(redactor.redact(message), fields ? redactor.redactValue(fields) : undefined),
  };
}
