import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  devSecretKeyFile,
  loadOrCreateDevSecretKey,
  parseSecretKey,
  readSecretKeySettings,
  SecretBox,
  SecretDecryptionError,
  SecretKeyError,
  secretBoxFor,
} from './secret-box.ts';

const KEY_A = Buffer.alloc(32, 7);
const KEY_B = Buffer.alloc(32, 9);

describe('SecretBox', () => {
  it('round-trips, never stores the plaintext and uses a fresh IV per seal', () => {
    const box = new SecretBox(KEY_A);
    const one = box.seal('client-secret-123', 'acme/acc-1');
    const two = box.seal('client-secret-123', 'acme/acc-1');
    expect(one).not.toContain('client-secret-123');
    expect(one).not.toBe(two);
    expect(one.split('.')).toHaveLength(5);
    expect(one.startsWith(`v1.${box.keyId}.`)).toBe(true);
    expect(box.open(one, 'acme/acc-1')).toBe('client-secret-123');
  });

  it('refuses another record context, a tampered body and an unknown key', () => {
    const box = new SecretBox(KEY_A);
    const sealed = box.seal('s3cr3t-value', 'acme/acc-1');
    expect(() => box.open(sealed, 'other/acc-1')).toThrow(SecretDecryptionError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered!!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'acme/acc-1')).toThrow(/failed authentication/);
    expect(() => new SecretBox(KEY_B).open(sealed, 'acme/acc-1')).toThrow(/neither FINOPS_SECRET_KEY .* nor listed in FINOPS_SECRET_KEY_PREVIOUS/);
    expect(() => box.open('v9.x.y.z.w', 'acme/acc-1')).toThrow(/Unsupported sealed secret format/);
  });

  it('rotates: a box with the old key as previous opens old seals and flags them for re-sealing', () => {
    const old = new SecretBox(KEY_A).seal('rotate-me', 'ctx');
    const rotated = new SecretBox(KEY_B, [KEY_A]);
    expect(rotated.open(old, 'ctx')).toBe('rotate-me');
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('rotate-me', 'ctx'))).toBe(false);
  });
});

describe('FINOPS_SECRET_KEY', () => {
  it('accepts 64 hex characters and base64 of 32 bytes, and names the variable otherwise', () => {
    expect(parseSecretKey('07'.repeat(32))).toEqual(KEY_A);
    expect(parseSecretKey(KEY_A.toString('base64'))).toEqual(KEY_A);
    expect(parseSecretKey(KEY_A.toString('base64url'))).toEqual(KEY_A);
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'))).toThrow(/^FINOPS_SECRET_KEY must be 32 bytes .* got 16 bytes/);
    expect(() => parseSecretKey('not a key!')).toThrow(SecretKeyError);
  });

  it('is required in production, optional in development', () => {
    expect(() => readSecretKeySettings({}, true)).toThrow(/^FINOPS_SECRET_KEY is required when NODE_ENV=production/);
    expect(readSecretKeySettings({}, false).current).toBeUndefined();
    const s = readSecretKeySettings({ FINOPS_SECRET_KEY: KEY_B.toString('hex'), FINOPS_SECRET_KEY_PREVIOUS: `${KEY_A.toString('base64')}` }, true);
    expect(s.current).toEqual(KEY_B);
    expect(s.previous).toEqual([KEY_A]);
    expect(() => readSecretKeySettings({ FINOPS_SECRET_KEY: KEY_B.toString('hex'), FINOPS_SECRET_KEY_PREVIOUS: 'short' }, true)).toThrow(
      /^FINOPS_SECRET_KEY_PREVIOUS must be 32 bytes/,
    );
  });

  it('generates the development key file once (mode 0600) and reuses it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-secret-key-'));
    const warnings: string[] = [];
    const first = loadOrCreateDevSecretKey(dir, (m) => warnings.push(m));
    const second = loadOrCreateDevSecretKey(dir, (m) => warnings.push(m));
    expect(first).toEqual(second);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(devSecretKeyFile(dir));
    expect(statSync(devSecretKeyFile(dir)).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(readFileSync(devSecretKeyFile(dir), 'utf8'))).toEqual(first);
    const sealed = secretBoxFor({ current: undefined, previous: [] }, { dataDir: dir, warn: () => {} }).seal('x-secret', 'c');
    expect(secretBoxFor({ current: undefined, previous: [] }, { dataDir: dir, warn: () => {} }).open(sealed, 'c')).toBe('x-secret');
  });
});
