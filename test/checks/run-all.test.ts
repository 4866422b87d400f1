import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckRunInputError,
  CheckRunnerService,
  FindingsService,
  ImportService,
  RunRepository,
  TenantRepository,
  type CheckRunAllEntry,
} from '@openfinops/api';
import { builtinCheckers, type Checker, defineChecker, type InventorySnapshot, money } from '@openfinops/checkers';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeStores } from '../support/index.ts';

const CUR_SAMPLE = path.join(REPO_ROOT, 'test/fixtures/billing/focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz');
const DEMO_FULL = path.join(REPO_ROOT, 'test/fixtures/inventory/demo-full.json');
const TENANT = 'run-all';
const EMPTY_TENANT = 'run-all-empty';
const OVERLAP_TENANT = 'run-all-overlap';
const NOW = new Date('2026-11-22T00:00:00Z');

/** A plugin-like billing check: one finding per sub account carrying its billed total, read through ctx.inputs.focus. */
const billedTotalChecker = defineChecker({
  id: 'aws/test-billed-total',
  version: '1.0.0',
  title: 'Billed total (test)',
  description: 'Emits the billed total of the run account so the test sees which FOCUS rows reached the checker.',
  provider: 'aws',
  category: 'governance',
  severity: 'info',
  resourceTypes: ['account'],
  inputs: { focus: true },
  configSchema: z.object({}).strict(),
  docsExample: {},
  async *run(ctx) {
    const rows = await ctx.inputs.focus.query<{ currency: string; billed: string }>(
      `SELECT "BillingCurrency" AS currency, CAST(SUM("BilledCost") AS DECIMAL(38,18)) AS billed
         FROM focus WHERE "SubAccountId" = $1 GROUP BY ALL ORDER BY currency`,
      [ctx.accountId],
    );
    for (const r of rows) {
      yield {
        provider: 'aws',
        accountId: ctx.accountId,
        region: 'global',
        resourceType: 'account',
        resourceId: ctx.accountId,
        checkId: 'aws/test-billed-total',
        checkVersion: '1.0.0',
        category: 'governance',
        severity: 'info',
        title: `Billed ${r.billed} ${r.currency}`,
        recommendation: 'None: test finding.',
        estimatedMonthlySavings: money(r.billed),
        currency: r.currency,
        savingsBasis: 'exact',
        evidence: { billed: r.billed },
      };
    }
  },
});

const brokenChecker = defineChecker({
  id: 'aws/test-broken',
  version: '1.0.0',
  title: 'Broken (test)',
  description: 'Throws while running, like a faulty plugin.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['account'],
  inputs: { focus: true },
  configSchema: z.object({}).strict(),
  docsExample: {},
  // eslint-disable-next-line require-yield -- fails before yielding, which is the point
  async *run() {
    throw new Error('plugin exploded');
  },
});

const brokenInventoryChecker = defineChecker({
  id: 'aws/test-broken-inventory',
  version: '1.0.0',
  title: 'Broken inventory check (test)',
  description: 'Throws while running over inventory, between inventory runs that succeed.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes'] },
  configSchema: z.object({}).strict(),
  docsExample: {},
  // eslint-disable-next-line require-yield -- fails before yielding, which is the point
  *run() {
    throw new Error('inventory plugin exploded');
  },
});

const noInputChecker = defineChecker({
  id: 'aws/test-no-inputs',
  version: '1.0.0',
  title: 'No inputs (test)',
  description: 'Declares neither inventory nor FOCUS: without billing checkers in the run, runAll skips it without waiting for anything.',
  provider: 'aws',
  category: 'waste',
  severity: 'low',
  resourceTypes: ['account'],
  inputs: {},
  configSchema: z.object({}).strict(),
  docsExample: {},
  *run() {},
});

// The broken checker comes before the billed-total one, so the test sees a checker run after the failure.
const checkers: readonly Checker<unknown>[] = [
  ...builtinCheckers,
  brokenChecker as Checker<unknown>,
  billedTotalChecker as Checker<unknown>,
  brokenInventoryChecker as Checker<unknown>,
  noInputChecker as Checker<unknown>,
];

describeStores('CheckRunnerService.runAll', (suite) => {
  let runner: CheckRunnerService;
  let awsAccounts: string[];

  beforeAll(async () => {
    const { store, dataDir } = suite.testStore;
    const tenants = new TenantRepository(store.prisma);
    await tenants.create({ id: TENANT, name: 'Run all' }, 'test');
    await tenants.create({ id: EMPTY_TENANT, name: 'No data' }, 'test');
    await tenants.create({ id: OVERLAP_TENANT, name: 'Inventory only' }, 'test');
    const imported = await new ImportService(store, new LakeLayout(dataDir)).import({ tenantId: TENANT, inputs: [CUR_SAMPLE] });
    expect(imported.status).toBe('imported');
    runner = new CheckRunnerService({ prisma: store.prisma, dataDir, checkers });
    awsAccounts = ['123412340534'];
  }, 120_000);

  it('runs billing checks once per FOCUS sub account, skips checkers without inputs and survives a failing checker', async () => {
    const seen: CheckRunAllEntry[] = [];
    const result = await runner.runAll({ tenantId: TENANT, now: NOW, onEntry: (e) => seen.push(e) });
    expect(seen).toEqual(result.entries);

    const byChecker = (id: string) => result.entries.filter((e) => e.checkerId === id);
    // Every AWS billing check ran for the sample's sub account and completed.
    for (const id of ['aws/untagged-spend', 'aws/cost-anomaly', 'aws/commitment-coverage']) {
      expect(byChecker(id).map((e) => [e.accountId, e.status])).toEqual(awsAccounts.map((a) => [a, 'succeeded']));
    }
    // The FOCUS input reached the checker, filtered on the run's account: the sample's billed total (1.6823086974 USD).
    const [billed] = byChecker('aws/test-billed-total');
    expect(billed).toMatchObject({ accountId: '123412340534', status: 'succeeded', stats: { emitted: 1, new: 1 } });
    const states = await new FindingsService(suite.store.prisma).list(TENANT, { checkId: 'aws/test-billed-total' });
    expect(states.map((s) => [s.accountId, s.estimatedMonthlySavings, s.currency])).toEqual([['123412340534', '1.682309', 'USD']]);

    // The failing checker's run exists and is marked failed; the checkers after it still ran.
    const [broken] = byChecker('aws/test-broken');
    expect(broken).toMatchObject({ status: 'failed', accountId: '123412340534', reason: 'plugin exploded' });
    const failedRun = await new RunRepository(suite.store.prisma).get(TENANT, broken?.runId ?? '');
    expect(failedRun?.status).toBe('failed');
    expect(result.entries.findIndex((e) => e.checkerId === 'aws/test-broken')).toBeLessThan(
      result.entries.findIndex((e) => e.checkerId === 'aws/test-billed-total'),
    );

    // No Azure/GCP billing and no inventory: skipped with the reason, no run created.
    expect(byChecker('azure/untagged-spend')).toEqual([
      { checkerId: 'azure/untagged-spend', accountId: null, status: 'skipped', runId: null, reason: 'no FOCUS data for provider azure', stats: null },
    ]);
    expect(byChecker('aws/ebs-unattached')[0]).toMatchObject({ status: 'skipped', runId: null, reason: expect.stringMatching(/^no inventory/) });

    const t = result.totals;
    expect(t.failed).toBe(1);
    expect(t.skipped).toBe(result.entries.filter((e) => e.status === 'skipped').length);
    expect(t.runs).toBe(t.succeeded + t.failed);
    expect(t.emitted).toBe(result.entries.reduce((n, e) => n + (e.status === 'succeeded' ? (e.stats?.emitted ?? 0) : 0), 0));
  }, 120_000);

  it('runs inventory checks over a file once per account, and a second run sees the same findings still open', async () => {
    const ids = ['aws/ebs-unattached', 'aws/eip-unassociated', 'aws/ec2-previous-generation'];
    const first = await runner.runAll({ tenantId: TENANT, inventoryFile: DEMO_FULL, checkerIds: ids, now: NOW });
    expect(first.inventorySource).toBe(DEMO_FULL);
    expect(first.entries.map((e) => [e.checkerId, e.accountId, e.status])).toEqual(ids.map((id) => [id, '123456789012', 'succeeded']));
    for (const e of first.entries) expect(e.stats?.emitted).toBeGreaterThan(0);

    const second = await runner.runAll({ tenantId: TENANT, inventoryFile: DEMO_FULL, checkerIds: ids, now: NOW });
    for (const [i, e] of second.entries.entries()) {
      expect(e.stats).toMatchObject({ new: 0, resolved: 0, stillOpen: first.entries[i]?.stats?.emitted });
    }
  }, 120_000);

  it('overlaps inventory runs yet records every entry in run order, failures and skips included', async () => {
    const demo = JSON.parse(await readFile(DEMO_FULL, 'utf8')) as Record<string, Record<string, unknown>[]>;
    // Two accounts, so each checker has a run in flight while the next one's checks go on.
    const inventory = Object.fromEntries(
      Object.entries(demo).map(([kind, records]) => [
        kind,
        [...records.map((r) => ({ ...r, AccountId: '123456789012' })), ...records.map((r) => ({ ...r, AccountId: '210987654321' }))],
      ]),
    ) as unknown as InventorySnapshot;
    // The skip is decided at once, while the run before it is still in flight.
    const ids = ['aws/ebs-unattached', 'aws/test-no-inputs', 'aws/test-broken-inventory', 'aws/eip-unassociated'];
    const seen: CheckRunAllEntry[] = [];
    const result = await runner.runAll({ tenantId: OVERLAP_TENANT, inventory, checkerIds: ids, now: NOW, onEntry: (e) => seen.push(e) });
    expect(seen).toEqual(result.entries);
    expect(result.entries.map((e) => [e.checkerId, e.accountId, e.status])).toEqual([
      ['aws/ebs-unattached', '123456789012', 'succeeded'],
      ['aws/ebs-unattached', '210987654321', 'succeeded'],
      ['aws/test-no-inputs', null, 'skipped'],
      ['aws/test-broken-inventory', '123456789012', 'failed'],
      ['aws/test-broken-inventory', '210987654321', 'failed'],
      ['aws/eip-unassociated', '123456789012', 'succeeded'],
      ['aws/eip-unassociated', '210987654321', 'succeeded'],
    ]);
    expect(result.entries[3]).toMatchObject({ reason: 'inventory plugin exploded' });
    const runs = new RunRepository(suite.store.prisma);
    for (const e of result.entries.filter((x) => x.runId !== null)) expect((await runs.get(OVERLAP_TENANT, e.runId!))?.status).toBe(e.status);
    // Both accounts' findings reached the lifecycle, each run with the same count as the other account's.
    const states = await new FindingsService(suite.store.prisma).list(OVERLAP_TENANT, { checkId: 'aws/eip-unassociated' });
    const perAccount = (a: string) => states.filter((s) => s.accountId === a).length;
    expect(perAccount('123456789012')).toBeGreaterThan(0);
    expect(perAccount('210987654321')).toBe(perAccount('123456789012'));
    expect(result.entries[5]?.stats?.valid).toBe(perAccount('123456789012'));
  }, 120_000);

  it('a single billing run without FOCUS data, or for an account without data, is a clear input error', async () => {
    await expect(runner.runCheck({ tenantId: EMPTY_TENANT, checkerId: 'aws/untagged-spend', now: NOW })).rejects.toThrow(
      new CheckRunInputError(
        'Checker aws/untagged-spend reads FOCUS billing data but tenant run-all-empty has none for provider aws: import a billing export first (finops import)',
      ),
    );
    await expect(runner.runCheck({ tenantId: TENANT, checkerId: 'aws/untagged-spend', accountId: '999999999999', now: NOW })).rejects.toThrow(
      /no aws FOCUS data for sub account "999999999999"; sub accounts with data: 123412340534/,
    );
    // Without --account the only sub account is used.
    const run = await runner.runCheck({ tenantId: TENANT, checkerId: 'aws/test-billed-total', now: NOW });
    expect(run).toMatchObject({ accountId: '123412340534', status: 'succeeded', stats: { stillOpen: 1, new: 0 } });
  }, 120_000);

  it('an empty tenant skips every checker', async () => {
    const result = await runner.runAll({ tenantId: EMPTY_TENANT, now: NOW });
    expect(result.entries.every((e) => e.status === 'skipped')).toBe(true);
    expect(result.totals).toMatchObject({ runs: 0, skipped: checkers.length });
  }, 120_000);
});
