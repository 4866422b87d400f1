import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidTenantIdError, LakeLayout, parseTenantId } from '../index.ts';

describe('tenant ids', () => {
  it.each(['demo', 'acme-corp', 'a1', '0abc'])('accepts %s', (id) => {
    expect(parseTenantId(id)).toBe(id);
  });

  it.each(['', 'a', 'Demo', '-abc', '../etc', '%2e%2e', 'a/b', 'ünï', 'a'.repeat(64), 'a b', 'demo\n'])(
    'rejects %j',
    (id) => {
      expect(() => parseTenantId(id)).toThrow(InvalidTenantIdError);
    },
  );
});

describe('lake layout', () => {
  const layout = new LakeLayout('/srv/finops');

  it('builds Hive partition paths from validated parts', () => {
    expect(layout.findingsFile('demo', '2026-11-22', 'run_01')).toBe(
      '/srv/finops/lake/findings/tenant_id=demo/run_date=2026-11-22/part-run_01.parquet',
    );
    expect(layout.focusPartitionDir('demo', { billingPeriod: '2026-10', provider: 'aws', source: '123456789012' })).toBe(
      '/srv/finops/lake/focus/tenant_id=demo/billing_period=2026-10/provider=aws/source=123456789012',
    );
  });

  it('refuses path-like partition values', () => {
    expect(() => layout.findingsPartitionDir('demo', '../2026')).toThrow(/run_date/);
    expect(() => layout.focusPartitionDir('demo', { billingPeriod: '2026-13', provider: 'aws', source: 'x' })).toThrow(
      /billing_period/,
    );
    expect(() => layout.focusPartitionDir('demo', { billingPeriod: '2026-10', provider: 'aws', source: '../b' })).toThrow(
      /source/,
    );
    expect(() => layout.findingsFile('demo', '2026-11-22', 'a/b')).toThrow(/run id/);
  });

  it('knows which paths belong to a tenant', () => {
    expect(layout.isInsideTenant('demo', layout.findingsFile('demo', '2026-11-22', 'r1'))).toBe(true);
    expect(layout.isInsideTenant('demo', layout.findingsFile('other', '2026-11-22', 'r1'))).toBe(false);
    expect(layout.isInsideTenant('demo', path.join(layout.findingsTenantDir('demo'), '..', '..', 'x'))).toBe(false);
  });
});
