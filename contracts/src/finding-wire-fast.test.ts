import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDecimal18_6 } from './decimal.ts';
import { FindingWireSchema } from './finding.schema.ts';
import { canonicalJson } from './fingerprint.ts';
import { validateWireFast } from './finding-wire-fast.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

/** `plain` plus a non-enumerable own key, which zod's record skips. */
function withHidden(plain: Record<string, unknown>): Record<string, unknown> {
  return Object.defineProperty({ ...plain }, 'hidden', { value: 'x', enumerable: false });
}

// Values that are valid, invalid or borderline for some field, so mutations hit both paths.
const fieldValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    '  ',
    ' aws ',
    'aws',
    'AWS',
    'waste',
    'high',
    'exact',
    'USD',
    'usd',
    ' USD',
    '12.5',
    ' 12.5 ',
    '-1',
    '-0.000001',
    '0.1234567',
    '1e3',
    '1000000000000',
    'aws/idle-ec2',
    ' aws/idle-ec2 ',
    'Aws/x',
    '1.0.0',
    'v1.0.0',
    '1.0.0-rc.1+b7',
    'x\ud800y',
    12.5,
    Number.NaN,
  ),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string(), fc.string()),
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.array(fc.string()),
  fc.constant({ bad: Number.POSITIVE_INFINITY }),
  fc.constant({ lone: '\udc00' }),
  fc.constant({ deep: { d: new Date(0) } }),
  fc.constant(Object.assign(Object.create(null) as object, { k: 'v' })),
  fc.constant(withHidden({ k: 'v' })),
  fc.constant({ k: 'v', [Symbol('s')]: 'x' }),
);
const wireKeys = Object.keys(FindingWireSchema.shape);

describe('validateWireFast', () => {
  it('accepts the sample finding with the exact output zod produces', () => {
    const input = sampleWireFinding({ accountId: ' 012345678901 ', discriminator: ' gp2 ', exclusionGroup: ' g ' });
    const fast = validateWireFast(input);
    expect(fast).toBeDefined();
    expect(fast?.wire).toEqual(FindingWireSchema.parse(input));
    expect(fast?.evidenceJson).toBe(canonicalJson(FindingWireSchema.parse(input).evidence));
    expect(fast?.savings).toBe(12_500_000n);
  });

  it('never accepts what zod rejects, and matches zod field for field when it accepts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...wireKeys, 'unknownKey', '__proto__'), fieldValue), { maxLength: 4 }),
        fc.subarray(wireKeys, { maxLength: 2 }),
        (changes, removed) => {
          const input: Record<string, unknown> = sampleWireFinding();
          for (const key of removed) delete input[key];
          for (const [key, value] of changes) Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true });
          const fast = validateWireFast(input);
          const zod = FindingWireSchema.safeParse(input);
          if (fast === undefined) return;
          expect(zod.success).toBe(true);
          if (!zod.success) return;
          expect(fast.wire).toEqual(zod.data);
          expect(fast.evidenceJson).toBe(canonicalJson(zod.data.evidence));
          expect(fast.savings).toBe(toDecimal18_6(zod.data.estimatedMonthlySavings));
          const cost = zod.data.observedMonthlyCost;
          expect(fast.observedCost).toBe(cost === undefined || cost === null ? null : toDecimal18_6(cost));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('skips non-enumerable keys of evidence and tags as zod does, and leaves symbol keys to zod', () => {
    const input = sampleWireFinding({ evidence: withHidden({ b: 1, a: { c: withHidden({ d: true }) } }), tags: withHidden({ env: 'prod' }) as Record<string, string> });
    const fast = validateWireFast(input);
    const zod = FindingWireSchema.parse(input);
    expect(fast?.evidenceJson).toBe('{"a":{"c":{"d":true}},"b":1}');
    expect(fast?.evidenceJson).toBe(canonicalJson(zod.evidence));
    expect(fast?.wire.tags).toEqual(zod.tags);
    expect(validateWireFast(sampleWireFinding({ evidence: { a: 1, [Symbol('s')]: 2 } }))).toBeUndefined();
    expect(validateWireFast(sampleWireFinding({ tags: { env: 'prod', [Symbol('s')]: 'x' } }))).toBeUndefined();
  });

  it('leaves lone surrogates in evidence, cycles and non-plain objects to the zod path', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const evidence of [{ s: 'a\ud800' }, cyclic, { when: new Date(0) }, [1, 2]]) {
      expect(validateWireFast(sampleWireFinding({ evidence }))).toBeUndefined();
    }
  });

  it('writes canonical evidence however often a key layout or a string comes back, past the caches\' bounds', () => {
    const evidenceOf = (evidence: Record<string, unknown>) => validateWireFast(sampleWireFinding({ evidence }))?.evidenceJson;
    // Same first key, other layouts; integer-like keys, which Object.keys lists first; keys in and out of order.
    const shapes: Record<string, unknown>[] = [
      { b: 1, a: 'x', c: [{ z: 1, y: 2 }] },
      { b: 1, a: 'x' },
      { b: 'y', c: null, a: true },
      { '10': 'ten', '9': 'nine', a: 'A', B: 'b' },
      { 'é': 'e', e: 'é', '\u{1f600}': 'emoji', '\uff61': 'halfwidth' },
      {},
    ];
    for (let round = 0; round < 3; round++) {
      for (const evidence of shapes) expect(evidenceOf(evidence)).toBe(canonicalJson(evidence));
    }
    // More layouts than are kept (per first key and in all), and more distinct strings than are kept.
    for (let i = 0; i < 1500; i++) {
      const evidence = { k: i, [`key${i}`]: `value ${i}`, [`a${i % 40}`]: 'x'.repeat(i % 300), long: 'y'.repeat(300 + i) };
      expect(evidenceOf(evidence)).toBe(canonicalJson(evidence));
      expect(evidenceOf(evidence)).toBe(canonicalJson(evidence));
    }
    for (const evidence of shapes) expect(evidenceOf(evidence)).toBe(canonicalJson(evidence));
    // Text canonicalJson refuses stays refused the second time, as a value and as a key.
    for (let round = 0; round < 2; round++) {
      expect(evidenceOf({ s: 'a\ud800' })).toBeUndefined();
      expect(evidenceOf({ ['k\udc00']: 1 })).toBeUndefined();
      expect(evidenceOf(Object.defineProperty({ a: 1 }, '__proto__', { value: 2, enumerable: true }))).toBeUndefined();
    }
  });

  it('matches canonicalJson on arbitrary JSON evidence seen twice', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (evidence) => {
        const first = validateWireFast(sampleWireFinding({ evidence }));
        const again = validateWireFast(sampleWireFinding({ evidence: structuredClone(evidence) }));
        if (first === undefined) {
          expect(again).toBeUndefined();
          return;
        }
        expect(first.evidenceJson).toBe(canonicalJson(evidence));
        expect(again?.evidenceJson).toBe(first.evidenceJson);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses money and matches ids the same way the first time, the second time and past the remembered bounds', () => {
    for (let i = 0; i < 5000; i++) {
      const savings = `${i}.${String(i % 1000).padStart(3, '0')}`;
      const input = sampleWireFinding({ estimatedMonthlySavings: savings, checkId: `aws/check-${i}`, checkVersion: `1.${i}.0` });
      for (let round = 0; round < 2; round++) {
        const fast = validateWireFast(input);
        expect(fast?.savings).toBe(toDecimal18_6(savings));
        expect(fast?.wire.checkId).toBe(`aws/check-${i}`);
      }
    }
    for (let round = 0; round < 2; round++) {
      expect(validateWireFast(sampleWireFinding({ estimatedMonthlySavings: '0.1234567' }))).toBeUndefined();
      expect(validateWireFast(sampleWireFinding({ checkId: 'AWS/Idle' }))).toBeUndefined();
      expect(validateWireFast(sampleWireFinding({ checkVersion: 'v1' }))).toBeUndefined();
      expect(validateWireFast(sampleWireFinding({ currency: 'usd' }))).toBeUndefined();
      expect(validateWireFast(sampleWireFinding({ estimatedMonthlySavings: '-1' }))).toBeUndefined();
    }
  });
});
