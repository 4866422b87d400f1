import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPriceLookup, loadRateTable, PriceTableError, type RateTable } from '../../sdk/pricing.ts';
import { AWS_RATE } from './aws-rate-keys.ts';
import { ebsVolumeMonthlyCost } from './ebs-cost.ts';
import { awsPricing } from './ec2-pricing.ts';

const pricing = awsPricing();

describe('shipped AWS rates', () => {
  it('give decimal unit prices with unit, currency and source', () => {
    expect(pricing.rate('us-east-1', AWS_RATE.ebsGbMonth('gp3'))).toMatchObject({ price: '0.08', unit: 'GB-month', currency: 'USD' });
    expect(pricing.rate('eu-west-1', AWS_RATE.natGatewayHour)).toMatchObject({ price: '0.048', unit: 'hour' });
    expect(pricing.rate('us-east-1', AWS_RATE.publicIpv4Hour)?.source).toMatch(/AWS public pricing/);
    expect(pricing.rate('ap-southeast-2', AWS_RATE.ebsGbMonth('gp3'))).toBeUndefined();
    expect(pricing.rate('us-east-1', 'ebs:nope:gb-month')).toBeUndefined();
    // Instance hours still come from the EC2 table, previous generations included.
    expect(pricing.onDemandHourly('us-east-1', 'm4.large')?.hourly).toBe('0.10');
  });

  it('cover the same keys in every region', () => {
    const all = [
      ...['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'].map((t) => AWS_RATE.ebsGbMonth(t)),
      ...(Object.values(AWS_RATE) as unknown[]).filter((k): k is string => typeof k === 'string'),
      AWS_RATE.snapshotGbMonth('standard'),
      AWS_RATE.snapshotGbMonth('archive'),
    ];
    const keys = (region: string) => all.filter((k) => pricing.rate(region, k) !== undefined);
    expect(keys('us-east-1')).toEqual(all);
    expect(keys('eu-west-1')).toEqual(keys('us-east-1'));
    expect(keys('us-west-2')).toEqual(keys('us-east-1'));
  });
});

describe('ebsVolumeMonthlyCost', () => {
  it.each([
    ['gp2 100 GiB', { volumeType: 'gp2', sizeGiB: 100 }, '10'],
    ['gp3 500 GiB, 6000 IOPS, 250 MiB/s', { volumeType: 'gp3', sizeGiB: 500, iops: 6000, throughputMiBps: 250 }, '60'],
    ['gp3 at baseline', { volumeType: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 125 }, '8'],
    ['io1 100 GiB 1000 IOPS', { volumeType: 'io1', sizeGiB: 100, iops: 1000 }, '77.5'],
    ['io2 100 GiB 70000 IOPS (three tiers)', { volumeType: 'io2', sizeGiB: 100, iops: 70000 }, '3739.9'],
    ['st1 500 GiB', { volumeType: 'st1', sizeGiB: 500 }, '22.5'],
  ])('prices %s', (_name, spec, expected) => {
    const cost = ebsVolumeMonthlyCost(pricing, 'us-east-1', spec);
    expect(cost.missing).toEqual([]);
    expect(cost.monthly?.toFixed()).toBe(expected);
  });

  it('returns no total and names what is missing for an unknown type or region', () => {
    expect(ebsVolumeMonthlyCost(pricing, 'us-east-1', { volumeType: 'gp9', sizeGiB: 1 })).toMatchObject({ monthly: undefined, missing: ['ebs:gp9:gb-month'] });
    expect(ebsVolumeMonthlyCost(pricing, 'ap-south-1', { volumeType: 'io1', sizeGiB: 1, iops: 100 }).missing).toEqual(['ebs:io1:gb-month', 'ebs:io1:iops-month']);
  });
});

describe('rate table validation', () => {
  const base: RateTable = { source: 's', retrieved: '2026-01-01', currency: 'USD', units: { 'x:y': 'hour' }, regions: { 'us-east-1': { 'x:y': '0.1' } } };
  const write = (doc: unknown) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rates-')), 'rates.json');
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };

  it('rejects float prices, undeclared keys and a currency mismatch, naming file and field', () => {
    expect(() => loadRateTable(write({ ...base, regions: { 'us-east-1': { 'x:y': 0.1 } } }))).toThrow(/rates\.json: regions\.us-east-1\.x:y/);
    expect(() => loadRateTable(write({ ...base, regions: { 'us-east-1': { 'x:z': '0.1' } } }))).toThrow(/x:z: rate key not declared/);
    expect(() => loadRateTable(write('nope'))).toThrow(PriceTableError);
    const ec2 = { source: 's', retrieved: '2026-01-01', currency: 'EUR', operatingSystem: 'Linux', tenancy: 'shared', unit: 'hour' as const, regions: {} };
    expect(() => createPriceLookup(ec2, base)).toThrow(/USD differs/);
  });
});
