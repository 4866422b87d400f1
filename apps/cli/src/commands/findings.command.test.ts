import { describe, expect, it } from 'vitest';
import type { FindingStateView } from '@openfinops/api';
import { findingRow, findingsCsv } from './findings.command.ts';

const view: FindingStateView = {
  tenantId: 'demo',
  fingerprint: 'f'.repeat(64),
  checkId: 'aws/ec2-graviton',
  provider: 'aws',
  accountId: '012345678901',
  region: 'us-east-1',
  resourceType: 'ec2-instance',
  resourceId: 'i-1',
  status: 'open',
  title: 'Move "api", then\nrestart',
  category: 'modernization',
  severity: 'medium',
  estimatedMonthlySavings: '21.024000',
  currency: 'USD',
  savingsBasis: 'estimated',
  exclusionGroup: null,
  firstSeenAt: new Date('2026-11-01T00:00:00Z'),
  lastSeenAt: new Date('2026-11-02T00:00:00Z'),
  resolvedAt: null,
  reopenCount: 0,
  suppressedUntil: null,
  suppressedBy: null,
  suppressedReason: null,
  lastRunId: 'run_1',
};

describe('findings list output', () => {
  it('keeps money as decimal text beside its currency and account ids as strings', () => {
    expect(findingRow(view)).toMatchObject({ estimatedMonthlySavings: '21.024000', currency: 'USD', accountId: '012345678901', resolvedAt: null });
  });

  it('quotes CSV fields with quotes, commas and newlines (RFC 4180)', () => {
    const csv = findingsCsv([view]);
    const [header, ...rest] = csv.split('\r\n');
    expect(header?.split(',')[0]).toBe('fingerprint');
    expect(rest.join('\r\n')).toContain('"Move ""api"", then\nrestart"');
    expect(rest.join('\r\n')).toContain(',012345678901,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
