import { type FindingWireInput } from '../finding.schema.ts';

/** A valid wire finding for tests; override any field. */
export function sampleWireFinding(overrides: Partial<Record<keyof FindingWireInput, unknown>> = {}): Record<string, unknown> {
  const base: FindingWireInput = {
    provider: 'aws',
    accountId: '012345678901',
    region: 'us-east-1',
    resourceType: 'ec2:instance',
    resourceId: 'i-0abc123DEF',
    checkId: 'aws/idle-ec2',
    checkVersion: '1.0.0',
    category: 'waste',
    severity: 'medium',
    title: 'Idle EC2 instance',
    recommendation: 'Stop or terminate the instance.',
    estimatedMonthlySavings: '12.5',
    currency: 'USD',
    savingsBasis: 'estimated',
    observedMonthlyCost: '30.25',
    evidence: { cpuP95: 1.5, window: { days: 14 } },
    tags: { env: 'prod' },
  };
  return { ...base, ...overrides };
}
