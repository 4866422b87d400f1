import { describe, expect, it } from 'vitest';
import { ConnectorAuthError, ConnectorExportError, ConnectorTransientError } from '../billing-connector.ts';
import { mapAwsError } from './aws-errors.ts';

function sdkError(name: string, status: number, attempts = 1): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status, attempts } });
}

describe('mapAwsError', () => {
  it.each(['AccessDenied', 'ExpiredToken', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'])('%s → ConnectorAuthError', (code) => {
    const e = mapAwsError(sdkError(code, 403), 'GetObject s3://b/k');
    expect(e).toBeInstanceOf(ConnectorAuthError);
    expect(e.message).toBe(`GetObject s3://b/k: AWS refused the credentials (${code}, HTTP 403): ${code} happened`);
  });

  it('throttling and 5xx after the SDK retries → ConnectorTransientError with the attempt count', () => {
    const e = mapAwsError(sdkError('SlowDown', 503, 5), 'ListObjectsV2 s3://b/p/');
    expect(e).toBeInstanceOf(ConnectorTransientError);
    expect(e.message).toBe('ListObjectsV2 s3://b/p/: SlowDown (HTTP 503) after 5 attempt(s): SlowDown happened');
    expect(mapAwsError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'x')).toBeInstanceOf(ConnectorTransientError);
  });

  it('missing buckets and objects are export errors; unknown errors keep the operation in the message', () => {
    expect(mapAwsError(sdkError('NoSuchBucket', 404), 'x')).toBeInstanceOf(ConnectorExportError);
    expect(mapAwsError(sdkError('NoSuchKey', 404), 'GetObject s3://b/k').message).toBe('GetObject s3://b/k: no such object (NoSuchKey)');
    const other = mapAwsError(sdkError('InvalidArgument', 400), 'GetObject s3://b/k');
    expect(other).not.toBeInstanceOf(ConnectorAuthError);
    expect(other.message).toBe('GetObject s3://b/k: InvalidArgument (HTTP 400): InvalidArgument happened');
  });
});
