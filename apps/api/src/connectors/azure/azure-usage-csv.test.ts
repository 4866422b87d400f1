import { describe, expect, it } from 'vitest';
import { billingCost, canonicalItem, csvHeaderLine, csvLine, type UsageItem, usageKindOf } from './azure-usage-csv.ts';
import { parseJsonLossless } from './lossless-json.ts';

describe('parseJsonLossless', () => {
  it('keeps numbers as the exact source text, also inside strings, arrays and exponents', () => {
    const parsed = parseJsonLossless('{"a": 0.12345678901234567891, "b": [-1.5E-7, 2], "s": "x 1.0 \\" 3", "t": true, "n": null}');
    expect(parsed).toEqual({ a: '0.12345678901234567891', b: ['-1.5E-7', '2'], s: 'x 1.0 " 3', t: true, n: null });
  });

  it('still refuses malformed JSON', () => {
    expect(() => parseJsonLossless('{"a": 1,')).toThrow(SyntaxError);
  });
});

const modern: UsageItem = {
  kind: 'modern',
  name: 'row-1',
  tags: { env: 'prod', team: 'a,b' },
  properties: {
    billingAccountId: 'aaaa:bbbb_2019-05-31',
    billingProfileId: 'BP-1',
    subscriptionGuid: 'sub-1',
    date: '2024-03-02T00:00:00.0000000Z',
    costInBillingCurrency: '0.12345678901234567891',
    billingCurrencyCode: 'eur',
    paygCostInBillingCurrency: '0.2',
    isAzureCreditEligible: false,
    product: 'Storage "Hot" LRS',
  },
};

describe('usage details → cost details CSV', () => {
  it('writes modern (MCA) rows under the MCA export headers, quoting as CSV requires', () => {
    const header = csvHeaderLine('modern').trimEnd().split(',');
    const line = csvLine('modern', modern);
    const cells = new Map<string, string>();
    // Split on commas outside quotes.
    const fields = line.trimEnd().match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((f) => f.replace(/,$/, '')) ?? [];
    header.forEach((h, i) => cells.set(h, fields[i] ?? ''));
    expect(cells.get('CostInBillingCurrency')).toBe('0.12345678901234567891');
    expect(cells.get('BillingCurrencyCode')).toBe('eur');
    expect(cells.get('SubscriptionId')).toBe('sub-1');
    expect(cells.get('Date')).toBe('2024-03-02');
    expect(cells.get('IsAzureCreditEligible')).toBe('False');
    expect(cells.get('ProductName')).toBe('"Storage ""Hot"" LRS"');
    expect(cells.get('Tags')).toBe('"{""env"":""prod"",""team"":""a,b""}"');
    expect(cells.get('Cost')).toBeUndefined();
    expect(billingCost('modern', modern)).toEqual({ currency: 'EUR', cost: '0.12345678901234567891' });
  });

  it('uses the EA headers for legacy rows and refuses unknown kinds naming the row', () => {
    expect(csvHeaderLine('legacy')).toContain(',Cost,UnitPrice,BillingCurrency,');
    expect(() => usageKindOf({ kind: 'future', name: 'r9' }, 'Azure account a 2024-03')).toThrow(/Azure account a 2024-03: usage detail r9 has kind "future"/);
  });

  it('canonical text does not depend on key order', () => {
    expect(canonicalItem({ b: '1', a: { d: null, c: ['x'] } })).toBe(canonicalItem({ a: { c: ['x'], d: null }, b: '1' }));
  });
});
