import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ec2OnDemandLinuxPricing } from '../aws/pricing/ec2-pricing.ts';
import { loadPriceTable, PriceTableError } from './pricing.ts';

describe('pricing', () => {
  it('looks up shipped on-demand prices as decimal strings with currency and source', () => {
    const pricing = ec2OnDemandLinuxPricing();
    expect(pricing.onDemandHourly('us-east-1', 'm5.xlarge')).toMatchObject({ hourly: '0.192', currency: 'USD', retrieved: pricing.retrieved });
    expect(pricing.onDemandHourly('ap-southeast-2', 'm5.xlarge')).toBeUndefined();
    expect(pricing.source).toMatch(/AWS/);
  });

  it('rejects a table with a float price, naming file and field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'price-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ source: 's', retrieved: '2026-01-01', currency: 'USD', operatingSystem: 'Linux', tenancy: 'shared', unit: 'hour', regions: { 'us-east-1': { 'm5.large': 0.096 } } }),
    );
    expect(() => loadPriceTable(file)).toThrow(PriceTableError);
    expect(() => loadPriceTable(file)).toThrow(/bad\.json: regions\.us-east-1\.m5\.large/);
  });
});
