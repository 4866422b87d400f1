import { existsSync } from 'node:fs';
import { type Checker, defineChecker } from '@openfinops/checkers';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { AuditLogRepository } from '../../apps/api/src/admin/audit-log.repository.ts';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { type BillingConnector, ConnectorTransientError } from '../../apps/api/src/connectors/billing-connector.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import type { Run } from '../../apps/api/src/generated/prisma/client.ts';
import { FocusLakeRepository } from '../../apps/api/src/imports/focus-lake.repository.ts';
import { RunLogRepository } from '../../apps/api/src/runs/run-log.repository.ts';
import { RunRepository } from '../../apps/api/src/runs/run.repository.ts';
import { RunService } from '../../apps/api/src/runs/run.service.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { type AccountDirectory, checkJobHandler, importJobHandler } from '../../apps/api/src/workers/default-job-handlers.ts';
import type { JobHandler } from '../../apps/api/src/workers/job-handlers.ts';
import { RunQueueRepository } from '../../apps/api/src/workers/run-queue.repository.ts';
import { WorkerService } from '../../apps/api/src/workers/worker.service.ts';
import { isolateAwsEnv } from '../collectors/aws-env.ts';
import { cur1AccountInput, fixtureBytes, putCur1Delivery } from '../fakes/s3/cur-bucket.ts';
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
  /** Check runs are a stub until the cancellation test swaps in the real handler with its own checkers. */
  let checkHandler: JobHandler = async () => ({ stats: { checked: true } });
  /** When set, the next stage() downloads the period's files and then holds until the run's signal aborts. */
  let holdStage: { staged: (files: string[]) => void } | undefined;

  function untilAborted(signal: AbortSignal | undefined): Promise<never> {
    return new Promise((_, reject) => {
      if (!signal) return;
      if (signal.aborted) return reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }

  /** The real connector, able to stop between downloading a period and importing it: a slow run to cancel. */
  function holdingAfterStage(real: BillingConnector): BillingConnector {
    return {
      provider: real.provider,
      test: (ctx) => real.test(ctx),
      discover: (ctx) => real.discover(ctx),
      async stage(ctx, period) {
        const staged = await real.stage(ctx, period);
        const hold = holdStage;
        if (hold) {
          holdStage = undefined;
          hold.staged(staged.files);
          await untilAborted(ctx.signal);
        }
        return staged;
      },
    };
  }

  beforeAll(async () => {
    fake = await S3Fake.start([BUCKET]);
    layout = new LakeLayout(suite.testStore.dataDir);
    const box = new SecretBox(Buffer.alloc(32, 5));
    const registry = new ConnectorRegistry().register(holdingAfterStage(new AwsS3BillingConnector({ maxAttempts: 2, retryDelayMs: () => 5, env: {} })));
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
      cur1AccountInput({ name: 'Payer', bucket: BUCKET, endpoint: fake.endpoint, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }),
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
    worker = new WorkerService(queue, logs, { import: importRun, check: (ctx) => checkHandler(ctx) }, pino({ level: 'silent' }), {
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

  it('cancelling an import mid-run (files downloaded, partition not yet replaced) ends it cancelled with the previous partition intact', async () => {
    const prisma = suite.store.prisma;
    const before = await prisma.importState.findMany({ where: { tenantId: TENANT }, select: { billingPeriod: true, version: true, runId: true } });
    expect(before).toHaveLength(1);
    await putCur1Delivery(fake.seedClient(), {
      bucket: BUCKET,
      prefix: 'cur',
      exportName: 'hourly',
      period: '2023-11',
      assemblyId: 'nov-3',
      account: '111122223333',
      files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }],
    });
    const staged = new Promise<string[]>((resolve) => (holdStage = { staged: resolve }));
    const { run } = await runs.trigger(TENANT, { kind: 'import', cloudAccountId: accountId, actor: 'test' });
    const files = await staged;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(f)).toBe(true);

    const { outcome } = await runs.cancel(TENANT, run.id, 'user:ops');
    expect(outcome).toBe('requested');
    const done = await waitFor('the cancelled import to end', finished(run.id));
    expect(done).toMatchObject({ status: 'cancelled', attempts: 1, leaseOwner: null });
    // Nothing of nov-3 reached the lake: same rows, same recorded version, staging removed, no check queued after it.
    expect(await lakeTotals()).toEqual([['2023-11', 1281, '1.6823086974']]);
    expect(await prisma.importState.findMany({ where: { tenantId: TENANT }, select: { billingPeriod: true, version: true, runId: true } })).toEqual(before);
    for (const f of files) expect(existsSync(f)).toBe(false);
    expect((await runs.list(TENANT, { kind: 'check' })).filter((c) => (c.params as { after?: string }).after === run.id)).toEqual([]);
    const lines = await waitFor('the closing log line', async () => {
      const all = await runs.logs(TENANT, run.id);
      return all.at(-1)?.message === 'cancelled' ? all : null;
    });
    expect(lines.map((l) => l.message)).toContain('cancellation asked: stopping the handler');
    const account = await prisma.cloudAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account.lastError).toBeNull();
  });

  it('cancelling a check run stops before the next checker; the check runs already recorded are complete', async () => {
    const ran: string[] = [];
    let cancelAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (cancelAsked = resolve));
    const checker = (name: string, hold: boolean) =>
      defineChecker({
        id: `aws/test-cancel-${name}`,
        version: '1.0.0',
        title: `Cancel ${name} (test)`,
        description: 'Records that it ran; the first one holds until the test has asked to cancel the run.',
        provider: 'aws',
        category: 'governance',
        severity: 'info',
        resourceTypes: ['account'],
        inputs: { focus: true },
        configSchema: z.object({}).strict(),
        docsExample: {},
        // eslint-disable-next-line require-yield -- emits nothing: the test counts runs, not findings
        async *run(ctx) {
          ran.push(`${name}:${ctx.accountId}`);
          if (hold) await asked;
        },
      }) as Checker<unknown>;
    const checkers = [checker('first', true), checker('second', false), checker('third', false)];
    let aborted: () => void = () => undefined;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    const real = checkJobHandler({ prisma: suite.store.prisma, dataDir: suite.testStore.dataDir, checkers });
    checkHandler = (ctx) => {
      ctx.signal.addEventListener('abort', () => aborted(), { once: true });
      return real(ctx);
    };
    try {
      const { run } = await runs.trigger(TENANT, { kind: 'check', actor: 'test' });
      await waitFor('the first checker to start', async () => ran.length === 1);
      expect((await runs.cancel(TENANT, run.id, 'user:ops')).outcome).toBe('requested');
      await abortSeen;
      cancelAsked();
      const done = await waitFor('the cancelled check run to end', finished(run.id));
      expect(done).toMatchObject({ status: 'cancelled', leaseOwner: null });
      // Neither the first checker's other FOCUS sub accounts (if any) nor the later checkers ran.
      expect(ran).toEqual([expect.stringMatching(/^first:\d{12}$/)]);
      // The first checker's own run finished and was recorded before the handler stopped.
      const checkRuns = await suite.store.prisma.run.findMany({ where: { tenantId: TENANT, checkId: { startsWith: 'aws/test-cancel-' } } });
      expect(checkRuns.map((r) => [r.checkId, r.status])).toEqual([['aws/test-cancel-first', 'succeeded']]);
    } finally {
      checkHandler = async () => ({ stats: { checked: true } });
    }
  });
});
