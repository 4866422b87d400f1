import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsCurV1Format } from '../aws-cur-v1/aws-cur-v1.format.ts';
import { awsCurV2Format, curV1SqlToV2, curV2ColumnName } from './aws-cur-v2.format.ts';

describe('aws-cur-v2 rendered from the CUR 1.0 mapping', () => {
  it('spells CUR 1.0 columns the way CUR 2.0 does', () => {
    expect(curV2ColumnName('lineItem/UnblendedCost')).toBe('line_item_unblended_cost');
    expect(curV2ColumnName('reservation/ReservationARN')).toBe('reservation_reservation_a_r_n');
    expect(curV2ColumnName('pricing/publicOnDemandCost')).toBe('pricing_public_on_demand_cost');
    expect(curV2ColumnName('bill/BillingPeriodStartDate')).toBe('bill_billing_period_start_date');
  });

  it('leaves no CUR 1.0 column in the conversion, totals or source id SQL, and keeps the CUR 2.0-only sources', () => {
    const sql = awsCurV2Format.renderSql?.(readFileSync(awsCurV2Format.sqlFile, 'utf8')) ?? '';
    for (const text of [sql, awsCurV2Format.sourceTotalsSql, awsCurV2Format.sourceIdSql ?? '']) {
      expect(text).not.toMatch(/"(bill|lineItem|product|pricing|reservation|savingsPlan|identity)\//);
    }
    expect(sql).toContain(`t."bill_payer_account_name"`);
    expect(sql).toContain(`t."product"['purchase_option']`);
    expect(sql).toContain('t."resource_tags" AS "Tags"');
    expect(sql).not.toContain('__tags');
    expect(awsCurV2Format.sourceTotalsSql).toContain('SUM(CAST("line_item_unblended_cost" AS DECIMAL(38,18))) AS billed_total');
    expect(awsCurV2Format.optionalColumns).toEqual(expect.arrayContaining(['line_item_unblended_cost', 'product', 'resource_tags', 'savings_plan_used_commitment']));
  });

  it('refuses to render when a listed CUR 1.0 expression is gone from the mapping', () => {
    const edited = readFileSync(awsCurV1Format.sqlFile, 'utf8').replace('t."__tags" AS "Tags"', 'CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS "Tags"');
    expect(() => curV1SqlToV2(edited)).toThrow(/no longer contains t\."__tags" AS "Tags"/);
  });
});
