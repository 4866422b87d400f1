import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `ofk_<prefix>_<secret>`: the prefix is public and indexed, the secret only ever stored as sha256. */
export const API_KEY_PATTERN = /^ofk_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `ofk_${prefix}_${secret}`, prefix, hash: hashApiKeySecret(secret) };
}

export function parseApiKey(token: string): { prefix: string; secret: string } | null {
  const m = API_KEY_PATTERN.exec(token);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKeySecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
