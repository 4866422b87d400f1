import { BigQuery, BigQueryInt, BigQueryTimestamp } from '@google-cloud/bigquery';
import { describe, expect, it } from 'vitest';
import { discoverSince, invoiceMonthAt, stageQuery } from './gcp-queries.ts';
import { plainDecimal, type SchemaField, toJsonRecord } from './gcp-rows.ts';

describe('plainDecimal', () => {
  it('writes doubles as exact decimal text without exponent', () => {
    expect(plainDecimal(22.232048)).toBe('22.232048');
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(-1.25e-8)).toBe('-0.0000000125');
    expect(plainDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(plainDecimal(-0.5)).toBe('-0.5');
    expect(plainDecimal(0)).toBe('0');
  });
});

describe('toJsonRecord', () => {
  const schema: SchemaField[] = [
    { name: 'cost', type: 'FLOAT' },
    { name: 'price', type: 'NUMERIC' },
    { name: 'n', type: 'INTEGER' },
    { name: 'at', type: 'TIMESTAMP' },
    { name: 'flag', type: 'BOOLEAN' },
    { name: 'credits', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'amount', type: 'FLOAT' }, { name: 'type', type: 'STRING' }] },
    { name: 'invoice', type: 'RECORD', fields: [{ name: 'month', type: 'STRING' }] },
  ];

  it('keeps every field in its declared type as JSON text, following nested and repeated records', () => {
    // The same cells BigQuery sends, decoded by the SDK exactly as the connector receives them.
    const [row] = BigQuery.mergeSchemaWithRows_(
      { fields: schema } as Parameters<typeof BigQuery.mergeSchemaWithRows_>[0],
      [
        {
          f: [
            { v: '1.0E-7' },
            { v: '123456789.123456789' },
            { v: '9007199254740993' },
            { v: '1714575600123456' },
            { v: 'true' },
            { v: [{ v: { f: [{ v: '-4.44641' }, { v: 'SUSTAINED_USAGE_DISCOUNT' }] } }] },
            { v: { f: [{ v: '202405' }] } },
          ],
        },
      ],
      { wrapIntegers: true, parseJSON: false, listParams: { 'formatOptions.useInt64Timestamp': true } },
    ) as Array<Record<string, unknown>>;
    expect(row?.['n']).toBeInstanceOf(BigQueryInt);
    expect(row?.['at']).toBeInstanceOf(BigQueryTimestamp);
    expect(toJsonRecord(schema, row ?? {})).toEqual({
      cost: '0.0000001',
      price: '123456789.123456789',
      n: '9007199254740993',
      at: '2024-05-01T15:00:00.123456Z',
      flag: true,
      credits: [{ amount: '-4.44641', type: 'SUSTAINED_USAGE_DISCOUNT' }],
      invoice: { month: '202405' },
    });
  });

  it('names the field of a value that does not match its type', () => {
    expect(() => toJsonRecord([{ name: 'usage', type: 'RECORD', fields: [{ name: 'amount', type: 'FLOAT' }] }], { usage: { amount: 'x' } })).toThrow(
      /field usage\.amount \(FLOAT\) has an unexpected value/,
    );
  });
});

describe('invoice months and the discover watermark', () => {
  it('uses Pacific time for the invoice month', () => {
    // 03:00 UTC on July 1st is still June 30th in California.
    expect(invoiceMonthAt(new Date('2024-07-01T03:00:00Z'))).toBe('202406');
    expect(invoiceMonthAt(new Date('2024-07-01T09:00:00Z'))).toBe('202407');
  });

  it('starts at the previous invoice month minus the overlap', () => {
    expect(discoverSince(new Date('2024-07-03T12:00:00Z'), 3).toISOString()).toBe('2024-05-29T00:00:00.000Z');
    expect(discoverSince(new Date('2024-01-10T12:00:00Z'), 0).toISOString()).toBe('2023-12-01T00:00:00.000Z');
  });

  it('binds the invoice month as a parameter and marks the stage query', () => {
    const q = stageQuery({ projectId: 'acme-billing', dataset: 'd', table: 't', exportKind: 'standard', overlapDays: 3, pageSize: 10 }, '202406');
    expect(q.query.startsWith('-- openfinops:gcp-billing-stage v1\n')).toBe(true);
    expect(q.query).toContain('FROM `acme-billing.d.t`');
    expect(q.query).not.toContain('202406');
    expect(q.params['invoice_month']).toBe('202406');
  });
});
