import { ConnectorAuthError, ConnectorExportError, ConnectorTransientError } from '../billing-connector.ts';

/** Error codes S3 and STS use for refused, expired or unknown credentials: retrying cannot help. */
const AUTH_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
  'CredentialsProviderError',
]);

const THROTTLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export function awsErrorCode(err: unknown): string {
  const e = (err ?? {}) as SdkErrorShape;
  return e.code && !/^\d+$/.test(e.code) ? e.code : (e.name ?? 'Error');
}

/**
 * Turns an SDK error into the connector contract's error classes. `what` names the operation and object
 * (`ListObjectsV2 s3://bucket/prefix/`), so the run's message says where it failed.
 */
export function mapAwsError(err: unknown, what: string): Error {
  if (err instanceof ConnectorAuthError || err instanceof ConnectorTransientError || err instanceof ConnectorExportError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const code = awsErrorCode(err);
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const detail = (e.message ?? String(err)).split('\n')[0] ?? '';
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (AUTH_CODES.has(code) || status === 401) {
    return new ConnectorAuthError(`${what}: AWS refused the credentials (${code}${status ? `, HTTP ${status}` : ''}): ${detail}`, { cause: err });
  }
  if (THROTTLE_CODES.has(code) || (status !== undefined && (status === 429 || status >= 500)) || NETWORK_CODES.has(code) || e.$fault === 'server') {
    const tries = attempts ? ` after ${attempts} attempt(s)` : '';
    return new ConnectorTransientError(`${what}: ${code}${status ? ` (HTTP ${status})` : ''}${tries}: ${detail}`, { cause: err });
  }
  if (code === 'NoSuchBucket') return new ConnectorExportError(`${what}: the bucket does not exist (NoSuchBucket)`, { cause: err });
  if (code === 'NoSuchKey' || status === 404) return new ConnectorExportError(`${what}: no such object (NoSuchKey)`, { cause: err });
  if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
    return new ConnectorExportError(`${what}: the bucket is in another region than the account's region setting (${code}): ${detail}`, { cause: err });
  }
  return new Error(`${what}: ${code}${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: err });
}
