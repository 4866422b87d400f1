import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecimalError,
  decimal128FromWords,
  decimal128Words,
  decimalVector,
  decimalVectorValues,
  formatDecimal,
  normalizeDecimal18_6,
  toDecimal18_6,
} from './decimal.ts';

describe('toDecimal18_6', () => {
  it.each([
    ['0', 0n],
    ['12.5', 12_500_000n],
    ['0.000001', 1n],
    ['-12.345678', -12_345_678n],
    ['999999999999.999999', 999_999_999_999_999_999n],
    ['-999999999999.999999', -999_999_999_999_999_999n],
    ['1.5000000000', 1_500_000n],
    ['007.25', 7_250_000n],
    ['-0', 0n],
    ['-0.000000', 0n],
  ])('parses %s exactly', (text, expected) => {
    expect(toDecimal18_6(text)).toBe(expected);
  });

  it.each([
    ['0.0000001', /7 fractional digits; at most 6/],
    ['1000000000000', /out of range for DECIMAL\(18,6\)/],
    ['1e3', /not a plain decimal/],
    ['.5', /not a plain decimal/],
    ['5.', /not a plain decimal/],
    ['0x10', /not a plain decimal/],
    ['Infinity', /not a plain decimal/],
    ['', /not a plain decimal/],
    ['1,5', /not a plain decimal/],
  ])('rejects %s naming the field', (text, reason) => {
    let caught: unknown;
    try {
      toDecimal18_6(text, 'estimatedMonthlySavings');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecimalError);
    expect((caught as DecimalError).field).toBe('estimatedMonthlySavings');
    expect((caught as DecimalError).message).toMatch(/^estimatedMonthlySavings: /);
    expect((caught as DecimalError).message).toMatch(reason);
  });

  it('rejects non-string input', () => {
    expect(() => toDecimal18_6(12.5 as unknown as string, 'cost')).toThrow(/cost: expected a decimal string, got number/);
  });
});

describe('formatDecimal', () => {
  it.each([
    [0n, 6, '0.000000'],
    [1n, 6, '0.000001'],
    [-1n, 6, '-0.000001'],
    [12_500_000n, 6, '12.500000'],
    [-12_345_678n, 6, '-12.345678'],
    [42n, 0, '42'],
    [-5n, 2, '-0.05'],
  ])('formats %s at scale %s as %s', (value, scale, text) => {
    expect(formatDecimal(value, scale)).toBe(text);
  });

  it('rejects a bad scale', () => {
    expect(() => formatDecimal(1n, -1)).toThrow(RangeError);
  });

  it('round-trips every DECIMAL(18,6) value through text', () => {
    const limit = 10n ** 18n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -limit, max: limit }), (value) => {
        expect(toDecimal18_6(formatDecimal(value, 6))).toBe(value);
      }),
      { seed: 18_6, numRuns: 500 },
    );
  });

  it('normalizes text to fixed scale', () => {
    expect(normalizeDecimal18_6('12.5')).toBe('12.500000');
    expect(normalizeDecimal18_6('-0.0')).toBe('0.000000');
  });
});

describe('Decimal128 words', () => {
  it('lays out little-endian two\'s complement words', () => {
    expect([...decimal128Words([1n])]).toEqual([1, 0, 0, 0]);
    expect([...decimal128Words([-1n])]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect([...decimal128Words([-2n])]).toEqual([0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff]);
    // 2^32 + 5 spills into the second word.
    expect([...decimal128Words([4_294_967_301n])]).toEqual([5, 1, 0, 0]);
    expect([...decimal128Words([null, 7n])]).toEqual([0, 0, 0, 0, 7, 0, 0, 0]);
    expect([...decimal128Words([-(2n ** 127n)])]).toEqual([0, 0, 0, 0x80000000]);
  });

  it('refuses values wider than 128 bits', () => {
    expect(() => decimal128Words([2n ** 127n])).toThrow(/index 0 does not fit in 128 bits/);
  });

  it('reads back what it writes for any signed 128-bit value', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 127n), max: 2n ** 127n - 1n }), { maxLength: 8 }), (values) => {
        const words = decimal128Words(values);
        expect(values.map((_, i) => decimal128FromWords(words, i))).toEqual(values);
      }),
      { seed: 128, numRuns: 300 },
    );
  });

  it('is read back by apache-arrow as the same signed integers', () => {
    // Arrow's BigNum view decodes the words independently of our reader (two's complement, LE).
    const values = [-12_345_678n, 1n, 999_999_999_999_999_999n, -(10n ** 18n - 1n)];
    const vector = decimalVector(values, 18, 6);
    expect(values.map((_, i) => String(vector.get(i)))).toEqual(values.map(String));
  });
});

describe('decimalVector', () => {
  it('builds a Decimal(18,6) vector with nulls and reads it back', () => {
    const values = [1n, null, -12_345_678n, null, 999_999_999_999_999_999n, 0n, null, -1n, 5n];
    const vector = decimalVector(values, 18, 6);
    expect(vector.type.precision).toBe(18);
    expect(vector.type.scale).toBe(6);
    expect(vector.nullCount).toBe(3);
    expect(vector.get(1)).toBeNull();
    expect(decimalVectorValues(vector)).toEqual(values);
  });

  it('reads sliced vectors at the right offset', () => {
    const values = [1n, 2n, null, 4n, -5n];
    expect(decimalVectorValues(decimalVector(values, 18, 6).slice(2))).toEqual([null, 4n, -5n]);
  });

  it('refuses values outside the precision', () => {
    expect(() => decimalVector([10n ** 18n], 18, 6)).toThrow(/index 0 exceeds DECIMAL\(18,6\)/);
  });
});
