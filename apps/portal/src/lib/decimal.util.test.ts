import { describe, expect, it } from 'vitest';
import { addDecimals, compareDecimals, DecimalFormatError, fromScaled, percentChange, shareOf, subtractDecimal, toScaled } from './decimal.util.ts';

describe('decimal.util', () => {
  it('adds FOCUS amounts with 16 decimals exactly (floats would not)', () => {
    expect(addDecimals(['8.5450077867419368', '1.6823086974', '0.1', '0.2'])).toBe('10.5273164841419368');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(addDecimals([])).toBe('0');
  });

  it('subtracts and compares, keeping the sign', () => {
    expect(subtractDecimal('3505.800000', '18.629254')).toBe('3487.170746');
    expect(subtractDecimal('1', '1.5')).toBe('-0.5');
    expect(subtractDecimal('2.50', '2.5')).toBe('0');
    expect(compareDecimals('10', '9.999999')).toBe(1);
    expect(compareDecimals('-1', '0')).toBe(-1);
    expect(compareDecimals('1.0', '1')).toBe(0);
  });

  it('round-trips through the scaled form', () => {
    for (const v of ['0', '1', '-1.25', '123456789012345678.123456789012345678']) expect(fromScaled(toScaled(v))).toBe(v.replace(/^-0$/, '0'));
  });

  it('refuses anything that is not a decimal string, naming it', () => {
    expect(() => toScaled('1e3')).toThrow(DecimalFormatError);
    expect(() => toScaled('12,5')).toThrow('"12,5"');
    expect(() => toScaled('')).toThrow(DecimalFormatError);
  });

  it('percent change rounds half away from zero to one decimal; none against zero', () => {
    expect(percentChange('276.86', '221.97')).toBe('24.7');
    expect(percentChange('90', '100')).toBe('-10.0');
    expect(percentChange('100.05', '100')).toBe('0.1');
    expect(percentChange('99.95', '100')).toBe('-0.1');
    expect(percentChange('5', '0')).toBeNull();
  });

  it('shares for bar widths stay within 0..1', () => {
    expect(shareOf('25', '100')).toBe(0.25);
    expect(shareOf('1', '0')).toBe(0);
  });
});
