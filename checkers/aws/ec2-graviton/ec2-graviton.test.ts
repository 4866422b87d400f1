import { readFileSync } from 'node:fs';
import { castFindings } from '@openfinops/contracts';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { collectFindings, createCheckerContext, fixedClock } from '../../sdk/context.ts';
import { parseInventoryDocument, type InventorySnapshot } from '../../sdk/inventory.ts';
import { memoryLogger } from '../../sdk/logger.ts';
import { createPriceLookup, emptyPriceLookup } from '../../sdk/pricing.ts';
import { ec2OnDemandLinuxPricing } from '../pricing/ec2-pricing.ts';
import { ec2GravitonChecker, gravitonTarget } from './ec2-graviton.checker.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const ACCOUNT = '123456789012';

function loadInventory(): InventorySnapshot {
  const input = JSON.parse(readFileSync(fixture('input.json'), 'utf8')) as { inventory: unknown };
  return parseInventoryDocument(input.inventory, 'input.json');
}

async function run(inventory: InventorySnapshot, config?: unknown, pricing = ec2OnDemandLinuxPricing()) {
  const logger = memoryLogger();
  const ctx = createCheckerContext(ec2GravitonChecker, {
    tenantId: 'demo',
    accountId: ACCOUNT,
    inventory,
    pricing,
    config,
    logger,
    clock: fixedClock(new Date('2026-11-22T00:00:00Z')),
  });
  return { findings: await collectFindings(ec2GravitonChecker, ctx), logger };
}

function instance(over: Record<string, unknown>) {
  return {
    InstanceId: 'i-0000000000000test',
    InstanceType: 'm5.large',
    Architecture: 'x86_64',
    PlatformDetails: 'Linux/UNIX',
    State: { Name: 'running' },
    Placement: { AvailabilityZone: 'us-east-1a' },
    ...over,
  };
}

const snapshot = (...instances: Record<string, unknown>[]) =>
  parseInventoryDocument({ Reservations: [{ OwnerId: ACCOUNT, Instances: instances }] }, 'test');

describe('aws/ec2-graviton against its fixture', () => {
  it('emits exactly the expected findings, savings strings included', async () => {
    const expected = JSON.parse(readFileSync(fixture('expected-findings.json'), 'utf8')) as unknown[];
    const { findings } = await run(loadInventory());
    expect(findings).toEqual(expected);
  });

  it('computes savings as (current - target hourly) x 730 with decimals', async () => {
    const { findings } = await run(loadInventory());
    const m5 = findings.find((f) => f.resourceId === 'i-0a1b2c3d4e5f60001');
    const expected = new Decimal('0.192').minus('0.1632').times(730).toFixed();
    expect(m5?.estimatedMonthlySavings).toBe(expected);
    expect(expected).toBe('21.024');
  });

  it('skips stopped, arm64, Windows, unknown-family and no-equivalent-size instances', async () => {
    const { findings } = await run(loadInventory());
    const ids = findings.map((f) => f.resourceId);
    for (const skipped of ['i-0a1b2c3d4e5f60005', 'i-0a1b2c3d4e5f60006', 'i-0a1b2c3d4e5f60007', 'i-0a1b2c3d4e5f60008', 'i-0a1b2c3d4e5f60010']) {
      expect(ids).not.toContain(skipped);
    }
  });

  it('reports unknown savings with a note when the region has no price', async () => {
    const { findings } = await run(loadInventory());
    const sydney = findings.find((f) => f.resourceId === 'i-0a1b2c3d4e5f60009');
    expect(sydney?.estimatedMonthlySavings).toBe('0');
    expect(sydney?.savingsBasis).toBe('unknown');
    expect(String(sydney?.evidence?.note)).toContain('ap-southeast-2');
  });

  it('emits findings the contract accepts', async () => {
    const { findings } = await run(loadInventory());
    const cast = castFindings(findings, { tenantId: 'demo', runId: 'run_test', observedAt: new Date('2026-11-22T00:00:00Z') });
    expect(cast.rejected).toEqual([]);
    expect(cast.records).toHaveLength(findings.length);
    expect(cast.records[0]?.estimated_monthly_savings).toBe('21.024000');
  });
});

describe('aws/ec2-graviton rules', () => {
  it.each([
    ['m5.xlarge', 'm7g.xlarge'],
    ['m6a.2xlarge', 'm7g.2xlarge'],
    ['c6i.large', 'c7g.large'],
    ['r5a.4xlarge', 'r7g.4xlarge'],
    ['t3a.nano', 't4g.nano'],
    ['m4.large', 'm6g.large'],
    ['c4.xlarge', 'c6g.xlarge'],
    ['r4.2xlarge', 'r6g.2xlarge'],
  ])('maps %s to %s', (from, to) => {
    expect(gravitonTarget(from)).toBe(to);
  });

  it.each(['m5.24xlarge', 't3.micro2', 'p3.2xlarge', 'x1e.xlarge', 'm7g.large', 'nonsense', '.large'])('has no target for %s', (type) => {
    expect(gravitonTarget(type)).toBeUndefined();
  });

  it('treats a Windows PlatformDetails without Platform as Windows', async () => {
    const { findings } = await run(snapshot(instance({ PlatformDetails: 'Windows with SQL Server Standard' })));
    expect(findings).toEqual([]);
  });

  it('marks non-Linux platforms as unknown savings since the table is Linux-only', async () => {
    const { findings } = await run(snapshot(instance({ PlatformDetails: 'Red Hat Enterprise Linux' })));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.savingsBasis).toBe('unknown');
    expect(findings[0]?.estimatedMonthlySavings).toBe('0');
  });

  it('honours hoursPerMonth, minMonthlySavings and excludeTagKeys', async () => {
    const inv = snapshot(
      instance({ InstanceId: 'i-a', InstanceType: 'm5.large' }),
      instance({ InstanceId: 'i-b', InstanceType: 'm5.2xlarge' }),
      instance({ InstanceId: 'i-c', InstanceType: 'm5.2xlarge', Tags: [{ Key: 'x86-only', Value: 'yes' }] }),
    );
    const { findings } = await run(inv, { hoursPerMonth: 100, minMonthlySavings: '2', excludeTagKeys: ['x86-only'] });
    // m5.large: (0.096 - 0.0816) x 100 = 1.44 < 2 → skipped; m5.2xlarge: (0.384 - 0.3264) x 100 = 5.76.
    expect(findings.map((f) => [f.resourceId, f.estimatedMonthlySavings])).toEqual([['i-b', '5.76']]);
  });

  it('skips a type whose Graviton price is not lower', async () => {
    const pricing = createPriceLookup({
      source: 'test',
      retrieved: '2026-01-01',
      currency: 'USD',
      operatingSystem: 'Linux',
      tenancy: 'shared',
      unit: 'hour',
      regions: { 'us-east-1': { 'm5.large': '0.05', 'm7g.large': '0.06' } },
    });
    const { findings } = await run(snapshot(instance({})), undefined, pricing);
    expect(findings).toEqual([]);
  });

  it('warns about and skips instances of another account', async () => {
    const inv = parseInventoryDocument({ Reservations: [{ OwnerId: '999999999999', Instances: [instance({})] }] }, 'test');
    const { findings, logger } = await run(inv, undefined, emptyPriceLookup);
    expect(findings).toEqual([]);
    expect(logger.entries[0]).toMatchObject({ level: 'warn', obj: { accountId: '999999999999' } });
  });

  it('rejects unknown config keys, naming them', () => {
    expect(() => ec2GravitonChecker.parseConfig({ hoursPerMonht: 700 })).toThrow(/hoursPerMonht/);
    expect(() => ec2GravitonChecker.parseConfig({ minMonthlySavings: 5 })).toThrow(/minMonthlySavings/);
  });
});
