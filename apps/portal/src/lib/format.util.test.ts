import { describe, expect, it } from 'vitest';
import { formatAgo, formatDay, formatMoney, formatMonth } from './format.util.ts';

describe('format.util', () => {
  it('formats decimal strings exactly, rounding to cents', () => {
    expect(formatMoney('1234.565', 'USD')).toBe('$1,234.57');
    expect(formatMoney('3487.166000', 'USD')).toBe('$3,487.17');
    // Beyond float precision: the string is formatted as given.
    expect(formatMoney('90071992547409.995', 'USD')).toBe('$90,071,992,547,410.00');
    expect(formatMoney('17.75', 'EUR')).toBe('€17.75');
    expect(formatMoney('0.000001', 'USD', { precise: true })).toBe('$0.000001');
  });

  it('shows a dash for no amount and the raw value for an unknown currency', () => {
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoney('12.5', null)).toBe('12.5');
    expect(formatMoney('12.5', 'NOTACODE')).toBe('12.5 NOTACODE');
  });

  it('formats UTC days and months', () => {
    expect(formatDay('2024-06-05')).toBe('Jun 5, 2024');
    expect(formatDay('2024-06-05', true)).toBe('Jun 5');
    expect(formatMonth('2024-06')).toBe('June 2024');
    expect(formatDay(null)).toBe('—');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    expect(formatAgo('2026-01-07T00:00:00Z', now)).toBe('3 days ago');
    expect(formatAgo('2026-01-09T23:00:00Z', now)).toBe('1 hour ago');
    expect(formatAgo('2026-01-09T23:59:30Z', now)).toBe('just now');
  });
});
