import { billingCheckers, checkerDir, compareFindings, listCheckerIds, loadExpectedFindings, runCheckerFixture } from '@openfinops/checkers';
import { castFindings, type FindingWireInput } from '@openfinops/contracts';
import { describe, expect, it } from 'vitest';

async function run(id: string): Promise<FindingWireInput[]> {
  const checker = billingCheckers.find((c) => c.id === id);
  if (!checker) throw new Error(`no billing checker ${id}`);
  return (await runCheckerFixture(checker)).findings;
}

const byResource = (findings: FindingWireInput[]) => Object.fromEntries(findings.map((x) => [x.resourceId, x]));

describe('billing checks against their fixtures', () => {
  it('has at least 7 checks, spread over AWS, Azure and GCP, all registered and all reading FOCUS', () => {
    expect(billingCheckers.length).toBeGreaterThanOrEqual(7);
    expect(billingCheckers.filter((c) => c.provider === 'azure').length).toBeGreaterThanOrEqual(2);
    expect(billingCheckers.filter((c) => c.provider === 'gcp').length).toBeGreaterThanOrEqual(2);
    for (const c of billingCheckers) {
      expect(listCheckerIds()).toContain(c.id);
      expect(c.inputs.focus).toBe(true);
    }
  });

  it.each(billingCheckers.map((c) => [c.id, c] as const))('%s emits exactly its expected findings, accepted by the contract', async (_id, checker) => {
    const { findings, fixture } = await runCheckerFixture(checker);
    const expected = loadExpectedFindings(checkerDir(checker));
    expect(expected.findings, `${expected.file} missing`).toBeDefined();
    const cmp = compareFindings(expected.findings, findings);
    expect(cmp.diff).toBe('');
    expect(findings.length).toBeGreaterThan(0);
    const cast = castFindings(findings, { tenantId: 'fixture', runId: 'run_fixture', observedAt: fixture.clock });
    expect(cast.rejected).toEqual([]);
    for (const x of findings) {
      expect(x.accountId).toBe(fixture.accountId);
      expect(typeof x.estimatedMonthlySavings).toBe('string');
      expect(x.evidence).toBeDefined();
    }
  });
});

describe('billing check figures (worked by hand)', () => {
  it('aws/untagged-spend: 40.25 + 9.75 of EC2 in two regions, 12.5 of S3 with an empty owner; savings 0, basis unknown', async () => {
    const r = byResource(await run('aws/untagged-spend'));
    expect(Object.keys(r).sort()).toEqual(['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service']);
    expect(r['Amazon Elastic Compute Cloud']).toMatchObject({ region: 'global', observedMonthlyCost: '50', estimatedMonthlySavings: '0', savingsBasis: 'unknown', category: 'governance' });
    expect(r['Amazon Elastic Compute Cloud']?.evidence).toMatchObject({ period: '2026-10', unallocatedSharePercent: '33.33', regions: ['eu-west-1', 'us-east-1'], missingTagKeys: ['cost-center', 'owner'] });
    expect(r['Amazon Simple Storage Service']).toMatchObject({ region: 'us-east-1', observedMonthlyCost: '12.5' });
  });

  it('aws/commitment-coverage: 400 on demand in 30 days → 400 × 730/720 = 405.555556 a month, × 0.28 = 113.555556', async () => {
    const [x] = await run('aws/commitment-coverage');
    expect(x).toMatchObject({ observedMonthlyCost: '405.555556', estimatedMonthlySavings: '113.555556', savingsBasis: 'estimated', resourceId: '111111111111' });
    expect(x?.evidence).toMatchObject({ onDemandCostInWindow: '400', period: '2026-10-23..2026-11-21' });
  });

  it('aws/unused-commitment: 150 unused of a 750 Savings Plan (80% used) is exact waste', async () => {
    const [x] = await run('aws/unused-commitment');
    expect(x).toMatchObject({ resourceType: 'savings-plan', estimatedMonthlySavings: '150', savingsBasis: 'exact', observedMonthlyCost: '750' });
    expect(x?.evidence).toMatchObject({ utilizationPercent: '80' });
  });

  it('cost-anomaly: median 100, MAD 2 → upper 100 + 5 × 1.4826 × 2 = 114.826; excess = actual − 114.826', async () => {
    const [aws] = await run('aws/cost-anomaly');
    expect(aws).toMatchObject({ resourceId: 'Amazon Elastic Compute Cloud', estimatedMonthlySavings: '285.174', savingsBasis: 'unknown', discriminator: 'day:2026-11-21' });
    expect(aws?.evidence).toMatchObject({ baselineMedian: '100', baselineMad: '2', expectedRange: { low: '85.174', high: '114.826' }, baselineWindow: { start: '2026-10-24', end: '2026-11-20', days: 28, historyDays: 28 } });
    const [azure] = await run('azure/cost-anomaly');
    expect(azure).toMatchObject({ currency: 'EUR', estimatedMonthlySavings: '135.174' });
    const gcp = await run('gcp/cost-anomaly');
    expect(gcp.map((x) => x.discriminator)).toEqual(['day:2026-11-20']);
  });

  it('aws/gp2-and-previous-generation-usage: gp2 saves 20% (0.08 vs 0.10 per GB-month), m4.large → m6i.large 4%', async () => {
    const r = byResource(await run('aws/gp2-and-previous-generation-usage'));
    expect(r['vol-0aaaaaaaaaaaaaaa1']).toMatchObject({ estimatedMonthlySavings: '10', exclusionGroup: 'aws:ebs-volume:vol-0aaaaaaaaaaaaaaa1' });
    expect(r['i-0ccccccccccccccc3']).toMatchObject({ estimatedMonthlySavings: '2.976', exclusionGroup: 'aws:ec2-instance:i-0ccccccccccccccc3:instance-type' });
    expect(r['i-0eeeeeeeeeeeeeee5']).toBeUndefined();
  });

  it('aws/idle-public-ipv4 and gcp/idle-external-ip: the idle charges are the exact saving', async () => {
    const aws = byResource(await run('aws/idle-public-ipv4'));
    expect(Object.keys(aws).sort()).toEqual(['eipalloc-0abc', 'eipalloc-0def']);
    expect(aws['eipalloc-0abc']).toMatchObject({ estimatedMonthlySavings: '3.72', savingsBasis: 'exact', region: 'us-east-1' });
    const gcp = await run('gcp/idle-external-ip');
    expect(gcp.map((x) => [x.region, x.estimatedMonthlySavings])).toEqual([
      ['europe-west1', '2.88'],
      ['us-central1', '7.2'],
    ]);
  });

  it('aws/data-transfer-spike: 210 this week vs 70 a week before (3x); excess over 2 × 70 = 70', async () => {
    const [x] = await run('aws/data-transfer-spike');
    expect(x).toMatchObject({ estimatedMonthlySavings: '70', savingsBasis: 'unknown', category: 'anomaly' });
    expect(x?.evidence).toMatchObject({ recentCost: '210', baselineCost: '280', baselineWeeklyAverage: '70', threshold: '140', observedFactor: '3' });
  });

  it('azure: unused reservation 45.5 EUR and savings plan 12 EUR; Hybrid Benefit 150 × 0.4 = 60 EUR', async () => {
    const unused = await run('azure/unused-commitment');
    expect(unused.map((x) => [x.resourceType, x.estimatedMonthlySavings, x.currency])).toEqual([
      ['savings-plan', '12', 'EUR'],
      ['reservation', '45.5', 'EUR'],
    ]);
    const [ahb] = await run('azure/hybrid-benefit');
    expect(ahb).toMatchObject({ estimatedMonthlySavings: '60', observedMonthlyCost: '150', region: 'westeurope' });
  });

  it('gcp: 300 of on-demand N2 → 304.166667 a month, × 0.37 = 112.541667; unlabeled spend 12 and 3', async () => {
    const [cud] = await run('gcp/committed-use-coverage');
    expect(cud).toMatchObject({ observedMonthlyCost: '304.166667', estimatedMonthlySavings: '112.541667', resourceId: 'proj-a' });
    const unlabeled = await run('gcp/unlabeled-spend');
    expect(unlabeled.map((x) => [x.resourceId, x.observedMonthlyCost])).toEqual([
      ['BigQuery', '3'],
      ['Compute Engine', '12'],
    ]);
  });
});
