/**
 * The contract every cloud billing connector (AWS S3 exports, GCP BigQuery export, Azure Consumption) implements.
 * A connector only talks to its cloud and stages files; converting, validating, reconciling and swapping the
 * lake partition stay in `focus/` through ImportService, so every source lands the same way.
 */
import type { CloudProvider } from '../generated/prisma/client.ts';

/** What a connector sees of a CloudAccount: non-secret settings plus the decrypted secret (never logged). */
export interface ConnectorAccount {
  id: string;
  tenantId: string;
  provider: CloudProvider;
  /** AWS account id, GCP project id, Azure billing scope: the `source=` partition of the lake. */
  externalId: string;
  /** Non-secret connection settings (role ARN, bucket/prefix, dataset/table, scope, endpoint overrides...). */
  connection: Readonly<Record<string, unknown>>;
  /** Decrypted secret fields (service-account key, client secret...); null when the account has none. */
  secret: Readonly<Record<string, string>> | null;
}

export interface ConnectorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectorContext {
  account: ConnectorAccount;
  /** A fresh directory owned by this run; the caller removes it afterwards. */
  stagingDir: string;
  /** Clock of the run: decides which billing periods are "current" and "previous" (AWS restates both). */
  now: Date;
  log: ConnectorLogger;
  signal?: AbortSignal;
}

/** One billing period of one source as the cloud holds it now. */
export interface DiscoveredPeriod {
  /** `yyyy-mm` */
  billingPeriod: string;
  /** Stable id of the source inside the account (export name, table...), used in ImportState. */
  sourceKey: string;
  /** Changes whenever the cloud restates the period (assemblyId, executionId, max export_time...). */
  version: string;
  /** Format id from `focus/` (aws-cur-v1, aws-cur-v2, aws-focus, azure-cost-details, gcp-billing-export...). */
  format: string;
  /** Remote objects that make up the period (for reports; sizes in bytes when known). */
  objects: { key: string; size?: number }[];
}

export interface ConnectionCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Result of a dry run: do the credentials work, is the export where the account says, which periods exist. */
export interface ConnectionReport {
  ok: boolean;
  checks: ConnectionCheck[];
  periods: DiscoveredPeriod[];
}

export interface StagedPeriod {
  /** Local files (inside ctx.stagingDir) to hand to the FOCUS import. */
  files: string[];
  format: string;
  bytes: number;
}

export interface BillingConnector {
  readonly provider: CloudProvider;
  /** Dry run: never writes to the lake. Failures are reported in checks, not thrown, unless the input is malformed. */
  test(ctx: ConnectorContext): Promise<ConnectionReport>;
  /** Periods available now, newest first. */
  discover(ctx: ConnectorContext): Promise<DiscoveredPeriod[]>;
  /** Downloads/exports one period into ctx.stagingDir, checking sizes/checksums where the cloud gives them. */
  stage(ctx: ConnectorContext, period: DiscoveredPeriod): Promise<StagedPeriod>;
}

/** Expired or refused credentials: the run fails at once with this message instead of retrying. */
export class ConnectorAuthError extends Error {
  readonly code = 'CONNECTOR_AUTH';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectorAuthError';
  }
}

/** Throttling or a 5xx that outlived the SDK's own retries: the worker retries the run with backoff. */
export class ConnectorTransientError extends Error {
  readonly code = 'CONNECTOR_TRANSIENT';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectorTransientError';
  }
}

/**
 * The export is not what the account says or is incomplete (no manifest, a listed file missing or of the wrong
 * size/checksum, a manifest pointing at another bucket). The message names the object; the run fails without retrying
 * at once, and the next scheduled run looks again.
 */
export class ConnectorExportError extends Error {
  readonly code = 'CONNECTOR_EXPORT';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectorExportError';
  }
}
