import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { FOCUS_VERSION, focusColumn, focusColumnNames, focusColumns, focusCreateTableSql, focusDuckDbType, isCustomColumn, isFocusColumn } from './focus-catalog.ts';

describe('FOCUS 1.2 catalog', () => {
  it('has the 57 spec columns in spec (alphabetical) order', () => {
    expect(FOCUS_VERSION).toBe('1.2');
    expect(focusColumns).toHaveLength(57);
    expect(focusColumnNames[0]).toBe('AvailabilityZone');
    expect(focusColumnNames.at(-1)).toBe('Tags');
    expect(new Set(focusColumnNames).size).toBe(57);
  });

  it('maps spec data types to storage types', () => {
    expect(focusDuckDbType('BilledCost')).toBe('DECIMAL(38,18)');
    expect(focusDuckDbType('ChargePeriodStart')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(focusDuckDbType('BillingAccountId')).toBe('VARCHAR');
    expect(focusDuckDbType('Tags')).toBe('MAP(VARCHAR, VARCHAR)');
    expect(focusDuckDbType('SkuPriceDetails')).toBe('JSON');
    expect(() => focusDuckDbType('Cost')).toThrow(/"Cost" is not a FOCUS 1.2 column/);
  });

  it('uses the spec text, not the model, for CommitmentDiscountStatus allowed values', () => {
    expect(focusColumn('CommitmentDiscountStatus').allowedValues).toEqual(['Used', 'Unused']);
    expect(focusColumn('ChargeCategory').allowedValues).toEqual(['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment']);
    expect(focusColumn('ServiceSubcategory').allowedValueParents?.['Virtual Machines']).toBe('Compute');
  });

  it('records feature levels, nullability and model rule ids', () => {
    expect(focusColumn('BilledCost')).toMatchObject({ featureLevel: 'Mandatory', allowsNulls: false, mustNotBeNull: true, modelRules: { presence: 'CostAndUsage-D-006-M' } });
    expect(focusColumn('PricingCurrency')).toMatchObject({ featureLevel: 'Conditional', allowsNulls: true, mustNotBeNull: true });
    expect(focusColumn('ChargeClass').mustNotBeNull).toBe(false);
  });

  it('knows FOCUS and custom columns apart', () => {
    expect(isFocusColumn('EffectiveCost')).toBe(true);
    expect(isFocusColumn('x_CostCenter')).toBe(false);
    expect(isCustomColumn('x_CostCenter')).toBe(true);
  });

  it('creates a DuckDB table with every column and its storage type', async () => {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      await conn.run(focusCreateTableSql('focus_rows'));
      const reader = await conn.runAndReadAll('SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', ['focus_rows']);
      const rows = reader.getRowObjects() as Array<{ column_name: string; data_type: string }>;
      expect(rows.map((r) => r.column_name)).toEqual([...focusColumnNames]);
      expect(rows.find((r) => r.column_name === 'ListCost')?.data_type).toBe('DECIMAL(38,18)');
      expect(rows.find((r) => r.column_name === 'BillingPeriodEnd')?.data_type).toBe('TIMESTAMP WITH TIME ZONE');
    } finally {
      conn.closeSync();
    }
  });
});
