import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '@openfinops/tenants';
import { z } from 'zod';
import { readSecretKeySettings, SecretKeyError, type SecretKeySettings } from '../secrets/secret-box.ts';

/** Start-up refuses to continue on a bad variable; the message names it so operators fix the right thing. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Durations are written like `15m`, `30d`; kept as seconds internally. */
export function parseDurationSeconds(value: string): number {
  const m = DURATION.exec(value.trim());
  if (!m) throw new Error(`expected a duration like 90s, 15m, 12h or 30d, got ${JSON.stringify(value)}`);
  const amount = Number(m[1]);
  if (amount <= 0) throw new Error(`must be greater than zero, got ${JSON.stringify(value)}`);
  return amount * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

const BYTES = /^(\d+)(b|kb|mb)?$/i;
const BYTE_UNITS = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

export function parseByteSize(value: string): number {
  const m = BYTES.exec(value.trim());
  if (!m) throw new Error(`expected a size like 512kb or 1mb, got ${JSON.stringify(value)}`);
  const unit = (m[2]?.toLowerCase() ?? 'b') as keyof typeof BYTE_UNITS;
  const bytes = Number(m[1]) * BYTE_UNITS[unit];
  if (bytes <= 0) throw new Error(`must be greater than zero, got ${JSON.stringify(value)}`);
  return bytes;
}

const duration = z.string().transform((v, ctx) => {
  try {
    return parseDurationSeconds(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const byteSize = z.string().transform((v, ctx) => {
  try {
    return parseByteSize(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  FINOPS_DATA_DIR: optionalString,
  FINOPS_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  FINOPS_JWT_SECRET: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters (use `openssl rand -base64 48`)').optional(),
  ),
  FINOPS_JWT_ISSUER: z.string().min(1).default('openfinops'),
  FINOPS_ACCESS_TTL: duration.default(15 * 60),
  FINOPS_REFRESH_TTL: duration.default(30 * 86_400),
  FINOPS_OIDC_ISSUER: optionalString.pipe(z.string().min(1).optional()),
  FINOPS_OIDC_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  FINOPS_OIDC_AUDIENCE: optionalString.pipe(z.string().min(1).optional()),
  FINOPS_RATE_LIMIT: z.coerce.number().int().positive().default(600),
  FINOPS_LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  FINOPS_BODY_LIMIT: byteSize.default(1024 * 1024),
  FINOPS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FINOPS_COST_CACHE: z.coerce.number().int().min(0).default(500),
  // Bounded: another process's change to a membership, user or tenant is seen at most this late (see access-cache.ts).
  FINOPS_ACCESS_CACHE_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),
  // Same bound for findings pages: another process's finding changes show at most this late (see findings-cache.ts).
  FINOPS_FINDINGS_CACHE_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  // Same bound for the cost answers' lake version: files changed without an import (by hand) show at most this late.
  FINOPS_LAKE_VERSION_CACHE_MS: z.coerce.number().int().min(0).max(30_000).default(1_000),
  FINOPS_API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  FINOPS_AWS_PRINCIPAL_ARN: optionalString.pipe(z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, 'must be an AWS IAM ARN (arn:aws:iam::<account>:role/<name>)').optional()),
});

export interface OidcConfig {
  issuer: string;
  jwksUrl: string;
  audience: string;
}

export interface ApiConfig {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  role: 'api' | 'worker' | 'all';
  jwt: { secret: string; issuer: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  oidc: OidcConfig | undefined;
  rateLimitPerMinute: number;
  /** Login attempts per client per minute, on top of the global limit. */
  loginRateLimitPerMinute: number;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Cost answers cached per tenant lake version (0 disables the cache). */
  costCacheEntries: number;
  /** How long the guards reuse a user / membership / tenant read; changes made through this process apply at once. */
  accessCacheMs: number;
  /** How long a findings list page is reused; finding changes made through this process apply at once. */
  findingsCacheMs: number;
  lakeVersionCacheMs: number;
  /** `finops serve` processes sharing the port (node:cluster); more than one needs PostgreSQL. */
  apiProcesses: number;
  /** The IAM principal the platform runs as, printed in the AWS trust policy tenants paste (unset: a placeholder). */
  awsPrincipalArn: string | undefined;
  /** FINOPS_SECRET_KEY (+ _PREVIOUS), validated here; without it outside production, see secretBoxFor (data dir key file). */
  secretKeys: SecretKeySettings;
}

export interface LoadConfigOptions {
  /** Called with start-up warnings (e.g. a generated development secret); defaults to stderr. */
  warn?: (message: string) => void;
}

/** Where the generated development signing secret is kept so tokens survive a restart. */
export function devJwtSecretFile(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'jwt-secret');
}

function loadOrCreateDevSecret(dataDir: string, warn: (message: string) => void): string {
  const file = devJwtSecretFile(dataDir);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(48).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  warn(`FINOPS_JWT_SECRET is not set: generated a development secret in ${file}. Set FINOPS_JWT_SECRET in production.`);
  return secret;
}

/** Parses and validates the API's environment once, at boot. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): ApiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `${issue.message} (got ${JSON.stringify(env[variable] ?? null)})`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = resolveDataDir({ FINOPS_DATA_DIR: e.FINOPS_DATA_DIR });

  const oidcVars = [e.FINOPS_OIDC_ISSUER, e.FINOPS_OIDC_JWKS_URL, e.FINOPS_OIDC_AUDIENCE];
  let oidc: OidcConfig | undefined;
  if (oidcVars.some((v) => v !== undefined)) {
    const missing = (['FINOPS_OIDC_ISSUER', 'FINOPS_OIDC_JWKS_URL', 'FINOPS_OIDC_AUDIENCE'] as const).find(
      (_name, i) => oidcVars[i] === undefined,
    );
    if (missing) throw new ConfigError(missing, 'is required when any FINOPS_OIDC_* variable is set');
    oidc = { issuer: e.FINOPS_OIDC_ISSUER!, jwksUrl: e.FINOPS_OIDC_JWKS_URL!, audience: e.FINOPS_OIDC_AUDIENCE! };
  }

  if (e.FINOPS_API_PROCESSES > 1 && !e.DATABASE_URL) {
    throw new ConfigError(
      'FINOPS_API_PROCESSES',
      `greater than 1 requires DATABASE_URL (PostgreSQL): the embedded PGlite store can be opened by one process only (got ${e.FINOPS_API_PROCESSES})`,
    );
  }

  let secret = e.FINOPS_JWT_SECRET;
  if (!secret) {
    if (production) throw new ConfigError('FINOPS_JWT_SECRET', 'is required when NODE_ENV=production');
    secret = loadOrCreateDevSecret(dataDir, options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)));
  }

  let secretKeys: SecretKeySettings;
  try {
    secretKeys = readSecretKeySettings(env, production);
  } catch (err) {
    if (err instanceof SecretKeyError) throw new ConfigError(err.variable, err.message.slice(err.variable.length + 1));
    throw err;
  }

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    role: e.FINOPS_ROLE,
    jwt: {
      secret,
      issuer: e.FINOPS_JWT_ISSUER,
      accessTtlSeconds: e.FINOPS_ACCESS_TTL,
      refreshTtlSeconds: e.FINOPS_REFRESH_TTL,
    },
    oidc,
    rateLimitPerMinute: e.FINOPS_RATE_LIMIT,
    loginRateLimitPerMinute: e.FINOPS_LOGIN_RATE_LIMIT,
    bodyLimitBytes: e.FINOPS_BODY_LIMIT,
    logLevel: e.FINOPS_LOG_LEVEL,
    costCacheEntries: e.FINOPS_COST_CACHE,
    accessCacheMs: e.FINOPS_ACCESS_CACHE_MS,
    findingsCacheMs: e.FINOPS_FINDINGS_CACHE_MS,
    lakeVersionCacheMs: e.FINOPS_LAKE_VERSION_CACHE_MS,
    apiProcesses: e.FINOPS_API_PROCESSES,
    awsPrincipalArn: e.FINOPS_AWS_PRINCIPAL_ARN,
    secretKeys,
  };
}
