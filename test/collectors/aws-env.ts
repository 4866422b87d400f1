import os from 'node:os';
import path from 'node:path';

/**
 * Isolates the SDK from the machine: static keys in env for the default chain, no shared config files,
 * no instance metadata lookups, no endpoint overrides left over from elsewhere.
 */
const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_STS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
] as const;

export const PLATFORM_ACCESS_KEY = 'AKIAPLATFORMTESTKEY0';

export function isolateAwsEnv(): () => void {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  const missing = path.join(os.tmpdir(), 'openfinops-no-aws-config');
  process.env.AWS_ACCESS_KEY_ID = PLATFORM_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'platform-test-secret';
  process.env.AWS_CONFIG_FILE = path.join(missing, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(missing, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  return () => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}
