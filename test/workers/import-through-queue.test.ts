import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { AuditLogRepository } from '../../apps/api/src/admin/audit-log.repository.ts';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { ConnectorTransientError } from '../../apps/api/src/connectors/billing-connector.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import type { Run } from '../../apps/api/src/generated/prisma/client.ts';
import { FocusLakeRepository } from '../../apps/api/src/imports/focus-lake.repository.ts';
import { RunLogRepository } from '../../apps/api/src/runs/run-log.repository.ts';
import { RunRepository } from '../../apps/api/src/runs/run.repository.ts';
import { RunService } from '../../apps/api/src/runs/run.service.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { type AccountDirectory, importJobHandler } from '../../apps/api/src/workers/default-job-handlers.ts';
import { RunQueueRepository } from '../../apps/api/src/workers/run-queue.repository.ts';
import { WorkerService } from '../../apps/api/src/workers/worker.service.ts';
import { isolateAwsEnv } from '../collectors/aws-env.ts';
import { fixtureBytes, putCur1Delivery } from '../fakes/s3/cur-bucket.ts';
import { registerS3AccessKey, S3Fake } from '../fakes/s3/s3-fake.ts';
import { describeStores } from '../support/store-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const BUCKET = 'queue-billing';
const TENANT = 'queued';
const ACCESS_KEY = 'AKIAFINOPSQUEUE00001';
const SECRET_KEY = 'queue-test-secret-key-0001';
const NOW = new Date('2023-12-10T06:00:00Z');
const CUR_NOV = 'focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz'; // 1281 rows, 2023-11, 1.6823086974 USD

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateAwsEnv();
  registerS3AccessKey(ACCESS_KEY, SECRET_KEY);
});
afterAll(() => restoreEnv());


describeStores('import runs through the queue', (suite) => {
  let fake: S3Fake;
  let layout: LakeLayout;
  let runs: RunService;
  let worker: WorkerService | undefined;
  let accountId: string;
  /** Attempts that import and then fail as if the process died before the import state was recorded. */
  const crashAfterImport = new Set<number>();

  beforeAll(async () => {
    fake = await S3Fake.start([BUCKET]);
    layout = new LakeLayout(suite.testStore.dataDir);
    const box = new SecretBox(Buffer.alloc(32, 5));
    const registry = new ConnectorRegistry().register(new AwsS3BillingConnector({ maxAttempts: 2, retryDelayMs: () => 5, env: {} }));
    const accounts = new CloudAccountService(suite.store, box, registry);
    const importer = new ConnectorImportService(suite.store, layout, box, registry);
    const prisma = suite.store.prisma;
    await new TenantRepository(prisma).create({ id: TENANT, name: 'Queued' });
    await putCur1Delivery(fake.seedClient(), {
      bucket: BUCKET,
      prefix: 'cur',
      exportName: 'hourly',
      period: '2023-11',
      assemblyId: 'nov-1',
      account: '111122223333',
      files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }],
    });
    const created = await accounts.create(
      TENANT,
      {
        provider: 'aws',
        name: 'Payer',
        options: { accountId: '111122223333', bucket: BUCKET, prefix: 'cur', exportName: 'hourly', exportType: 'cur1', endpoint: fake.endpoint },
        secret: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      },
      'test',
    );
    accountId = created.account.id;

    const directory: AccountDirectory = {
      activeAccountIds: async (tenantId) => (await accounts.list(tenantId)).filter((a) => a.status === 'active').map((a) => a.id),
      inventoryTarget: () => Promise.reject(new Error('no inventory in this test')),
    };
    const importRun = importJobHandler(async (tenantId, account, opts) => {
      const report = await importer.importAccount(tenantId, account, { ...opts, now: NOW });
      const attempt = (await prisma.run.findUniqueOrThrow({ where: { id: opts.runId } })).attempts;
      if (crashAfterImport.has(attempt)) {
        // The partition is swapped but the process "dies" before ImportState says so: the next attempt must replace
        // the partition again, not add to it.
        await prisma.importState.deleteMany({ where: { tenantId } });
        throw new ConnectorTransientError('connection reset after the partition was written');
      }
      return report;
    }, directory);
    const queue = new RunQueueRepository(prisma);
    const logs = new RunLogRepository(prisma);
    runs = new RunService(new RunRepository(prisma), queue, logs, new AuditLogRepository(prisma));
    worker = new WorkerService(queue, logs, { import: importRun, check: async () => ({ stats: { checked: true } }) }, pino({ level: 'silent' }), {
      concurrency: 1,
      leaseMs: 20_000,
      heartbeatMs: 2_000,
      pollMs: 50,
      shutdownGraceMs: 1_000,
      backoff: { baseMs: 50, maxMs: 100 },
    });
    worker.start();
  });

  afterEach(() => crashAfterImport.clear());

  afterAll(async () => {
    await worker?.stop();
    await fake?.close();
  });

  const finished = (id: string) => async (): Promise<Run | null> => {
    const run = await runs.show(TENANT, id);
    return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : null;
  };
  const lakeTotals = async () => (await new FocusLakeRepository(layout).totals(TENANT)).map((t) => [t.billingPeriod, t.rows, t.billedCost]);

  it('an import retried after it wrote the partition leaves each row once, then the check runs after it', async () => {
    crashAfterImport.add(1);
    const { run } = await runs.trigger(TENANT, { kind: 'import', cloudAccountId: accountId, actor: 'test' });
    const done = await waitFor('the import to finish', finished(run.id));
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    const report = (done.stats as { reports: Record<string, { periods: Array<{ billingPeriod: string; status: string; rows: number }> }> }).reports[accountId]!;
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows])).toEqual([['2023-11', 'imported', 1281]]);
    expect(await lakeTotals()).toEqual([['2023-11', 1281, '1.6823086974']]);

    const checks = await waitFor('the follow-up check', async () => {
      const list = await runs.list(TENANT, { kind: 'check' });
      return list.length === 1 && list[0]!.status === 'succeeded' ? list : null;
    });
    expect(checks[0]!.params).toMatchObject({ trigger: 'import', after: run.id });
    // The closing line is stored just after the outcome is recorded.
    const lines = await waitFor('the closing log line', async () => {
      const all = await runs.logs(TENANT, run.id);
      return all.at(-1)?.message === 'succeeded' ? all : null;
    });
    const messages = lines.map((l) => l.message);
    expect(messages).toEqual(expect.arrayContaining([`importing account ${accountId}`, expect.stringMatching(/^attempt 1 failed; retrying at/), 'succeeded']));
  });

  it('a second import of the unchanged period skips it; a restated period replaces the partition', async () => {
    const again = await runs.trigger(TENANT, { kind: 'import', actor: 'test' });
    const skipped = await waitFor('the second import', finished(again.run.id));
    expect(skipped.status).toBe('succeeded');
    const periods = (skipped.stats as { reports: Record<string, { periods: Array<{ status: string }> }> }).reports[accountId]!.periods;
    expect(periods.map((p) => p.status)).toEqual(['skipped']);
    expect(await lakeTotals()).toEqual([['2023-11', 1281, '1.6823086974']]);

    await putCur1Delivery(fake.seedClient(), {
      bucket: BUCKET,
      prefix: 'cur',
      exportName: 'hourly',
      period: '2023-11',
      assemblyId: 'nov-2',
      account: '111122223333',
      files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }],
    });
    const restated = await runs.trigger(TENANT, { kind: 'import', cloudAccountId: accountId, actor: 'test' });
    const done = await waitFor('the restated import', finished(restated.run.id));
    expect(done.status).toBe('succeeded');
    expect((done.stats as { reports: Record<string, { periods: Array<{ status: string }> }> }).reports[accountId]!.periods.map((p) => p.status)).toEqual(['imported']);
    expect(await lakeTotals()).toEqual([['2023-11', 1281, '1.6823086974']]);
  });
});
