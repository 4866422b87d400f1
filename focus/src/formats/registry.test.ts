import { describe, expect, it } from 'vitest';
import { detectFormat, getFormat, UnknownFormatError } from './registry.ts';

const csv = (columns: string[]) => ({ fileName: 'x.csv', fileKind: 'csv' as const, columns });
const FOCUS_CORE = ['BilledCost', 'BillingAccountId', 'BillingCurrency', 'BillingPeriodStart', 'ChargePeriodStart', 'EffectiveCost', 'ServiceName'];

describe('format detection', () => {
  it('tells CUR 1.0, CUR 2.0, AWS FOCUS and generic FOCUS apart', () => {
    expect(detectFormat(csv(['lineItem/UnblendedCost', 'lineItem/LineItemType', 'bill/BillingPeriodStartDate']))?.format.id).toBe('aws-cur-v1');
    expect(detectFormat(csv(['line_item_unblended_cost', 'line_item_line_item_type', 'bill_billing_period_start_date']))?.format.id).toBe('aws-cur-v2');
    expect(detectFormat(csv([...FOCUS_CORE, 'x_ServiceCode']))?.format.id).toBe('aws-focus');
    expect(detectFormat(csv([...FOCUS_CORE, 'x_Custom']))?.format.id).toBe('focus');
  });

  it('answers null for unknown headers and refuses unknown ids', () => {
    expect(detectFormat(csv(['Foo', 'Bar']))).toBeNull();
    expect(() => getFormat('nope')).toThrow(UnknownFormatError);
    expect(() => getFormat('nope')).toThrow(/known formats are .*aws-cur-v1/);
  });
});
