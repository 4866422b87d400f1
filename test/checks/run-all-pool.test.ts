import { readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { CheckRunnerService, FindingStateRepository, FindingsService, loadInventoryFile, RunRepository, TenantRepository, type CheckRunAllEntry } from '@openfinops/api';
import {
  builtinCheckers,
  type Checker,
  defineChecker,
  INVENTORY_KINDS,
  type InventorySnapshot,
  memoryLogger,
  inventorySnapshotFile,
  writeInventorySnapshot,
} from '@openfinops/checkers';
import { readFindingsParquet } from '@openfinops/contracts';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { describeStores } from '../support/index.ts';

const DEMO_FULL = path.join(REPO_ROOT, 'test/fixtures/inventory/demo-full.json');
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const POOLED = 'pool-threads';
const INLINE = 'pool-inline';
const BROKEN = 'pool-broken';
const OTHER = 'pool-other';
const LIFECYCLE = 'pool-lifecycle';
const NOW = new Date('2026-11-22T00:00:00Z');
const LATER = new Date('2026-11-23T00:00:00Z');

/** A plugin-like inventory check (not a built-in): it runs on the runner's own thread beside the pooled ones. */
const pluginChecker = defineChecker({
  id: 'aws/test-volume-count',
  version: '1.0.0',
  title: 'Volume count (test)',
  description: 'One finding per account with its EBS volume count, from the snapshot the runner read itself.',
  provider: 'aws',
  category: 'governance',
  severity: 'info',
  resourceTypes: ['account'],
  inputs: { inventory: ['ebs-volumes'] },
  configSchema: z.object({}).strict(),
  docsExample: {},
  *run(ctx) {
    const volumes = ctx.inputs.inventory('ebs-volumes');
    yield {
      provider: 'aws',
      accountId: ctx.accountId,
      region: 'global',
      resourceType: 'account',
      resourceId: ctx.accountId,
      checkId: 'aws/test-volume-count',
      checkVersion: '1.0.0',
      category: 'governance',
      severity: 'info',
      title: `${volumes.length} volumes`,
      recommendation: 'None: test finding.',
      estimatedMonthlySavings: '0',
      currency: 'USD',
      savingsBasis: 'unknown',
      evidence: { volumes: volumes.length },
    };
  },
});

const inventoryCheckers = builtinCheckers.filter((c) => (c.inputs.inventory?.length ?? 0) > 0);
const checkers: readonly Checker<unknown>[] = [...builtinCheckers, pluginChecker as Checker<unknown>];
const ids = [...inventoryCheckers.map((c) => c.id), pluginChecker.id];

/** The demo estate copied into each account, as lake snapshots of the tenant. */
async function writeEstate(layout: LakeLayout, tenantId: string, demo: InventorySnapshot, accounts: readonly string[]): Promise<void> {
  for (const accountId of accounts) {
    for (const kind of INVENTORY_KINDS) {
      const records = ((demo[kind] ?? []) as unknown as Record<string, unknown>[]).map((r) => ({ ...r, AccountId: accountId, Region: r.Region ?? 'us-east-1' }));
      await writeInventorySnapshot(layout, tenantId, '2026-11-20', kind, accountId, records as never);
    }
  }
}

type Row = [checkerId: string, accountId: string | null, status: string, emitted: number | undefined, valid: number | undefined, newCount: number | undefined];
const rows = (entries: readonly CheckRunAllEntry[]): Row[] =>
  entries.map((e): Row => [e.checkerId, e.accountId, e.status, e.stats?.emitted, e.stats?.valid, e.stats?.new]).sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));

describeStores('CheckRunnerService.runAll with check worker threads', (suite) => {
  let layout: LakeLayout;
  let pooled: CheckRunnerService;
  let inline: CheckRunnerService;
  const pooledLog = memoryLogger();
  const inlineLog = memoryLogger();

  beforeAll(async () => {
    const { store, dataDir } = suite.testStore;
    layout = new LakeLayout(dataDir);
    const tenants = new TenantRepository(store.prisma);
    for (const id of [POOLED, INLINE, BROKEN, OTHER, LIFECYCLE]) await tenants.create({ id, name: id }, 'test');
    const demo = await loadInventoryFile(DEMO_FULL);
    await writeEstate(layout, POOLED, demo, ACCOUNTS);
    await writeEstate(layout, INLINE, demo, ACCOUNTS);
    await writeEstate(layout, BROKEN, demo, ACCOUNTS);
    await writeEstate(layout, LIFECYCLE, demo, ACCOUNTS.slice(0, 1));
    // Another tenant's estate with one more account: a pooled run must never see it.
    await writeEstate(layout, OTHER, demo, [...ACCOUNTS, '444444444444']);
    pooled = new CheckRunnerService({ prisma: store.prisma, dataDir, checkers, checkWorkers: 2, logger: pooledLog });
    inline = new CheckRunnerService({ prisma: store.prisma, dataDir, checkers, logger: inlineLog });
  }, 120_000);

  it('gives the same runs, findings, files and lifecycle as running every check on the calling thread', async () => {
    const seen: CheckRunAllEntry[] = [];
    const threads = await pooled.runAll({ tenantId: POOLED, checkerIds: ids, now: NOW, onEntry: (e) => seen.push(e) });
    const here = await inline.runAll({ tenantId: INLINE, checkerIds: ids, now: NOW });
    expect(seen).toEqual(threads.entries);
    expect(threads.inventorySource).toBe('lake');

    // Every (checker, account) pair ran once, with the same counts either way; the plugin ran too (on this thread).
    expect(rows(threads.entries)).toEqual(rows(here.entries));
    expect(threads.entries).toHaveLength(ids.length * ACCOUNTS.length);
    expect(threads.entries.every((e) => e.status === 'succeeded')).toBe(true);
    expect(threads.totals.emitted).toBeGreaterThan(ids.length * ACCOUNTS.length);
    expect(threads.totals).toEqual(here.totals);
    // Pooled runs are recorded account by account, each account's checkers in order, before the plugin's runs.
    const pooledEntries = threads.entries.filter((e) => e.checkerId !== pluginChecker.id);
    expect(pooledEntries.map((e) => [e.accountId, e.checkerId])).toEqual(ACCOUNTS.flatMap((a) => inventoryCheckers.map((c) => [a, c.id])));
    expect(threads.entries.slice(-ACCOUNTS.length).map((e) => e.checkerId)).toEqual(ACCOUNTS.map(() => pluginChecker.id));

    // The checkers' log lines crossed back from the threads to the runner's logger, the same lines as on this thread.
    const skipped = (log: typeof pooledLog) =>
      log.entries
        .filter((e) => e.msg === 'stopped instance skipped: no stop time in StateTransitionReason')
        .map((e) => `${e.level} ${(e.obj as { instanceId: string }).instanceId}`)
        .sort();
    expect(skipped(pooledLog).length).toBeGreaterThan(0);
    expect(skipped(pooledLog)).toEqual(skipped(inlineLog));

    // The lifecycle saw the same findings (fingerprints differ by tenant; what they describe does not).
    const describe = async (tenantId: string) =>
      (await new FindingsService(suite.store.prisma).list(tenantId, { status: 'open', limit: 1000 }))
        .map((f) => [f.checkId, f.accountId, f.resourceId, f.estimatedMonthlySavings, f.currency, f.exclusionGroup, f.title].join('|'))
        .sort();
    const threadFindings = await describe(POOLED);
    expect(threadFindings.length).toBe(threads.totals.new);
    expect(threadFindings).toEqual(await describe(INLINE));

    // Each succeeded run has its Run row and its own file with exactly its valid findings, for its check and account.
    const runs = new RunRepository(suite.store.prisma);
    for (const e of threads.entries) {
      const run = await runs.get(POOLED, e.runId!);
      expect(run).toMatchObject({ status: 'succeeded', checkId: e.checkerId });
      expect(run?.params).toMatchObject({ accountId: e.accountId });
      const table = await readFindingsParquet(layout.findingsFile(POOLED, '2026-11-22', e.runId!));
      expect(table.numRows).toBe(e.stats?.valid);
      for (const row of table.toArray().slice(0, 3)) {
        expect(row).toMatchObject({ tenant_id: POOLED, run_id: e.runId, check_id: e.checkerId, account_id: e.accountId });
      }
    }
  }, 180_000);

  it('a second pooled run finds the same findings still open', async () => {
    const first = await pooled.runAll({ tenantId: POOLED, checkerIds: ids, now: NOW });
    const second = await pooled.runAll({ tenantId: POOLED, checkerIds: ids, now: LATER });
    for (const e of second.entries) {
      const before = first.entries.find((f) => f.checkerId === e.checkerId && f.accountId === e.accountId);
      expect(e.stats).toMatchObject({ new: 0, resolved: 0, stillOpen: before?.stats?.valid });
    }
  }, 180_000);

  it("fails only the account whose snapshot leaves the tenant's directory; the other accounts' runs succeed", async () => {
    // A planted symlink: account 222…'s instances file points at another tenant's file.
    const planted = inventorySnapshotFile(layout, BROKEN, '2026-11-20', 'ec2-instances', ACCOUNTS[1]!);
    const outside = inventorySnapshotFile(layout, OTHER, '2026-11-20', 'ec2-instances', ACCOUNTS[1]!);
    await rm(planted);
    await symlink(outside, planted);

    const result = await pooled.runAll({ tenantId: BROKEN, checkerIds: inventoryCheckers.map((c) => c.id), now: NOW });
    const failed = result.entries.filter((e) => e.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) {
      expect(e.accountId).toBe(ACCOUNTS[1]);
      expect(e.reason).toMatch(/resolves outside tenant pool-broken's lake directory/);
      expect((await new RunRepository(suite.store.prisma).get(BROKEN, e.runId!))?.status).toBe('failed');
    }
    // Every run of the account failed (its snapshot is read once for all its checks) and left no findings file.
    expect(failed.map((e) => e.checkerId)).toEqual(inventoryCheckers.map((c) => c.id));
    const files = await readdir(path.dirname(layout.findingsFile(BROKEN, '2026-11-22', failed[0]!.runId!)));
    for (const e of failed) expect(files.some((f) => f.includes(e.runId!))).toBe(false);
    expect(result.entries.filter((e) => e.accountId !== ACCOUNTS[1]).every((e) => e.status === 'succeeded')).toBe(true);
    const states = await new FindingsService(suite.store.prisma).list(BROKEN, { status: 'open', limit: 1000 });
    expect(states.some((s) => s.accountId === ACCOUNTS[1])).toBe(false);
    expect(new Set(states.map((s) => s.accountId))).toEqual(new Set([ACCOUNTS[0], ACCOUNTS[2]]));
  }, 180_000);

  it('a run whose lifecycle update fails after its thread wrote the file is failed and its file removed; the others succeed', async () => {
    const failing = 'aws/ebs-unattached';
    const applyRun = FindingStateRepository.prototype.applyRun;
    const spy = vi.spyOn(FindingStateRepository.prototype, 'applyRun').mockImplementation(function (this: FindingStateRepository, input) {
      if (input.scope.checkId === failing) return Promise.reject(new Error('lifecycle store unavailable (test)'));
      return applyRun.call(this, input);
    });
    try {
      const result = await pooled.runAll({ tenantId: LIFECYCLE, checkerIds: inventoryCheckers.map((c) => c.id), now: NOW });
      const failed = result.entries.filter((e) => e.status === 'failed');
      expect(failed.map((e) => [e.checkerId, e.reason])).toEqual([[failing, 'lifecycle store unavailable (test)']]);
      const run = await new RunRepository(suite.store.prisma).get(LIFECYCLE, failed[0]!.runId!);
      expect(run).toMatchObject({ status: 'failed', error: 'lifecycle store unavailable (test)' });
      const files = await readdir(path.dirname(layout.findingsFile(LIFECYCLE, '2026-11-22', failed[0]!.runId!)));
      expect(files.some((f) => f.includes(failed[0]!.runId!))).toBe(false);
      const succeeded = result.entries.filter((e) => e.status === 'succeeded');
      expect(succeeded).toHaveLength(inventoryCheckers.length - 1);
      for (const e of succeeded) expect(files.some((f) => f.includes(e.runId!))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  }, 180_000);

  it('a stop between accounts leaves whole runs only: every recorded run is complete, no Run is left running', async () => {
    const controller = new AbortController();
    const seen: CheckRunAllEntry[] = [];
    const stopped = pooled.runAll({
      tenantId: OTHER,
      checkerIds: inventoryCheckers.map((c) => c.id),
      now: NOW,
      signal: controller.signal,
      onEntry: (e) => {
        seen.push(e);
        controller.abort(new Error('stopped by test'));
      },
    });
    await expect(stopped).rejects.toThrow('stopped by test');
    // The first account's runs were recorded; the fourth account's job never started.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((e) => e.accountId === '444444444444')).toBe(false);
    const all = await suite.store.prisma.run.findMany({ where: { tenantId: OTHER, kind: 'check' } });
    expect(all.filter((r) => r.status === 'running')).toEqual([]);
    expect(all.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(seen.length);
  }, 180_000);
});
