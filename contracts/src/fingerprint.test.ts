import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIdentity, canonicalJson, findingId, findingIdsOfRun, fingerprint, normalizeIdentity, type IdentityParts } from './fingerprint.ts';

const SEED = 20_240_601;
const IDENTITY_KEYS = ['tenantId', 'provider', 'accountId', 'region', 'resourceType', 'resourceId', 'checkId', 'discriminator'] as const;
const CASE_INSENSITIVE = ['tenantId', 'provider', 'region', 'resourceType', 'checkId'] as const;
const CASE_SENSITIVE = ['accountId', 'resourceId', 'discriminator'] as const;

// Non-blank text with at least one letter so case changes are observable.
const part = fc
  .tuple(fc.string({ minLength: 0, maxLength: 12 }), fc.constantFrom('a', 'B', 'x', 'Q'), fc.string({ minLength: 0, maxLength: 12 }))
  .map(([a, letter, b]) => `${a}${letter}${b}`.trim())
  .filter((s) => s.length > 0);

const identity: fc.Arbitrary<IdentityParts> = fc.record({
  tenantId: part,
  provider: fc.constantFrom('aws', 'azure', 'gcp'),
  accountId: part,
  region: part,
  resourceType: part,
  resourceId: part,
  checkId: part,
  discriminator: part,
});

const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', ' \t ');

const keyOrder = fc.shuffledSubarray([...IDENTITY_KEYS], { minLength: IDENTITY_KEYS.length, maxLength: IDENTITY_KEYS.length });

function withKeyOrder(parts: IdentityParts, order: ReadonlyArray<keyof IdentityParts>): IdentityParts {
  return Object.fromEntries(order.map((key) => [key, parts[key]])) as unknown as IdentityParts;
}

describe('canonicalIdentity', () => {
  it('equals canonicalJson of the normalized parts for any text, including escapes and lone surrogates', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.constantFrom('a"b\\c', 'tab\there', 'x\u0001y', 'é\u2028ü', 'a\ud800', '\udc00z'));
    fc.assert(
      fc.property(fc.tuple(anyText, anyText, anyText, anyText, anyText, anyText, anyText), fc.option(anyText, { nil: undefined }), (texts, discriminator) => {
        const [tenantId, provider, accountId, region, resourceType, resourceId, checkId] = texts;
        const parts: IdentityParts = { tenantId, provider, accountId, region, resourceType, resourceId, checkId, discriminator };
        let expected: string | Error;
        try {
          expected = canonicalJson(normalizeIdentity(parts));
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => canonicalIdentity(parts)).toThrow(expected.message);
        else expect(canonicalIdentity(parts)).toBe(expected);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('is canonical JSON of exactly the normalized parts', () => {
    const text = canonicalIdentity({
      tenantId: ' Acme ',
      provider: 'AWS',
      accountId: '012345678901',
      region: 'US-East-1',
      resourceType: 'EC2:Instance',
      resourceId: 'i-0ABCdef',
      checkId: 'AWS/Idle-EC2',
    });
    expect(text).toBe(
      '{"accountId":"012345678901","checkId":"aws/idle-ec2","discriminator":"","provider":"aws","region":"us-east-1","resourceId":"i-0ABCdef","resourceType":"ec2:instance","tenantId":"acme"}',
    );
  });

  it('names a missing or blank part', () => {
    expect(() => canonicalIdentity({ tenantId: 't', provider: 'aws', accountId: '  ', region: 'r', resourceType: 'x', resourceId: 'y', checkId: 'a/b' })).toThrow(
      /identity part "accountId" must be a non-empty string/,
    );
    expect(() => canonicalIdentity({ provider: 'aws' } as unknown as IdentityParts)).toThrow(/identity part "tenantId"/);
  });
});

describe('fingerprint properties', () => {
  it('is 64 lowercase hex chars', () => {
    fc.assert(
      fc.property(identity, (parts) => {
        expect(fingerprint(parts)).toMatch(/^[0-9a-f]{64}$/);
      }),
      { seed: SEED },
    );
  });

  it('is stable across key order of the input object', () => {
    fc.assert(
      fc.property(identity, keyOrder, (parts, order) => {
        const reordered = withKeyOrder(parts, order);
        expect(Object.keys(reordered)).toEqual(order);
        expect(fingerprint(reordered)).toBe(fingerprint(parts));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('is stable across surrounding whitespace of every part', () => {
    fc.assert(
      fc.property(identity, whitespace, whitespace, (parts, before, after) => {
        const padded = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, `${before}${String(v)}${after}`])) as unknown as IdentityParts;
        expect(fingerprint(padded)).toBe(fingerprint(parts));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('is stable across the case of case-insensitive parts', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...CASE_INSENSITIVE), fc.boolean(), (parts, key, upper) => {
        const changed = { ...parts, [key]: upper ? parts[key].toUpperCase() : parts[key].toLowerCase() };
        expect(fingerprint(changed)).toBe(fingerprint(parts));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('keeps the case of case-sensitive parts', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...CASE_SENSITIVE), (parts, key) => {
        const value = parts[key] ?? '';
        const flipped = value.toUpperCase() === value ? value.toLowerCase() : value.toUpperCase();
        fc.pre(flipped !== value);
        expect(fingerprint({ ...parts, [key]: flipped })).not.toBe(fingerprint(parts));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('differs when any identity part changes', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...IDENTITY_KEYS), part, (parts, key, replacement) => {
        const before = canonicalIdentity(parts);
        const changed = { ...parts, [key]: replacement };
        fc.pre(canonicalIdentity(changed) !== before);
        expect(fingerprint(changed)).not.toBe(fingerprint(parts));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('separates parts: moving text between fields changes the fingerprint', () => {
    const base = { tenantId: 't', provider: 'aws', accountId: 'ab', region: 'r', resourceType: 'x', resourceId: 'c', checkId: 'a/b' };
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, accountId: 'a', resourceId: 'bc' }));
  });

  it('treats an absent, null or empty discriminator the same', () => {
    fc.assert(
      fc.property(identity, (parts) => {
        const { discriminator: _ignored, ...without } = parts;
        const fp = fingerprint(without);
        expect(fingerprint({ ...without, discriminator: '' })).toBe(fp);
        expect(fingerprint({ ...without, discriminator: null })).toBe(fp);
        expect(fingerprint({ ...without, discriminator: '   ' })).toBe(fp);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('ignores check version, config, thresholds, savings and wording', () => {
    fc.assert(
      fc.property(
        identity,
        fc.record({
          checkVersion: fc.constantFrom('1.0.0', '2.3.1'),
          config: fc.dictionary(fc.string(), fc.integer()),
          thresholds: fc.record({ cpu: fc.integer() }),
          estimatedMonthlySavings: fc.constantFrom('0', '12.5', '999.999999'),
          title: fc.string(),
          severity: fc.constantFrom('low', 'high'),
        }),
        (parts, noise) => {
          expect(fingerprint({ ...parts, ...noise } as IdentityParts)).toBe(fingerprint(parts));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('findingId', () => {
  it('is the first 32 hex chars of sha256(fingerprint:runId), deterministic and run-specific', () => {
    const fp = fingerprint({ tenantId: 't', provider: 'aws', accountId: '1', region: 'global', resourceType: 'iam:user', resourceId: 'bob', checkId: 'aws/unused-user' });
    const id = findingId(fp, 'run-1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(findingId(fp, 'run-1')).toBe(id);
    expect(findingId(fp, 'run-2')).not.toBe(id);
  });

  it('rejects a malformed fingerprint or empty run id', () => {
    expect(() => findingId('ABC', 'run')).toThrow(/fingerprint must be 64 lowercase hex/);
    expect(() => findingId('a'.repeat(64), ' ')).toThrow(/runId must be a non-empty string/);
  });

  it('findingIdsOfRun gives each fingerprint of a run the id findingId gives it', () => {
    const fps = ['a', 'b', 'c'].map((resourceId) => fingerprint({ tenantId: 't', provider: 'aws', accountId: '1', region: 'us-east-1', resourceType: 'ebs-volume', resourceId, checkId: 'aws/x' }));
    expect(findingIdsOfRun(fps, 'run-7')).toEqual(fps.map((fp) => findingId(fp, 'run-7')));
    expect(findingIdsOfRun([], 'run-7')).toEqual([]);
    expect(() => findingIdsOfRun(fps, '')).toThrow(/runId must be a non-empty string/);
  });
});

describe('canonicalJson', () => {
  const json: fc.Arbitrary<unknown> = fc.jsonValue();

  it('is independent of key order at every depth', () => {
    const reorder = (value: unknown, flip: boolean): unknown => {
      if (Array.isArray(value)) return value.map((v) => reorder(v, flip));
      if (value !== null && typeof value === 'object') {
        const keys = Object.keys(value).sort();
        if (flip) keys.reverse();
        return Object.fromEntries(keys.map((k) => [k, reorder((value as Record<string, unknown>)[k], !flip)]));
      }
      return value;
    };
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(reorder(value, true))).toBe(canonicalJson(reorder(value, false)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('parses back to an equal value and has no whitespace between tokens', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(canonicalJson({ b: [1, { d: 2, c: 'x y' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x y","d":2}]}');
  });

  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(/no JSON representation/);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
  });
});
