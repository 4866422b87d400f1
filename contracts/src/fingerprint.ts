import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, no whitespace, ECMAScript
 * number formatting. Throws for values with no JSON form (undefined, NaN, Infinity, lone
 * surrogates, cycles) instead of silently dropping them.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError(`canonicalJson: value of type ${typeof value} has no JSON representation`);
  }
  return text;
}

/**
 * The parts that identify one finding across runs. Extra properties are ignored, so a whole wire
 * finding plus `tenantId` can be passed: thresholds, config, check version, savings and wording
 * never change the identity.
 */
export interface IdentityParts {
  tenantId: string;
  provider: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  checkId: string;
  discriminator?: string | null;
}

type CaseInsensitivePart = 'tenantId' | 'provider' | 'region' | 'resourceType' | 'checkId';
// AWS ARNs/ids and other provider ids are case-sensitive: trimmed only.
type CaseSensitivePart = 'accountId' | 'resourceId';

// String.prototype.isWellFormed (ES2024, Node 20+) is not in the ES2023 lib typings.
interface WellFormed {
  isWellFormed(): boolean;
}

function identityPart(parts: IdentityParts, key: CaseInsensitivePart | CaseSensitivePart, lower: boolean): string {
  const value: unknown = parts[key];
  if (typeof value !== 'string') throw new TypeError(`identity part "${key}" must be a non-empty string, got ${typeof value}`);
  const trimmed = value.trim();
  if (trimmed === '') throw new TypeError(`identity part "${key}" must be a non-empty string, got ${value === '' ? 'an empty string' : 'string'}`);
  return lower ? trimmed.toLowerCase() : trimmed;
}

/** Normalized identity parts: all trimmed, case-insensitive parts lower-cased, absent discriminator ''. */
export function normalizeIdentity(parts: IdentityParts): Required<{ [K in keyof IdentityParts]: string }> {
  // Checked in this order (case-insensitive parts first) so the first bad part named in an error is stable.
  const tenantId = identityPart(parts, 'tenantId', true);
  const provider = identityPart(parts, 'provider', true);
  const region = identityPart(parts, 'region', true);
  const resourceType = identityPart(parts, 'resourceType', true);
  const checkId = identityPart(parts, 'checkId', true);
  const accountId = identityPart(parts, 'accountId', false);
  const resourceId = identityPart(parts, 'resourceId', false);
  const discriminator: unknown = parts.discriminator;
  if (discriminator !== undefined && discriminator !== null && typeof discriminator !== 'string') {
    throw new TypeError(`identity part "discriminator" must be a string when given, got ${typeof discriminator}`);
  }
  return {
    tenantId,
    provider,
    accountId,
    region,
    resourceType,
    resourceId,
    checkId,
    discriminator: typeof discriminator === 'string' ? discriminator.trim() : '',
  };
}

// Characters JSON.stringify escapes (quote, backslash, controls) and surrogates, which need the well-formedness check.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON.stringify escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify(text), as canonicalJson writes a string, or undefined for text with a lone surrogate (which
 * canonicalJson refuses). Plain text, the common case, is quoted without a call into the JSON serializer.
 */
export function quoteJsonString(text: string): string | undefined {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  if (!(text as unknown as WellFormed).isWellFormed()) return undefined;
  return JSON.stringify(text);
}

function identityValue(value: string): string {
  const quoted = quoteJsonString(value);
  if (quoted === undefined) throw new Error('Lone surrogate is not allowed');
  return quoted;
}

/** Canonical JSON of exactly the normalized identity parts. */
export function canonicalIdentity(parts: IdentityParts): string {
  const n = normalizeIdentity(parts);
  // Same text canonicalJson produces for this flat all-string object (keys in UTF-16 order, strings
  // as JSON.stringify writes them, lone surrogates refused with canonicalize's message), built
  // directly because it runs once per finding.
  return (
    `{"accountId":${identityValue(n.accountId)},"checkId":${identityValue(n.checkId)},"discriminator":${identityValue(n.discriminator)}` +
    `,"provider":${identityValue(n.provider)},"region":${identityValue(n.region)},"resourceId":${identityValue(n.resourceId)}` +
    `,"resourceType":${identityValue(n.resourceType)},"tenantId":${identityValue(n.tenantId)}}`
  );
}

function sha256Hex(text: string): string {
  // One-shot hash (Node >= 20.12): no Hash object per call, as this runs twice per finding.
  return hash('sha256', text, 'hex');
}

/** Stable identity of a finding across runs: lowercase hex SHA-256 of `canonicalIdentity(parts)`. */
export function fingerprint(parts: IdentityParts): string {
  return sha256Hex(canonicalIdentity(parts));
}

const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Id of one observation of a finding in one run: the first 32 hex chars (128 bits) of
 * SHA-256(`${fingerprint}:${runId}`). Deterministic, so re-casting the same run yields the same ids.
 */
export function findingId(fingerprintHex: string, runId: string): string {
  if (!FINGERPRINT_PATTERN.test(fingerprintHex)) {
    throw new TypeError(`findingId: fingerprint must be 64 lowercase hex chars, got "${fingerprintHex}"`);
  }
  if (typeof runId !== 'string' || runId.trim() === '') {
    throw new TypeError('findingId: runId must be a non-empty string');
  }
  return sha256Hex(`${fingerprintHex}:${runId}`).slice(0, 32);
}

/**
 * `findingId` of each of a run's fingerprints, as the cast made them with `fingerprint` (so not checked again: this
 * runs once per row, and the pattern test was a tenth of it).
 */
export function findingIdsOfRun(fingerprints: readonly string[], runId: string): string[] {
  if (typeof runId !== 'string' || runId.trim() === '') throw new TypeError('findingId: runId must be a non-empty string');
  const ids = new Array<string>(fingerprints.length);
  for (let i = 0; i < fingerprints.length; i++) ids[i] = sha256Hex(`${fingerprints[i]!}:${runId}`).slice(0, 32);
  return ids;
}
