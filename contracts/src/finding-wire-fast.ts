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
 * One key layout of plain objects: the keys in `Object.keys` order, their positions in canonical (UTF-16) order and
 * each key's quoted name with its separator. Checkers build evidence from a few object literals, so the same layouts
 * come back finding after finding; sorting and quoting their keys once per layout halved the canonical JSON's cost.
 */
interface KeyLayout {
  keys: string[];
  order: Int32Array;
  /** `"key":` for the first key in canonical order, `,"key":` for the others. */
  names: string[];
}

// Bounded: evidence built with computed keys could otherwise grow these without end.
const MAX_LAYOUTS = 1024;
const MAX_LAYOUTS_PER_FIRST_KEY = 16;
const layoutsByFirstKey = new Map<string, KeyLayout[]>();
let layoutCount = 0;

/** The layout of `value`'s own keys; undefined where `plainKeys` is, or for a key with a lone surrogate. */
function keyLayout(value: Record<string, unknown>): KeyLayout | undefined {
  const keys = Object.keys(value);
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  const first = keys.length === 0 ? '' : keys[0]!;
  let bucket = layoutsByFirstKey.get(first);
  if (bucket !== undefined) {
    search: for (const layout of bucket) {
      if (layout.keys.length !== keys.length) continue;
      for (let i = 1; i < keys.length; i++) if (layout.keys[i] !== keys[i]) continue search;
      return layout;
    }
  }
  for (const key of keys) if (key === '__proto__') return undefined;
  const order = Int32Array.from(keys.keys());
  // JCS orders keys by UTF-16 code units, which is what comparing strings with < does.
  order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const names: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const name = quoteJsonString(keys[order[i]!]!);
    if (name === undefined) return undefined;
    names.push(i === 0 ? `${name}:` : `,${name}:`);
  }
  const layout: KeyLayout = { keys, order, names };
  if (layoutCount >= MAX_LAYOUTS) {
    layoutsByFirstKey.clear();
    layoutCount = 0;
    bucket = undefined;
  }
  if (bucket === undefined) {
    bucket = [];
    layoutsByFirstKey.set(first, bucket);
  }
  if (bucket.length < MAX_LAYOUTS_PER_FIRST_KEY) {
    bucket.push(layout);
    layoutCount++;
  }
  return layout;
}

// Evidence repeats many short strings (instance types, states, formulas, price sources) in every finding; their
// quoted form is kept, within bounds, instead of being scanned again each time.
const MAX_QUOTED_LENGTH = 256;
const MAX_QUOTED = 4096;
const quotedStrings = new Map<string, string>();

function quoteEvidenceString(text: string): string | undefined {
  if (text.length > MAX_QUOTED_LENGTH) return quoteJsonString(text);
  let quoted = quotedStrings.get(text);
  if (quoted !== undefined) return quoted;
  quoted = quoteJsonString(text);
  if (quoted === undefined) return undefined;
  if (quotedStrings.size >= MAX_QUOTED) quotedStrings.clear();
  quotedStrings.set(text, quoted);
  return quoted;
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
      const quoted = quoteEvidenceString(value);
      if (quoted === undefined) return false;
      parts.push(quoted);
      return true;
    }
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return true;
    case 'number':
      if (!Number.isFinite(value)) return false;
      // Number::toString, which JSON.stringify and JCS both use for finite numbers.
      parts.push(String(value));
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
  const layout = keyLayout(value);
  if (layout === undefined) return false;
  const { keys, order, names } = layout;
  parts.push('{');
  for (let i = 0; i < order.length; i++) {
    parts.push(names[i]!);
    if (!pushValue(value[keys[order[i]!]!], depth, parts)) return false;
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

// A run's findings repeat a few money values (one per instance type, price or size) and always the same check id,
// version and currency: each distinct text is parsed or matched once, within bounds.
const MAX_REMEMBERED = 4096;
const decimals = new Map<string, bigint>();
const matchedCheckIds = new Set<string>();
const matchedVersions = new Set<string>();
const matchedCurrencies = new Set<string>();

/** `cache`, emptied first when it is full. */
function bounded<C extends { size: number; clear(): void }>(cache: C): C {
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  return cache;
}

function decimalOrUndefined(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const known = decimals.get(value);
  if (known !== undefined) return known;
  let parsed: bigint;
  try {
    parsed = toDecimal18_6(value);
  } catch {
    return undefined;
  }
  bounded(decimals).set(value, parsed);
  return parsed;
}

/** `pattern.test(text)`, remembering the texts that matched in `matched`. */
function matches(pattern: RegExp, text: string, matched: Set<string>): boolean {
  if (matched.has(text)) return true;
  if (!pattern.test(text)) return false;
  bounded(matched).add(text);
  return true;
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
  if (!matches(CHECK_ID_PATTERN, checkId, matchedCheckIds) || !matches(SEMVER_PATTERN, checkVersion, matchedVersions)) return undefined;

  const currency = input.currency;
  if (typeof currency !== 'string' || !matches(CURRENCY_PATTERN, currency, matchedCurrencies)) return undefined;

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
