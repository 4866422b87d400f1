import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readInventorySnapshot } from '@openfinops/checkers';
import { LakeLayout } from '@openfinops/tenants';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AuditLogRepository } from '../../apps/api/src/admin/audit-log.repository.ts';
import { defaultConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import type { Run } from '../../apps/api/src/generated/prisma/client.ts';
import { RunLogRepository } from '../../apps/api/src/runs/run-log.repository.ts';
import { RunRepository } from '../../apps/api/src/runs/run.repository.ts';
import { RunService } from '../../apps/api/src/runs/run.service.ts';
import { secretBoxFromEnv } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { connectorJobDeps } from '../../apps/api/src/workers/connector-job-deps.ts';
import { defaultJobHandlers } from '../../apps/api/src/workers/default-job-handlers.ts';
import { RunQueueRepository } from '../../apps/api/src/workers/run-queue.repository.ts';
import { WorkerService } from '../../apps/api/src/workers/worker.service.ts';
import { isolateAwsEnv, PLATFORM_ACCESS_KEY } from '../collectors/aws-env.ts';
import { sampleRegion } from '../fakes/ec2/ec2-dataset.ts';
import { Ec2QueryServer } from '../fakes/ec2/ec2-query-server.ts';
import { describeStores } from '../support/store-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const TENANT = 'inv-queue';

/** Every file under `dir` (temp files included) with its inode and content. */
async function snapshotFiles(dir: string): Promise<Map<string, { ino: number; content: string }>> {
  const out = new Map<string, { ino: number; content: string }>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, file), { ino: (await stat(file)).ino, content: await readFile(file, 'utf8') });
  }
  return out;
}
const ACCOUNT = '444455556666';

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateAwsEnv();
});
afterAll(() => restoreEnv());


describeStores('inventory runs through the queue (EC2 and STS fake)', (suite) => {
  let server: Ec2QueryServer;
  let worker: WorkerService;
  let runs: RunService;
  let withRole: string;
  let withoutRole: string;

  beforeAll(async () => {
    const { prisma } = suite.store;
    const dataDir = suite.testStore.dataDir;
    const env = { FINOPS_DATA_DIR: dataDir };
    await new TenantRepository(prisma).create({ id: TENANT, name: 'Inventory' });
    // The same sealed-secret key the worker's connectorJobDeps opens accounts with (a dev key file under the data dir).
    const accounts = new CloudAccountService(suite.store, secretBoxFromEnv(env, dataDir, () => undefined), defaultConnectorRegistry());
    const exportOptions = { bucket: 'inv-billing', exportName: 'hourly', exportType: 'cur1' };
    const created = await accounts.create(
      TENANT,
      { provider: 'aws', name: 'Prod', options: { ...exportOptions, roleArn: `arn:aws:iam::${ACCOUNT}:role/OpenFinOpsReadOnly`, regions: ['us-east-1', 'eu-west-1'] } },
      'test',
    );
    withRole = created.account.id;
    withoutRole = (await accounts.create(TENANT, { provider: 'aws', name: 'Keys only', options: { ...exportOptions, accountId: '777788889999', regions: ['us-east-1'] } }, 'test')).account.id;
    const externalId = created.account.connection.externalId as string;
    expect(externalId).toMatch(/^openfinops-inv-queue-/);

    server = await Ec2QueryServer.start({
      regions: { 'us-east-1': sampleRegion('us-east-1', ACCOUNT), 'eu-west-1': sampleRegion('eu-west-1', ACCOUNT) },
      selfAccountId: ACCOUNT,
      expectedExternalId: externalId,
    });
    process.env.AWS_ENDPOINT_URL_STS = server.endpoint;
    process.env.AWS_ENDPOINT_URL_EC2 = server.endpoint;

    // Check jobs use two check threads, as FINOPS_CHECK_WORKERS does on a two-core machine.
    const handlers = defaultJobHandlers({ prisma, dataDir, checkWorkers: 2, ...connectorJobDeps(suite.store, dataDir, env) });
    const queue = new RunQueueRepository(prisma);
    const logs = new RunLogRepository(prisma);
    runs = new RunService(new RunRepository(prisma), queue, logs, new AuditLogRepository(prisma));
    worker = new WorkerService(queue, logs, { inventory: handlers.inventory!, check: handlers.check! }, pino({ level: 'silent' }), {
      concurrency: 1,
      leaseMs: 20_000,
      heartbeatMs: 2_000,
      pollMs: 50,
      shutdownGraceMs: 1_000,
      backoff: { baseMs: 50, maxMs: 100 },
    });
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    delete process.env.AWS_ENDPOINT_URL_STS;
    delete process.env.AWS_ENDPOINT_URL_EC2;
  });

  const finished = (id: string) => async (): Promise<Run | null> => {
    const run = await runs.show(TENANT, id);
    return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : null;
  };

  it('assumes the account role with the tenant external id and writes the snapshots to the tenant lake', async () => {
    const { run } = await runs.trigger(TENANT, { kind: 'inventory', cloudAccountId: withRole, actor: 'test' });
    const done = await waitFor('the inventory run', finished(run.id));
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    const stats = done.stats as { failedKinds: number; accounts: Record<string, { written: Array<{ kind: string; records: number }> }> };
    expect(stats.failedKinds).toBe(0);
    expect(stats.accounts[ACCOUNT]!.written.find((w) => w.kind === 'ec2-instances')?.records).toBe(2);
    const instances = await readInventorySnapshot(new LakeLayout(suite.testStore.dataDir), TENANT, 'ec2-instances');
    expect(instances.map((i) => i.Region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    const assume = server.requests.filter((r) => r.service === 'sts');
    expect(assume.length).toBeGreaterThanOrEqual(1);
    expect(assume[0]!.accessKeyId).toBe(PLATFORM_ACCESS_KEY);
  });

  it('a check run over the collected snapshots runs the inventory checks on the check threads and opens findings', async () => {
    const collected = await runs.trigger(TENANT, { kind: 'inventory', cloudAccountId: withRole, actor: 'test' });
    expect(await waitFor('the inventory run', finished(collected.run.id))).toMatchObject({ status: 'succeeded' });
    const { run } = await runs.trigger(TENANT, { kind: 'check', actor: 'test' });
    const done = await waitFor('the check run', finished(run.id));
    expect(done).toMatchObject({ status: 'succeeded' });
    type Entry = { checkerId: string; accountId: string | null; status: string; runId: string | null };
    const entries = (done.stats as { entries: Entry[] }).entries;
    const inventoryRuns = entries.filter((e) => e.accountId === ACCOUNT);
    // Every built-in inventory checker ran for the collected account; none failed.
    expect(inventoryRuns.map((e) => e.checkerId)).toEqual(expect.arrayContaining(['aws/ebs-unattached', 'aws/ec2-stopped-with-volumes', 'aws/eip-unassociated']));
    expect(inventoryRuns.every((e) => e.status === 'succeeded')).toBe(true);
    // They went through the pool (its runs record the lake as their inventory; the calling thread's say "snapshot").
    const checkRuns = new RunRepository(suite.store.prisma);
    for (const e of inventoryRuns) expect((await checkRuns.get(TENANT, e.runId!))?.params).toMatchObject({ accountId: ACCOUNT, inventory: 'lake' });
    const open = await suite.store.prisma.findingState.findMany({ where: { tenantId: TENANT, accountId: ACCOUNT, status: 'open' } });
    expect(open.length).toBeGreaterThan(0);
    expect(new Set(open.map((f) => f.checkId)).size).toBeGreaterThan(1);
  });

  it('a run cancelled while an EC2 call is in flight aborts the call, ends cancelled and leaves the previous snapshots as they were', async () => {
    const layout = new LakeLayout(suite.testStore.dataDir);
    const first = await runs.trigger(TENANT, { kind: 'inventory', cloudAccountId: withRole, actor: 'test' });
    expect(await waitFor('the first inventory run', finished(first.run.id))).toMatchObject({ status: 'succeeded' });
    const before = await snapshotFiles(layout.inventoryTenantDir(TENANT));
    expect([...before.keys()].some((f) => f.includes('kind=ebs-volumes'))).toBe(true);

    const held = server.hold('DescribeVolumes');
    const { run } = await runs.trigger(TENANT, { kind: 'inventory', cloudAccountId: withRole, actor: 'test' });
    const request = await held.reached;
    try {
      expect(await runs.cancel(TENANT, run.id, 'test')).toMatchObject({ outcome: 'requested' });
      const done = await waitFor('the cancelled inventory run', finished(run.id));
      expect(done).toMatchObject({ status: 'cancelled' });
      // The SDK call itself was aborted: the fake sees its connection close unanswered (a moment after the run ends).
      await waitFor('the fake to see the held call dropped', async () => server.abandoned.length > 0);
    } finally {
      // Only lets a failing run go on; once the call was dropped there is nothing left to release.
      held.release();
    }
    // The region held went no further.
    expect(server.abandoned).toEqual(['DescribeVolumes']);
    const later = server.requests.slice(server.requests.indexOf(request) + 1).filter((r) => r.service === 'ec2' && r.region === request.region);
    expect(later).toEqual([]);
    // Same files, same inodes: nothing was rewritten (a rewrite is an atomic rename, a new inode), no temp file left.
    expect(await snapshotFiles(layout.inventoryTenantDir(TENANT))).toEqual(before);
  });

  it('an account without a role fails at once with a message saying what to set', async () => {
    const { run } = await runs.trigger(TENANT, { kind: 'inventory', cloudAccountId: withoutRole, actor: 'test' });
    const done = await waitFor('the inventory run', finished(run.id));
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error).toBe(`Cloud account ${withoutRole} has no roleArn: inventory collection assumes the account's read-only role`);
  });
});
