/**
 * Encryption at rest for connection secrets (service-account keys, client secrets, access keys): AES-256-GCM with a
 * 32-byte key from FINOPS_SECRET_KEY. The sealed text names its format version and key id, so a key can be rotated
 * later: new seals use the current key, older ones still open while their key is listed in FINOPS_SECRET_KEY_PREVIOUS.
 *
 *   v1.<keyId>.<iv>.<ciphertext>.<tag>      (base64url parts; keyId = 8 hex chars derived from the key)
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** A bad or missing FINOPS_SECRET_KEY*: start-up stops with a message naming the variable. */
export class SecretKeyError extends Error {
  readonly code = 'SECRET_KEY_INVALID';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SecretKeyError';
  }
}

/** A sealed secret that cannot be opened: wrong key, tampered text or another row's ciphertext. Never echoes the text. */
export class SecretDecryptionError extends Error {
  readonly code = 'SECRET_DECRYPTION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

/** 64 hex characters or base64/base64url of exactly 32 bytes (`openssl rand -base64 32`). */
export function parseSecretKey(value: string, variable = 'FINOPS_SECRET_KEY'): Buffer {
  const text = value.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyError(
      variable,
      `must be ${SECRET_KEY_BYTES} bytes as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`), got ${key ? `${key.length} bytes` : 'neither hex nor base64'}`,
    );
  }
  return key;
}

export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('openfinops-secret-key\0').update(key).digest('hex').slice(0, 8);
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly keyId: string;

  /** `previous` keys only open old seals (rotation); every new seal uses `current`. */
  constructor(
    private readonly current: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    for (const k of [current, ...previous]) {
      if (k.length !== SECRET_KEY_BYTES) throw new SecretKeyError('FINOPS_SECRET_KEY', `must be ${SECRET_KEY_BYTES} bytes, got ${k.length}`);
      if (!this.keys.has(secretKeyId(k))) this.keys.set(secretKeyId(k), k);
    }
    this.keyId = secretKeyId(current);
  }

  /** `context` (e.g. the owning row's tenant and id) is authenticated, so a sealed value copied elsewhere will not open. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptionError(`Unsupported sealed secret format (expected ${VERSION})`);
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretDecryptionError(
        `Secret was sealed with key ${keyId}, which is neither FINOPS_SECRET_KEY (${this.keyId}) nor listed in FINOPS_SECRET_KEY_PREVIOUS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(`Secret sealed with key ${keyId} failed authentication (tampered, or sealed for another record)`);
    }
  }

  /** Whether `sealed` was made with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keyId;
  }
}

export interface SecretKeySettings {
  /** From FINOPS_SECRET_KEY; undefined outside production means "use the generated key file of the data dir". */
  current: Buffer | undefined;
  previous: Buffer[];
}

/** Validates FINOPS_SECRET_KEY / FINOPS_SECRET_KEY_PREVIOUS at boot; production refuses to start without a key. */
export function readSecretKeySettings(env: NodeJS.ProcessEnv, production: boolean): SecretKeySettings {
  const raw = env.FINOPS_SECRET_KEY?.trim();
  if (!raw && production) throw new SecretKeyError('FINOPS_SECRET_KEY', 'is required when NODE_ENV=production');
  const previous = (env.FINOPS_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parseSecretKey(s, 'FINOPS_SECRET_KEY_PREVIOUS'));
  return { current: raw ? parseSecretKey(raw) : undefined, previous };
}

/** Where a development install keeps its generated key (mode 0600) when FINOPS_SECRET_KEY is unset. */
export function devSecretKeyFile(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'secret-key');
}

/**
 * Reads the development key file, creating it once. Creation links a fully written temp file into place, so two
 * processes starting together agree on one key instead of each sealing with its own.
 */
export function loadOrCreateDevSecretKey(dataDir: string, warn: (message: string) => void): Buffer {
  const file = devSecretKeyFile(dataDir);
  const read = (): Buffer | null => {
    try {
      return parseSecretKey(fs.readFileSync(file, 'utf8'), file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  const existing = read();
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    warn(`FINOPS_SECRET_KEY is not set: generated a development key in ${file}. Set FINOPS_SECRET_KEY in production.`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = read();
  if (!key) throw new SecretKeyError(file, 'could not be created');
  return key;
}

export interface SecretBoxOptions {
  dataDir: string;
  warn?: (message: string) => void;
}

/** The SecretBox for validated settings; without FINOPS_SECRET_KEY (development only) the data dir's key file. */
export function secretBoxFor(settings: SecretKeySettings, options: SecretBoxOptions): SecretBox {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  return new SecretBox(settings.current ?? loadOrCreateDevSecretKey(options.dataDir, warn), settings.previous);
}

/** CLI and workers: FINOPS_SECRET_KEY from the environment, with the same rules as the API's boot. */
export function secretBoxFromEnv(env: NodeJS.ProcessEnv, dataDir: string, warn?: (message: string) => void): SecretBox {
  return secretBoxFor(readSecretKeySettings(env, env.NODE_ENV === 'production'), { dataDir, warn });
}
