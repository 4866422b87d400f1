import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { validateFocus, type FocusValidationReport } from '@openfinops/focus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFocusSample } from './focus-sample-load.ts';

/**
 * The FinOps Foundation FOCUS 1.0 sample (445 rows, AWS/Microsoft/Oracle) checked against 1.2. Every expected count
 * below was recounted by hand from the CSV with Python's csv + decimal modules, independently of DuckDB.
 */
describe('validateFocus on the FOCUS 1.0 sample', () => {
  let conn: DuckDBConnection;
  let report: FocusValidationReport;
  const rule = (id: string) => {
    const r = report.rules.find((x) => x.id === id);
    if (!r) throw new Error(`rule ${id} missing from report`);
    return r;
  };

  beforeAll(async () => {
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    await loadFocusSample(conn, 'sample');
    report = await validateFocus(conn, 'sample', { sampleLimit: 2 });
  });
  afterAll(() => conn.closeSync());

  it('counts the rows and fails', () => {
    expect(report.rowCount).toBe(445);
    expect(report.passed).toBe(false);
  });

  it('names the columns 1.2 adds that the 1.0 sample lacks', () => {
    // 1.0 → 1.2 adds no Mandatory column; the Conditional ones fail only where other columns prove the feature.
    expect(rule('CostAndUsage-D-015-C')).toMatchObject({ failed: 1, samples: [{ missingColumn: 'CommitmentDiscountUnit' }] });
    expect(rule('CostAndUsage-D-018-C')).toMatchObject({ failed: 1, samples: [{ missingColumn: 'CommitmentDiscountQuantity' }] });
    expect(rule('CostAndUsage-D-059-C')).toMatchObject({ failed: 1, samples: [{ missingColumn: 'SkuMeter' }] });
    expect(rule('CostAndUsage-D-061-C')).toMatchObject({ failed: 1, samples: [{ missingColumn: 'SkuPriceDetails' }] });
    expect(rule('CostAndUsage-D-033-O')).toMatchObject({ severity: 'warning', failed: 1, samples: [{ missingColumn: 'InvoiceId' }] });
    expect(rule('CostAndUsage-D-042-O')).toMatchObject({ severity: 'warning', failed: 1, samples: [{ missingColumn: 'ServiceSubcategory' }] });
    for (const id of ['CostAndUsage-D-007-C', 'CostAndUsage-D-020-C', 'CostAndUsage-D-045-C', 'CostAndUsage-D-065-C', 'CostAndUsage-D-067-C']) {
      expect(rule(id), id).toMatchObject({ checked: 0, failed: 0, skipped: expect.stringMatching(/^not determinable/) });
    }
  });

  it('flags the extra unprefixed Id column', () => {
    expect(rule('ColumnHandling-A-010-M')).toMatchObject({ failed: 1, samples: [{ column: 'Id' }] });
  });

  it('finds the known data defects with exact row counts', () => {
    expect(rule('ChargeFrequency-C-003-M')).toMatchObject({ checked: 445, failed: 3 }); // "Usage-based"
    expect(rule('ChargeFrequency-C-003-M').samples[0]).toEqual({ ChargeFrequency: 'Usage-based' });
    expect(rule('ContractedCost-C-003-M')).toMatchObject({ checked: 445, failed: 3 });
    expect(rule('PricingCategory-C-007-M')).toMatchObject({ failed: 3 }); // Oracle '' instead of NULL
    expect(rule('ResourceType-C-005-C')).toMatchObject({ checked: 406, failed: 318 });
    expect(rule('ResourceType-C-004-C')).toMatchObject({ checked: 39, failed: 17 });
    expect(rule('RegionName-C-004-C')).toMatchObject({ checked: 3, failed: 3 });
    expect(rule('ConsumedQuantity-C-004-C')).toMatchObject({ checked: 2, failed: 2 }); // the 2 Adjustment rows
    expect(rule('ListCost-C-009-C')).toMatchObject({ failed: 21 });
    expect(rule('ListCost-C-009-C').samples[0]).toEqual({ ListUnitPrice: '0.050000000000000000', PricingQuantity: '0.000000030000000000', ListCost: '0.000015000000000000', ChargeClass: null });
  });

  it('passes the rules the sample satisfies', () => {
    for (const id of ['BilledCost-C-003-M', 'ChargeCategory-C-003-M', 'BillingCurrency-C-006-M', 'ChargePeriod.StartBeforeEnd', 'BillingPeriod.StartBeforeEnd', 'ServiceCategory-C-003-M', 'Tags-C-001-M']) {
      expect(rule(id), id).toMatchObject({ failed: 0 });
      expect(rule(id).checked, id).toBeGreaterThan(0);
    }
    expect(rule('ChargePeriod.StartBeforeEnd').checked).toBe(445);
  });
});
