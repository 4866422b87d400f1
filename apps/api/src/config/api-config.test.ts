import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, devJwtSecretFile, loadApiConfig, parseByteSize, parseDurationSeconds } from './api-config.ts';

const SECRET = 'x'.repeat(40);
const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'finops-config-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadApiConfig', () => {
  it('applies defaults', () => {
    const c = loadApiConfig({ FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: '/srv/finops' });
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/finops',
      role: 'all',
      jwt: { issuer: 'openfinops', accessTtlSeconds: 900, refreshTtlSeconds: 2_592_000 },
      bodyLimitBytes: 1_048_576,
      oidc: undefined,
      accessCacheMs: 5_000,
      findingsCacheMs: 2_000,
      apiProcesses: 1,
      awsPrincipalArn: undefined,
    });
  });

  it('serves from several processes only on PostgreSQL', () => {
    const base = { FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: '/srv/finops', FINOPS_API_PROCESSES: '4' };
    expect(() => loadApiConfig(base)).toThrow(/^Invalid configuration: FINOPS_API_PROCESSES greater than 1 requires DATABASE_URL .*PGlite/);
    expect(loadApiConfig({ ...base, DATABASE_URL: 'postgresql://finops@db:5432/finops' }).apiProcesses).toBe(4);
  });

  it('reads the cache TTLs and the AWS principal the trust policy names', () => {
    const c = loadApiConfig({
      FINOPS_JWT_SECRET: SECRET,
      FINOPS_DATA_DIR: '/srv/finops',
      FINOPS_ACCESS_CACHE_MS: '0',
      FINOPS_FINDINGS_CACHE_MS: '1500',
      FINOPS_AWS_PRINCIPAL_ARN: ' arn:aws:iam::123456789012:role/openfinops ',
    });
    expect([c.accessCacheMs, c.findingsCacheMs, c.awsPrincipalArn]).toEqual([0, 1_500, 'arn:aws:iam::123456789012:role/openfinops']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['FINOPS_ROLE', 'scheduler'],
    ['FINOPS_ACCESS_TTL', '15 minutes'],
    ['FINOPS_BODY_LIMIT', '1gb'],
    ['FINOPS_RATE_LIMIT', '-1'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['FINOPS_JWT_SECRET', 'short'],
    ['FINOPS_OIDC_JWKS_URL', 'not a url'],
    // Bounded: another process's access change must never stay unseen for long.
    ['FINOPS_ACCESS_CACHE_MS', '60000'],
    ['FINOPS_FINDINGS_CACHE_MS', '-1'],
    ['FINOPS_AWS_PRINCIPAL_ARN', '123456789012'],
    ['FINOPS_API_PROCESSES', '0'],
    ['FINOPS_API_PROCESSES', 'two'],
  ])('names %s when it is invalid (%j)', (variable, value) => {
    const env = { FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: tmpDir(), [variable]: value };
    expect(() => loadApiConfig(env)).toThrow(ConfigError);
    expect(() => loadApiConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('requires the JWT secret in production', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production', FINOPS_DATA_DIR: tmpDir() })).toThrow(/FINOPS_JWT_SECRET is required/);
  });

  it('requires FINOPS_SECRET_KEY in production and names it when malformed', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production', FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: tmpDir() })).toThrow(
      /^Invalid configuration: FINOPS_SECRET_KEY is required when NODE_ENV=production/,
    );
    expect(() => loadApiConfig({ FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: tmpDir(), FINOPS_SECRET_KEY: 'abc' })).toThrow(
      /^Invalid configuration: FINOPS_SECRET_KEY must be 32 bytes/,
    );
    const key = 'ab'.repeat(32);
    const c = loadApiConfig({ NODE_ENV: 'production', FINOPS_JWT_SECRET: SECRET, FINOPS_DATA_DIR: tmpDir(), FINOPS_SECRET_KEY: key });
    expect(c.secretKeys.current?.toString('hex')).toBe(key);
  });

  it('requires all OIDC variables together', () => {
    expect(() =>
      loadApiConfig({ FINOPS_JWT_SECRET: SECRET, FINOPS_OIDC_ISSUER: 'https://idp.example', FINOPS_DATA_DIR: tmpDir() }),
    ).toThrow(/FINOPS_OIDC_JWKS_URL is required/);
  });

  it('generates and persists a development secret with a warning', () => {
    const dir = tmpDir();
    const warnings: string[] = [];
    const first = loadApiConfig({ FINOPS_DATA_DIR: dir }, { warn: (m) => warnings.push(m) });
    const second = loadApiConfig({ FINOPS_DATA_DIR: dir }, { warn: (m) => warnings.push(m) });
    expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwt.secret).toBe(first.jwt.secret);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/FINOPS_JWT_SECRET is not set/);
    expect(fs.statSync(devJwtSecretFile(dir)).mode & 0o077).toBe(0);
  });
});

describe('units', () => {
  it('parses durations and sizes', () => {
    expect(parseDurationSeconds('90s')).toBe(90);
    expect(parseDurationSeconds('30d')).toBe(2_592_000);
    expect(parseByteSize('512kb')).toBe(524_288);
    expect(() => parseDurationSeconds('0m')).toThrow(/greater than zero/);
  });
});
