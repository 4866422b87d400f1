import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { focusColumnNames, focusCreateTableSql } from '../catalog/focus-catalog.ts';
import { insertRows, taxRow, usageRow, type Row } from './synthetic-rows.fixture.ts';
import { validateFocus, type FocusValidationReport } from './validate-focus.ts';

function failing(report: FocusValidationReport): Record<string, number> {
  return Object.fromEntries(report.rules.filter((r) => r.failed > 0).map((r) => [r.id, r.failed]));
}

let conn: DuckDBConnection;
beforeEach(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run(`SET TimeZone = 'UTC'`);
});
afterEach(() => conn.closeSync());

describe('validateFocus on a clean FOCUS 1.2 table', () => {
  it('passes, evaluates every rule and ignores x_ columns', async () => {
    await conn.run(focusCreateTableSql('clean'));
    await conn.run('ALTER TABLE clean ADD COLUMN x_CostCenter VARCHAR');
    await insertRows(conn, 'clean', [{ ...usageRow, x_CostCenter: 'cc-1' }, taxRow]);
    const report = await validateFocus(conn, 'clean');
    expect(failing(report)).toEqual({});
    expect(report).toMatchObject({ version: '1.2', relation: 'clean', rowCount: 2, passed: true, errors: 0, warnings: 0, ignoredColumns: ['x_CostCenter'] });
    expect(report.rules.filter((r) => r.skipped)).toEqual([]);
    // Both rows hit the unconditional not-null rule; only the Tax row hits "PricingQuantity MUST be null when Tax".
    expect(report.rules.find((r) => r.id === 'BilledCost-C-003-M')).toMatchObject({ checked: 2, failed: 0 });
    expect(report.rules.find((r) => r.id === 'PricingQuantity-C-004-C')).toMatchObject({ checked: 1, failed: 0 });
  });
});

describe('validateFocus on a table violating each rule class once', () => {
  const cases: Array<{ rule: string; row: Row; sample: Record<string, unknown>; severity?: 'warning' }> = [
    { rule: 'ChargeCategory-C-003-M', row: { ...usageRow, ChargeCategory: 'Refund', ConsumedQuantity: null, ConsumedUnit: null }, sample: { ChargeCategory: 'Refund' } },
    { rule: 'ChargeClass.AllowedValues', row: { ...usageRow, ChargeClass: 'Fix' }, sample: { ChargeClass: 'Fix' } },
    { rule: 'ChargeFrequency-C-003-M', row: { ...usageRow, ChargeFrequency: 'Usage-based' }, sample: { ChargeFrequency: 'Usage-based' } },
    { rule: 'PricingCategory-C-007-M', row: { ...usageRow, PricingCategory: 'Spot' }, sample: { PricingCategory: 'Spot' } },
    // The official model would accept "Active"; the spec text (Used/Unused) is what the catalog enforces.
    { rule: 'CommitmentDiscountStatus-C-005-M', row: { ...usageRow, CommitmentDiscountStatus: 'Active' }, sample: { CommitmentDiscountStatus: 'Active' } },
    {
      rule: 'CommitmentDiscountStatus-C-003-C',
      row: { ...usageRow, CommitmentDiscountId: null, CommitmentDiscountCategory: null, CommitmentDiscountName: null, CommitmentDiscountType: null, CommitmentDiscountQuantity: null, CommitmentDiscountUnit: null },
      sample: { CommitmentDiscountStatus: 'Used', CommitmentDiscountId: null },
    },
    { rule: 'ChargePeriod.StartBeforeEnd', row: { ...usageRow, ChargePeriodStart: '2025-01-01 01:00:00+00' }, sample: { ChargePeriodStart: '2025-01-01 01:00:00+00' } },
    { rule: 'BillingPeriod.StartBeforeEnd', row: { ...usageRow, BillingPeriodStart: '2025-03-01 00:00:00+00' }, sample: { BillingPeriodStart: '2025-03-01 00:00:00+00' } },
    { rule: 'BillingCurrency-C-006-M', row: { ...usageRow, BillingCurrency: 'XYZ' }, sample: { BillingCurrency: 'XYZ' } },
    { rule: 'BilledCost-C-003-M', row: { ...usageRow, BilledCost: null }, sample: { BilledCost: null } },
    { rule: 'ListCost-C-009-C', row: { ...usageRow, ListCost: '12' }, sample: { ListCost: '12.000000000000000000' } },
    { rule: 'ContractedCost-C-009-C', row: { ...usageRow, ContractedCost: '7.99' }, sample: { ContractedCost: '7.990000000000000000' } },
    { rule: 'ListUnitPrice-C-008-M', row: { ...usageRow, ListUnitPrice: '-1', ListCost: '-10' }, sample: { ListUnitPrice: '-1.000000000000000000' } },
    { rule: 'ServiceSubcategory-C-004-M', row: { ...usageRow, ServiceCategory: 'Storage' }, sample: { ServiceSubcategory: 'Virtual Machines', ServiceCategory: 'Storage' } },
    { rule: 'ServiceSubcategory-C-003-M', row: { ...usageRow, ServiceSubcategory: 'Quantum Toasters' }, sample: { ServiceSubcategory: 'Quantum Toasters' } },
    { rule: 'ResourceType-C-005-C', row: { ...usageRow, ResourceType: null }, sample: { ResourceType: null, ResourceId: 'i-1' } },
    { rule: 'PricingUnit-C-006-C', row: { ...usageRow, PricingUnit: null }, sample: { PricingUnit: null, PricingQuantity: '10.000000000000000000' } },
    { rule: 'PricingQuantity-C-004-C', row: { ...taxRow, PricingQuantity: '1', PricingUnit: 'Hours' }, sample: { PricingQuantity: '1.000000000000000000', ChargeCategory: 'Tax' } },
    { rule: 'SkuPriceDetails-C-001-M', row: { ...usageRow, SkuPriceDetails: '[1, 2]' }, sample: { SkuPriceDetails: '[1, 2]' } },
    { rule: 'SkuMeter-C-005-C', row: { ...usageRow, SkuMeter: null }, sample: { SkuMeter: null, SkuId: 'sku-1' }, severity: 'warning' },
    { rule: 'PricingCurrency-C-004-M', row: { ...usageRow, PricingCurrency: null }, sample: { PricingCurrency: null } },
    { rule: 'ConsumedQuantity-C-006-C', row: { ...usageRow, ConsumedQuantity: null, ConsumedUnit: null }, sample: { ConsumedQuantity: null } },
    { rule: 'ConsumedQuantity-C-004-C', row: { ...taxRow, ConsumedQuantity: '3', ConsumedUnit: 'Hours' }, sample: { ConsumedQuantity: '3.000000000000000000' } },
    { rule: 'CommitmentDiscountQuantity-C-005-C', row: { ...usageRow, CommitmentDiscountQuantity: null, CommitmentDiscountUnit: null }, sample: { CommitmentDiscountQuantity: null } },
  ];

  it('catches exactly one row per rule and samples it', async () => {
    await conn.run(focusCreateTableSql('broken'));
    await insertRows(conn, 'broken', [usageRow, taxRow, ...cases.map((c) => c.row)]);
    const report = await validateFocus(conn, 'broken', { sampleLimit: 3 });
    expect(report.rowCount).toBe(cases.length + 2);
    expect(failing(report)).toEqual(Object.fromEntries(cases.map((c) => [c.rule, 1])));
    for (const c of cases) {
      const rule = report.rules.find((r) => r.id === c.rule);
      expect(rule?.severity, c.rule).toBe(c.severity ?? 'error');
      expect(rule?.samples, c.rule).toHaveLength(1);
      expect(rule?.samples[0], c.rule).toMatchObject(c.sample);
    }
    expect(report.passed).toBe(false);
    expect(report.warnings).toBe(1);
    expect(report.errors).toBe(cases.length - 1);
  });

  it('passes when only warning rules fail', async () => {
    await conn.run(focusCreateTableSql('warn'));
    await insertRows(conn, 'warn', [{ ...usageRow, SkuMeter: null }]);
    const report = await validateFocus(conn, 'warn');
    expect(failing(report)).toEqual({ 'SkuMeter-C-005-C': 1 });
    expect(report.passed).toBe(true);
  });
});

describe('validateFocus unit price × quantity rules', () => {
  // [ListUnitPrice, PricingQuantity, ListCost, fails with the default tolerance 0.000001]
  const cases: Array<[string, string, string, boolean]> = [
    ['0.096', '24', '2.304', false],
    ['0.096', '24', '2.304001', false], // difference equals the tolerance
    ['0.096', '24', '2.304001000000000001', true], // exact path: 1e-18 beyond the tolerance
    ['0.0000004', '25000000', '10', false], // tiny price, huge quantity: still exact
    ['0.0000004', '25000000', '10.0001', true],
    ['0.000000000000000001', '1', '0', false],
    ['49.999999', '1', '49.999999', false],
    ['123456.789', '1000', '123456789', false], // cost ≥ 50: rounded path
    ['123456.789', '1000', '123456789.01', true],
    ['0.5', '1000000', '500000.000002', true], // quantity beyond the exact bounds
    ['99999999999999999999', '1000000', '1', false], // product overflows DECIMAL(38,24): not comparable
  ];

  async function listCostRule(rows: Array<[string, string, string, boolean]>, tolerance?: string) {
    await conn.run(focusCreateTableSql('prod'));
    await insertRows(conn, 'prod', rows.map(([price, quantity, cost]) => ({ ...usageRow, ListUnitPrice: price, PricingQuantity: quantity, ListCost: cost })));
    const report = await validateFocus(conn, 'prod', { sampleLimit: 20, ...(tolerance ? { amountTolerance: tolerance } : {}) });
    const rule = report.rules.find((r) => r.id === 'ListCost-C-009-C');
    const failedCosts = ((rule?.samples ?? []) as Array<{ ListCost: string }>).map((s) => s.ListCost).sort();
    const expected = rows.filter((c) => c[3]).map(([, , cost]) => (cost.includes('.') ? cost.padEnd(cost.indexOf('.') + 19, '0') : `${cost}.000000000000000000`));
    return { rule, failedCosts, expected: expected.sort() };
  }

  it('decides every magnitude exactly where DECIMAL(38,36) holds it and by 12-decimal rounding beyond', async () => {
    const { rule, failedCosts, expected } = await listCostRule(cases);
    expect(rule).toMatchObject({ checked: cases.length, failed: expected.length });
    expect(failedCosts).toEqual(expected);
  });

  it('takes the rounded path for a tolerance of 1 or more', async () => {
    const rows: Array<[string, string, string, boolean]> = [
      ['0.5', '100', '54', false],
      ['0.5', '100', '60', true],
      ['0.5', '100', '44.999999999999', true],
    ];
    const { rule, failedCosts, expected } = await listCostRule(rows, '5');
    expect(rule).toMatchObject({ checked: rows.length, failed: 2 });
    expect(failedCosts).toEqual(expected);
  });
});

describe('validateFocus schema rules', () => {
  it('reports missing columns, wrong types and unprefixed custom columns, and skips rules it cannot evaluate', async () => {
    await conn.run(focusCreateTableSql('shape'));
    await insertRows(conn, 'shape', [usageRow]);
    await conn.run('ALTER TABLE shape DROP COLUMN ListCost');
    await conn.run('ALTER TABLE shape DROP COLUMN InvoiceId');
    await conn.run('ALTER TABLE shape DROP COLUMN CommitmentDiscountUnit');
    await conn.run('ALTER TABLE shape DROP COLUMN CapacityReservationId');
    await conn.run('ALTER TABLE shape DROP COLUMN CapacityReservationStatus');
    await conn.run('ALTER TABLE shape ALTER EffectiveCost TYPE DOUBLE');
    await conn.run('ALTER TABLE shape ADD COLUMN Foo VARCHAR');
    await conn.run('ALTER TABLE shape ADD COLUMN x_Bar VARCHAR');
    const report = await validateFocus(conn, 'shape');
    expect(failing(report)).toEqual({
      'CostAndUsage-D-032-M': 1, // ListCost is Mandatory
      'CostAndUsage-D-033-O': 1, // InvoiceId is Recommended → warning
      'CostAndUsage-D-015-C': 1, // CommitmentDiscountUnit: other commitment-discount columns prove the feature
      'EffectiveCost-C-001-M': 1, // DOUBLE is not Decimal
      'ColumnHandling-A-010-M': 1, // Foo lacks the x_ prefix
    });
    const byId = (id: string) => report.rules.find((r) => r.id === id);
    expect(byId('CostAndUsage-D-033-O')?.severity).toBe('warning');
    expect(byId('CostAndUsage-D-015-C')?.samples).toEqual([{ missingColumn: 'CommitmentDiscountUnit', presentColumnWithSameCondition: 'CommitmentDiscountCategory' }]);
    expect(byId('EffectiveCost-C-001-M')?.samples).toEqual([{ column: 'EffectiveCost', actualType: 'DOUBLE', expectedType: 'DECIMAL(38,18)' }]);
    expect(byId('ColumnHandling-A-010-M')?.samples).toEqual([{ column: 'Foo', actualType: 'VARCHAR' }]);
    // Capacity reservations: no column shows the provider supports them, so their presence cannot be decided.
    expect(byId('CostAndUsage-D-065-C')).toMatchObject({ checked: 0, failed: 0, skipped: expect.stringContaining('CAPACITY_RESERVATION_SUPPORTED') });
    expect(byId('ListCost-C-009-C')).toMatchObject({ checked: 0, skipped: 'column(s) absent: ListCost' });
    expect(byId('EffectiveCost-C-003-M')).toMatchObject({ checked: 0, skipped: 'column(s) have the wrong type: EffectiveCost' });
    expect(report.ignoredColumns).toEqual(['x_Bar']);
  });

  it('rejects bad options and relation names with a clear error', async () => {
    await conn.run(focusCreateTableSql('t'));
    await expect(validateFocus(conn, 't', { version: '1.0' as '1.2' })).rejects.toThrow(/version "1.0" is not supported/);
    await expect(validateFocus(conn, 't', { sampleLimit: -1 })).rejects.toThrow(/sampleLimit must be a non-negative integer/);
    await expect(validateFocus(conn, 't', { amountTolerance: '1e-6' })).rejects.toThrow(/amountTolerance/);
    await expect(validateFocus(conn, 'a..b')).rejects.toThrow(/Invalid relation name "a..b"/);
  });

  it('counts every column of the catalog', () => {
    expect(focusColumnNames).toHaveLength(57);
  });
});
