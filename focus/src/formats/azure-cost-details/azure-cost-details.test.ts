import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AZURE_COST_DETAILS_SQL_PATH, buildAzureCostDetailsSql } from './azure-cost-details.build.ts';
import { detectAzureCostDetails } from './azure-cost-details.format.ts';

describe('azure-cost-details descriptor', () => {
  it('ships a conversion SQL that is up to date with its parts and the open-data CSVs', async () => {
    const committed = readFileSync(AZURE_COST_DETAILS_SQL_PATH, 'utf8');
    expect(committed === (await buildAzureCostDetailsSql()), 'run: npx tsx focus/src/formats/azure-cost-details/azure-cost-details.build.ts').toBe(true);
  });

  it('detects MCA camelCase headers and rejects FOCUS and partial headers', () => {
    const mca = ['invoiceId', 'billingAccountId', 'billingProfileId', 'date', 'meterName', 'meterId', 'quantity', 'chargeType',
      'billingPeriodStartDate', 'billingPeriodEndDate', 'costInBillingCurrency', 'pricingModel', 'unitOfMeasure', 'consumedService'];
    expect(detectAzureCostDetails({ fileName: 'mca.csv', fileKind: 'csv', columns: mca })).toBeGreaterThan(0.6);
    expect(detectAzureCostDetails({ fileName: 'f.csv', fileKind: 'csv', columns: [...mca, 'BilledCost'] })).toBe(0);
    expect(detectAzureCostDetails({ fileName: 'p.csv', fileKind: 'csv', columns: mca.filter((c) => c !== 'costInBillingCurrency') })).toBe(0);
  });
});
