import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * How the platform reaches one cloud account.
 * - `assume-role`: SaaS onboarding. The platform's own credentials (default chain) call STS AssumeRole on
 *   the tenant's role with the ExternalId agreed at onboarding, which blocks the confused-deputy attack.
 * - `default-chain`: single-tenant installs that run with the account's own credentials.
 */
export type AwsConnection =
  | { kind: 'assume-role'; roleArn: string; externalId: string; sessionName?: string; durationSeconds?: number }
  | { kind: 'default-chain' };

export class InvalidAwsConnectionError extends Error {
  readonly code = 'INVALID_AWS_CONNECTION';
  constructor(readonly field: string, message: string) {
    super(`Invalid AWS connection field ${field}: ${message}`);
    this.name = 'InvalidAwsConnectionError';
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
// AWS limits: ExternalId 2-1224 chars of [\w+=,.@:/-]; RoleSessionName 2-64 chars of [\w+=,.@-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function isAwsAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

export function parseAwsAccountId(value: unknown, field = 'accountId'): string {
  if (!isAwsAccountId(value)) {
    throw new InvalidAwsConnectionError(field, `${JSON.stringify(value)} is not a 12-digit AWS account id`);
  }
  return value;
}

/** Checks the connection against the account it is meant for, before any network call. */
export function validateAwsConnection(connection: AwsConnection, accountId: string): AwsConnection {
  if (connection?.kind === 'default-chain') return connection;
  if (connection?.kind !== 'assume-role') {
    throw new InvalidAwsConnectionError('kind', `expected 'assume-role' or 'default-chain', got ${JSON.stringify((connection as { kind?: unknown })?.kind)}`);
  }
  const arn = ROLE_ARN.exec(connection.roleArn ?? '');
  if (!arn) throw new InvalidAwsConnectionError('roleArn', `${JSON.stringify(connection.roleArn)} is not an IAM role ARN`);
  // A role in another account would let one tenant's connection read a different account's inventory.
  if (arn[1] !== accountId) {
    throw new InvalidAwsConnectionError('roleArn', `role account ${arn[1]} differs from the connection's account ${accountId}`);
  }
  if (!EXTERNAL_ID.test(connection.externalId ?? '')) {
    throw new InvalidAwsConnectionError('externalId', "expected 2-1224 characters of A-Z, a-z, 0-9 and '+=,.@:/-_'");
  }
  if (connection.sessionName !== undefined && !SESSION_NAME.test(connection.sessionName)) {
    throw new InvalidAwsConnectionError('sessionName', "expected 2-64 characters of A-Z, a-z, 0-9 and '+=,.@-_'");
  }
  const duration = connection.durationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 900 || duration > 43_200)) {
    throw new InvalidAwsConnectionError('durationSeconds', 'expected an integer between 900 and 43200');
  }
  return connection;
}

export interface CredentialsOptions {
  tenantId: string;
  /** Region of the STS endpoint used for AssumeRole (regional endpoints are AWS's recommendation). */
  stsRegion: string;
  /** Overrides the STS endpoint; without it the SDK honours AWS_ENDPOINT_URL_STS. */
  stsEndpoint?: string;
  maxAttempts: number;
  /** Credentials that call AssumeRole; the SDK default chain when absent. */
  sourceCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Renew this long before expiry so no request is signed with credentials that lapse in flight. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One credential provider shared by every regional client of a collection run, so AssumeRole is called
 * once per run (and again only near expiry) rather than once per region.
 */
export function credentialProviderFor(connection: AwsConnection, options: CredentialsOptions): AwsCredentialIdentityProvider {
  const base: AwsCredentialIdentityProvider =
    connection.kind === 'default-chain'
      ? fromNodeProviderChain()
      : fromTemporaryCredentials({
          params: {
            RoleArn: connection.roleArn,
            ExternalId: connection.externalId,
            RoleSessionName: connection.sessionName ?? `openfinops-${options.tenantId}`.slice(0, 64),
            DurationSeconds: connection.durationSeconds ?? 3600,
          },
          ...(options.sourceCredentials ? { masterCredentials: options.sourceCredentials } : {}),
          clientConfig: {
            region: options.stsRegion,
            maxAttempts: options.maxAttempts,
            ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
          },
        });
  return memoize(base);
}

function memoize(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (pending) {
      const current = await pending.catch(() => undefined);
      const expiresAt = current?.expiration?.getTime();
      if (current && (expiresAt === undefined || expiresAt - Date.now() > REFRESH_MARGIN_MS)) return current;
    }
    const attempt = provider();
    pending = attempt;
    // A failed attempt is not cached as success: the next call tries again.
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
    return attempt;
  };
}
