import { toDecimal18_6 } from './decimal.ts';
import { quoteJsonString } from './fingerprint.ts';
import {
  CHECK_ID_PATTERN,
  CURRENCY_PATTERN,
  FINDING_CATEGORIES,
  PROVIDERS,
  SAVINGS_BASES,
  SEMVER_PATTERN,
  SEVERITIES,
  type FindingWire,
} from './finding.schema.ts';

/** A wire finding that passed validation, with the work validation already did kept for reuse. */
export interface ValidatedFinding {
  wire: FindingWire;
  /** Canonical JSON of `wire.evidence`, computed once per finding. */
  evidenceJson: string;
  /** Scaled DECIMAL(18,6) values, when the validator already parsed them. */
  savings?: bigint;
  observedCost?: bigint | null;
}

const WIRE_KEYS = new Set([
  'provider',
  'accountId',
  'region',
  'resourceType',
  'resourceId',
  'checkId',
  'checkVersion',
  'category',
  'severity',
  'title',
  'recommendation',
  'estimatedMonthlySavings',
  'currency',
  'savingsBasis',
  'observedMonthlyCost',
  'evidence',
  'tags',
  'discriminator',
  'exclusionGroup',
]);
const PROVIDER_SET: ReadonlySet<unknown> = new Set(PROVIDERS);
const CATEGORY_SET: ReadonlySet<unknown> = new Set(FINDING_CATEGORIES);
const SEVERITY_SET: ReadonlySet<unknown> = new Set(SEVERITIES);
const BASIS_SET: ReadonlySet<unknown> = new Set(SAVINGS_BASES);
// Deeper evidence (or a cycle) is left to zod, which is the authority on what it accepts.
const MAX_EVIDENCE_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The enumerable own keys, as zod's record reads them (it skips non-enumerable ones too); undefined when there is a
 * symbol key (zod would check it against the key schema) or "__proto__" (which zod treats specially).
 */
function plainKeys(value: Record<string, unknown>): string[] | undefined {
  const keys = Object.keys(value);
  // Not Reflect.ownKeys(value).length: that lists every key a second time, and this runs per evidence object.
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  for (const key of keys) if (key === '__proto__') return undefined;
  return keys;
}

/**
 * canonicalJson(value) for plain JSON data, built in the same pass that checks it is plain JSON (finite numbers,
 * plain objects and arrays, no symbols, getters' prototypes or lone surrogates). Undefined for anything else, which
 * the caller leaves to zod and canonicalJson, so the text is always the one canonicalJson writes.
 */
function canonicalJsonRecord(value: unknown): string | undefined {
  // Pieces joined once: concatenating as we go made a rope of cons strings per finding, garbage the GC then
  // traced and the Arrow encoder had to flatten again; one join allocates the flat text directly.
  const parts: string[] = [];
  return pushRecord(value, 0, parts) ? parts.join('') : undefined;
}

function pushValue(value: unknown, depth: number, parts: string[]): boolean {
  switch (typeof value) {
    case 'string': {
      const quoted = quoteJsonString(value);
      if (quoted === undefined) return false;
      parts.push(quoted);
      return true;
    }
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return true;
    case 'number':
      if (!Number.isFinite(value)) return false;
      parts.push(JSON.stringify(value));
      return true;
    case 'object': {
      if (value === null) {
        parts.push('null');
        return true;
      }
      if (depth >= MAX_EVIDENCE_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        parts.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) parts.push(',');
          if (!pushValue(value[i], depth + 1, parts)) return false;
        }
        parts.push(']');
        return true;
      }
      return pushRecord(value, depth + 1, parts);
    }
    default:
      return false;
  }
}

function pushRecord(value: unknown, depth: number, parts: string[]): boolean {
  if (!isPlainObject(value)) return false;
  const keys = plainKeys(value);
  if (keys === undefined) return false;
  // JCS orders keys by UTF-16 code units, which is what the default sort compares.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  parts.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const name = quoteJsonString(key);
    if (name === undefined) return false;
    parts.push(i === 0 ? name : `,${name}`, ':');
    if (!pushValue(value[key], depth, parts)) return false;
  }
  parts.push('}');
  return true;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  if (!isPlainObject(value)) return false;
  const keys = plainKeys(value);
  if (keys === undefined) return false;
  for (const key of keys) if (typeof value[key] !== 'string') return false;
  return true;
}

function trimmedNonEmpty(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function decimalOrUndefined(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return toDecimal18_6(value);
  } catch {
    return undefined;
  }
}

/**
 * Validates a wire finding without zod for the common, valid case. Returns undefined whenever
 * `FindingWireSchema` might disagree (any invalid or unusual input), so the caller falls back to
 * zod and its error messages; when it returns a value, that value equals zod's output field for
 * field (trimmed text, defaulted evidence/tags) plus the canonical evidence JSON.
 */
export function validateWireFast(input: Record<string, unknown>): ValidatedFinding | undefined {
  if (!isPlainObject(input)) return undefined;
  for (const key in input) if (!WIRE_KEYS.has(key)) return undefined;

  const provider = input.provider;
  const category = input.category;
  const severity = input.severity;
  const savingsBasis = input.savingsBasis;
  if (!PROVIDER_SET.has(provider) || !CATEGORY_SET.has(category) || !SEVERITY_SET.has(severity) || !BASIS_SET.has(savingsBasis)) return undefined;

  const accountId = trimmedNonEmpty(input.accountId);
  const region = trimmedNonEmpty(input.region);
  const resourceType = trimmedNonEmpty(input.resourceType);
  const resourceId = trimmedNonEmpty(input.resourceId);
  const title = trimmedNonEmpty(input.title);
  const recommendation = trimmedNonEmpty(input.recommendation);
  if (accountId === undefined || region === undefined || resourceType === undefined || resourceId === undefined || title === undefined || recommendation === undefined) {
    return undefined;
  }
  if (typeof input.checkId !== 'string' || typeof input.checkVersion !== 'string') return undefined;
  const checkId = input.checkId.trim();
  const checkVersion = input.checkVersion.trim();
  if (!CHECK_ID_PATTERN.test(checkId) || !SEMVER_PATTERN.test(checkVersion)) return undefined;

  const currency = input.currency;
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency)) return undefined;

  const estimatedMonthlySavings = input.estimatedMonthlySavings;
  const savings = decimalOrUndefined(estimatedMonthlySavings);
  if (savings === undefined || savings < 0n) return undefined;

  const rawCost = input.observedMonthlyCost;
  let observedCost: bigint | null = null;
  if (rawCost !== undefined && rawCost !== null) {
    const parsed = decimalOrUndefined(rawCost);
    if (parsed === undefined) return undefined;
    observedCost = parsed;
  }

  const evidence = input.evidence === undefined ? {} : input.evidence;
  const evidenceJson = canonicalJsonRecord(evidence);
  if (evidenceJson === undefined) return undefined;
  const tags = input.tags === undefined ? {} : input.tags;
  if (!isStringRecord(tags)) return undefined;

  let discriminator: string | undefined;
  if (input.discriminator !== undefined) {
    if (typeof input.discriminator !== 'string') return undefined;
    discriminator = input.discriminator.trim();
  }
  let exclusionGroup: string | undefined;
  if (input.exclusionGroup !== undefined) {
    exclusionGroup = trimmedNonEmpty(input.exclusionGroup);
    if (exclusionGroup === undefined) return undefined;
  }

  const wire: FindingWire = {
    provider: provider as FindingWire['provider'],
    accountId,
    region,
    resourceType,
    resourceId,
    checkId,
    checkVersion,
    category: category as FindingWire['category'],
    severity: severity as FindingWire['severity'],
    title,
    recommendation,
    estimatedMonthlySavings: estimatedMonthlySavings as string,
    currency,
    savingsBasis: savingsBasis as FindingWire['savingsBasis'],
    evidence: evidence as FindingWire['evidence'],
    tags,
  };
  if (rawCost !== undefined) wire.observedMonthlyCost = rawCost as string | null;
  if (discriminator !== undefined) wire.discriminator = discriminator;
  if (exclusionGroup !== undefined) wire.exclusionGroup = exclusionGroup;
  return { wire, evidenceJson, savings, observedCost };
}
