import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Checker, collectFindings, ec2OnDemandLinuxPricing, getChecker, parseInventoryDocument, type PricingLookup } from '@openfinops/checkers';
import { readFindingsParquet } from '@openfinops/contracts';
import { LakeLayout } from '@openfinops/tenants';
import { beforeAll, expect, it } from 'vitest';
import { CheckRunFailedError, CheckRunnerService } from '../../apps/api/src/checks/check-runner.service.ts';
import { FindingStateRepository } from '../../apps/api/src/findings/finding-state.repository.ts';
import { FindingsLakeRepository } from '../../apps/api/src/findings/findings-lake.repository.ts';
import { RunRepository } from '../../apps/api/src/runs/run.repository.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { describeStores } from '../support/index.ts';

const ACCOUNT = '210987654321';
const CHECK = 'aws/ec2-graviton';

function instance(id: string, type: string, arch = 'x86_64') {
  return {
    InstanceId: id,
    InstanceType: type,
    Architecture: arch,
    PlatformDetails: 'Linux/UNIX',
    State: { Name: 'running' },
    Placement: { AvailabilityZone: 'us-east-1a' },
  };
}

const inventory = (...instances: ReturnType<typeof instance>[]) =>
  parseInventoryDocument({ Reservations: [{ OwnerId: ACCOUNT, Instances: instances }] }, 'test');

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 6, 0, 0));

describeStores('check runs and the finding lifecycle', (suite) => {
  let runner: CheckRunnerService;
  let states: FindingStateRepository;
  let runs: RunRepository;
  let lake: FindingsLakeRepository;
  const tenantId = 'lifecycle-co';

  beforeAll(async () => {
    const { prisma } = suite.store;
    await new TenantRepository(prisma).create({ id: tenantId, name: 'Lifecycle Co' });
    runner = new CheckRunnerService({ prisma, dataDir: suite.testStore.dataDir });
    states = new FindingStateRepository(prisma);
    runs = new RunRepository(prisma);
    lake = new FindingsLakeRepository(new LakeLayout(suite.testStore.dataDir));
  });

  const byResource = async () =>
    Object.fromEntries((await states.list(tenantId)).map((s) => [s.resourceId, s] as const));

  it('run 1: every finding is new and open', async () => {
    const result = await runner.runCheck({
      tenantId,
      checkerId: CHECK,
      inventory: inventory(instance('i-a', 'm5.xlarge'), instance('i-b', 'c5.large'), instance('i-c', 't3.small')),
      now: day(1),
    });
    expect(result.stats).toMatchObject({ emitted: 3, valid: 3, rejected: 0, new: 3, stillOpen: 0, resolved: 0, reopened: 0 });
    expect(result.accountId).toBe(ACCOUNT);
    const s = await byResource();
    expect(Object.keys(s).sort()).toEqual(['i-a', 'i-b', 'i-c']);
    expect(s['i-a']).toMatchObject({ status: 'open', estimatedMonthlySavings: '21.024000', currency: 'USD', reopenCount: 0 });
    expect(s['i-a']?.firstSeenAt.toISOString()).toBe(day(1).toISOString());

    const run = await runs.get(tenantId, result.runId);
    expect(run?.status).toBe('succeeded');
    expect(run?.stats).toMatchObject({ new: 3, emitted: 3 });
    const table = await readFindingsParquet(result.parquetPath);
    expect(table.numRows).toBe(3);
  });

  it('run 2: an absent finding resolves, the others stay open', async () => {
    const result = await runner.runCheck({
      tenantId,
      checkerId: CHECK,
      accountId: ACCOUNT,
      inventory: inventory(instance('i-a', 'm5.xlarge'), instance('i-b', 'c7g.large', 'arm64'), instance('i-c', 't3.small')),
      now: day(2),
    });
    expect(result.stats).toMatchObject({ new: 0, stillOpen: 2, resolved: 1, reopened: 0 });
    const s = await byResource();
    expect(s['i-b']).toMatchObject({ status: 'resolved' });
    expect(s['i-b']?.resolvedAt?.toISOString()).toBe(day(2).toISOString());
    expect(s['i-a']?.lastSeenAt.toISOString()).toBe(day(2).toISOString());
    expect(s['i-a']?.firstSeenAt.toISOString()).toBe(day(1).toISOString());
    expect(s['i-a']?.lastRunId).toBe(result.runId);
  });

  it('run 3: a returning finding reopens with count 1; a suppressed one stays suppressed', async () => {
    const before = await byResource();
    await states.suppress(tenantId, before['i-c']!.fingerprint, { until: day(30), by: 'alice@example.com', reason: 'migrating next quarter' });
    const result = await runner.runCheck({
      tenantId,
      checkerId: CHECK,
      inventory: inventory(instance('i-a', 'm5.xlarge'), instance('i-b', 'c5.large'), instance('i-c', 't3.small')),
      now: day(3),
    });
    expect(result.stats).toMatchObject({ new: 0, stillOpen: 1, resolved: 0, reopened: 1, suppressed: 1 });
    const s = await byResource();
    expect(s['i-b']).toMatchObject({ status: 'open', reopenCount: 1, resolvedAt: null });
    expect(s['i-c']).toMatchObject({ status: 'suppressed', suppressedBy: 'alice@example.com' });
    expect(s['i-c']?.lastSeenAt.toISOString()).toBe(day(3).toISOString());
  });

  it('a suppressed finding not seen stays suppressed until its date, then resolves', async () => {
    const quiet = await runner.runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT, inventory: inventory(instance('i-a', 'm5.xlarge'), instance('i-b', 'c5.large')), now: day(4) });
    expect(quiet.stats).toMatchObject({ resolved: 0, stillOpen: 2 });
    expect((await byResource())['i-c']?.status).toBe('suppressed');

    const later = new Date(day(30).getTime() + 1000);
    const expired = await runner.runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT, inventory: inventory(instance('i-a', 'm5.xlarge'), instance('i-b', 'c5.large')), now: later });
    expect(expired.stats).toMatchObject({ resolved: 1 });
    expect((await byResource())['i-c']?.status).toBe('resolved');
  });

  it('the lake keeps every observation of a finding across runs', async () => {
    const a = (await byResource())['i-a']!;
    const observations = await lake.listObservations(tenantId, { fingerprint: a.fingerprint });
    expect(observations).toHaveLength(5);
    expect(new Set(observations.map((o) => o.runId)).size).toBe(5);
    expect(observations.every((o) => o.estimatedMonthlySavings === '21.024000' && o.currency === 'USD')).toBe(true);
  });

  it('a checker that throws fails the run and changes no finding state', async () => {
    const before = await states.list(tenantId);
    const throwing: PricingLookup = {
      ...ec2OnDemandLinuxPricing(),
      onDemandHourly: () => {
        throw new Error('price service exploded');
      },
    };
    const failing = new CheckRunnerService({ prisma: suite.store.prisma, dataDir: suite.testStore.dataDir, pricing: throwing });
    const err = await failing
      .runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT, inventory: inventory(instance('i-z', 'm5.large')), now: day(5) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckRunFailedError);
    const run = await runs.get(tenantId, (err as CheckRunFailedError).runId);
    expect(run).toMatchObject({ status: 'failed', error: 'price service exploded' });
    expect(await states.list(tenantId)).toEqual(before);
    expect(await lake.listObservations(tenantId, { runId: (err as CheckRunFailedError).runId })).toEqual([]);
  });

  it('a failed findings write fails the run and changes no finding state', async () => {
    const before = await states.list(tenantId);
    const layout = new LakeLayout(suite.testStore.dataDir);
    // A file where the day's partition directory should be makes the write fail.
    const partition = layout.findingsPartitionDir(tenantId, '2026-11-06');
    mkdirSync(path.dirname(partition), { recursive: true });
    writeFileSync(partition, 'not a directory');
    const err = await runner
      .runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT, inventory: inventory(instance('i-z', 'm5.large')), now: day(6) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckRunFailedError);
    expect((await runs.get(tenantId, (err as CheckRunFailedError).runId))?.status).toBe('failed');
    expect(await states.list(tenantId)).toEqual(before);
    expect(readFileSync(partition, 'utf8')).toBe('not a directory');
  });

  it('a finding for another account fails the run before anything is written', async () => {
    const before = await states.list(tenantId);
    const graviton = getChecker(CHECK);
    const stray: Checker<unknown> = {
      ...graviton,
      // The checker's own findings, plus one that claims another account.
      async *run(ctx) {
        const own = await collectFindings(graviton, ctx);
        yield* own;
        yield { ...own[0]!, accountId: '999999999999', resourceId: 'i-elsewhere' };
      },
    };
    const strayRunner = new CheckRunnerService({ prisma: suite.store.prisma, dataDir: suite.testStore.dataDir, checkers: [stray] });
    const err = await strayRunner
      .runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT, inventory: inventory(instance('i-z', 'm5.large')), now: day(7) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckRunFailedError);
    const run = await runs.get(tenantId, (err as CheckRunFailedError).runId);
    expect(run).toMatchObject({ status: 'failed', error: `Checker ${CHECK} emitted a finding for ${CHECK} in account 999999999999; a run covers only its own check and account` });
    expect(await states.list(tenantId)).toEqual(before);
    expect(await lake.listObservations(tenantId, { runId: (err as CheckRunFailedError).runId })).toEqual([]);
  });

  it('serializes concurrent lifecycle updates of the same scope', async () => {
    const other = '333333333333';
    const scope = { tenantId, accountId: other, checkId: CHECK };
    const sighting = (resourceId: string) => ({
      fingerprint: `${resourceId.padEnd(8, '0')}`.repeat(8).slice(0, 64),
      checkId: CHECK,
      provider: 'aws',
      accountId: other,
      region: 'us-east-1',
      resourceType: 'ec2-instance',
      resourceId,
      estimatedMonthlySavings: '1.5',
      currency: 'USD',
      savingsBasis: 'estimated',
      exclusionGroup: null,
      category: 'modernization',
      severity: 'medium',
      title: `t ${resourceId}`,
    });
    const sightings = [sighting('i-p'), sighting('i-q')];
    // The first update holds its transaction open; without the scope lock the second would read the same
    // empty state, insert the same fingerprints and fail on the primary key.
    const results = await Promise.all([
      states.applyRun({ scope, runId: 'run_c1', now: day(7), sightings, onApplied: () => new Promise((r) => setTimeout(r, 500)) }),
      new Promise((r) => setTimeout(r, 100)).then(() => states.applyRun({ scope, runId: 'run_c2', now: day(7), sightings })),
    ]);
    expect(results.map((p) => p.counts.new)).toEqual([2, 0]);
    expect(results.map((p) => p.counts.stillOpen)).toEqual([0, 2]);
    const scoped = await states.list(tenantId, { accountId: other });
    expect(scoped.map((s) => [s.resourceId, s.status, s.lastRunId]).sort()).toEqual([
      ['i-p', 'open', 'run_c2'],
      ['i-q', 'open', 'run_c2'],
    ]);
  });

  it('refuses unknown tenants and checkers before creating a run', async () => {
    const countRuns = async () => (await runs.list(tenantId, { limit: 1000 })).length;
    const n = await countRuns();
    await expect(runner.runCheck({ tenantId: 'nobody-here', checkerId: CHECK, inventory: inventory() })).rejects.toThrow(/Tenant "nobody-here" does not exist/);
    await expect(runner.runCheck({ tenantId, checkerId: 'aws/nope', inventory: inventory() })).rejects.toThrow(/known checkers: .*aws\/ec2-graviton/);
    await expect(runner.runCheck({ tenantId, checkerId: CHECK, accountId: '999999999999', inventory: inventory(instance('i-a', 'm5.large')) })).rejects.toThrow(
      /account\(s\) 210987654321, not only 999999999999/,
    );
    await expect(runner.runCheck({ tenantId, checkerId: CHECK, accountId: ACCOUNT })).rejects.toThrow(/reads inventory \(ec2-instances\): pass an inventory file/);
    expect(await countRuns()).toBe(n);
  });
});

