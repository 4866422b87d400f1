import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { ConnectorAuthError, ConnectorTransientError } from '../connectors/billing-connector.ts';
import type { Run } from '../generated/prisma/client.ts';
import { RunLogRepository } from '../runs/run-log.repository.ts';
import { RunRepository } from '../runs/run.repository.ts';
import { RunService } from '../runs/run.service.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { type JobHandlers, RunAbortedError } from './job-handlers.ts';
import { RunQueueRepository } from './run-queue.repository.ts';
import { WorkerService, type WorkerOptions } from './worker.service.ts';
import { waitFor } from '../../../../test/support/wait-for.ts';

const FAST: WorkerOptions = { concurrency: 2, leaseMs: 2_000, heartbeatMs: 100, pollMs: 50, shutdownGraceMs: 200, backoff: { baseMs: 40, maxMs: 200 } };


describeStores('WorkerService', (suite) => {
  let workers: WorkerService[] = [];
  let seq = 0;
  const logger = pino({ level: 'silent' });

  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
  });

  function services() {
    const prisma = suite.store.prisma;
    const queue = new RunQueueRepository(prisma);
    const logs = new RunLogRepository(prisma);
    const runs = new RunService(new RunRepository(prisma), queue, logs, new AuditLogRepository(prisma));
    return { prisma, queue, logs, runs };
  }

  function startWorker(handlers: JobHandlers, options: Partial<WorkerOptions> = {}): WorkerService {
    const { queue, logs } = services();
    const worker = new WorkerService(queue, logs, handlers, logger, { ...FAST, ...options });
    workers.push(worker);
    worker.start();
    return worker;
  }

  async function tenant(): Promise<string> {
    const id = `w${++seq}`;
    await new TenantRepository(suite.store.prisma).create({ id, name: id });
    return id;
  }

  /** The worker stores a run's last log lines just after recording its outcome: wait for the closing line too. */
  async function logsEndingWith(t: string, id: string, last: string | RegExp) {
    return waitFor(`the log of ${id} to end with ${String(last)}`, async () => {
      const lines = await services().runs.logs(t, id);
      const message = lines.at(-1)?.message ?? '';
      return (typeof last === 'string' ? message === last : last.test(message)) ? lines : null;
    });
  }

  const finished = (t: string, id: string) => async (): Promise<Run | null> => {
    const run = await services().runs.show(t, id);
    return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : null;
  };

  it('retries a retryable failure with growing backoff and then succeeds; the log tells the story', async () => {
    const t = await tenant();
    const attemptsSeen: number[] = [];
    startWorker({
      inventory: async ({ attempt }) => {
        attemptsSeen.push(attempt);
        if (attempt < 3) throw new ConnectorTransientError(`503 Slow Down (attempt ${attempt})`);
        return { stats: { records: 7 } };
      },
    });
    const { run } = await services().runs.trigger(t, { kind: 'inventory', actor: 'test' });
    const done = await waitFor('the run to finish', finished(t, run.id));
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, stats: { records: 7 }, error: null });
    expect(attemptsSeen).toEqual([1, 2, 3]);
    const lines = await logsEndingWith(t, run.id, 'succeeded');
    const messages = lines.map((l) => l.message);
    expect(messages.filter((m) => /^attempt 1 failed; retrying at/.test(m))).toHaveLength(1);
    expect(messages.filter((m) => /^attempt 2 failed; retrying at/.test(m))).toHaveLength(1);
    expect(messages.at(-1)).toBe('succeeded');
    const retryIn = lines.filter((l) => l.fields.retryInMs !== undefined).map((l) => l.fields.retryInMs as number);
    // base 40 ms, jittered into [half, full] of 40 then 80.
    expect(retryIn[0]).toBeGreaterThanOrEqual(20);
    expect(retryIn[0]).toBeLessThanOrEqual(40);
    expect(retryIn[1]).toBeGreaterThanOrEqual(40);
    expect(retryIn[1]).toBeLessThanOrEqual(80);
  });

  it('fails at once on a non-retryable error (expired credentials) with its message', async () => {
    const t = await tenant();
    let calls = 0;
    startWorker({
      import: async () => {
        calls++;
        throw new ConnectorAuthError('AWS refused the credentials: ExpiredToken');
      },
    });
    const { run } = await services().runs.trigger(t, { kind: 'import', actor: 'test' });
    const done = await waitFor('the run to fail', finished(t, run.id));
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: 'AWS refused the credentials: ExpiredToken' });
    expect(calls).toBe(1);
    const last = (await logsEndingWith(t, run.id, 'failed (not retryable)')).at(-1);
    expect(last).toMatchObject({ level: 'error', message: 'failed (not retryable)', fields: { retryable: false } });
  });

  it('cancels a running run: the handler sees the abort signal at the next heartbeat', async () => {
    const t = await tenant();
    let started = false;
    let abortReason: unknown;
    startWorker({
      check: ({ signal }) =>
        new Promise((_resolve, reject) => {
          started = true;
          signal.addEventListener('abort', () => {
            abortReason = signal.reason;
            reject(signal.reason as Error);
          });
        }),
    });
    const { run } = await services().runs.trigger(t, { kind: 'check', actor: 'test' });
    await waitFor('the handler to start', async () => started);
    const { outcome } = await services().runs.cancel(t, run.id, 'user:alice');
    expect(outcome).toBe('requested');
    const done = await waitFor('the run to be cancelled', finished(t, run.id));
    expect(done.status).toBe('cancelled');
    expect(abortReason).toBeInstanceOf(RunAbortedError);
    expect((abortReason as RunAbortedError).reason).toBe('cancelled');
    const messages = (await logsEndingWith(t, run.id, 'cancelled')).map((l) => l.message);
    expect(messages).toContain('cancellation asked by user:alice; the worker stops at its next heartbeat');
    expect(messages).toContain('cancelled');
  });

  it('queues a check after a successful import of the same tenant, and runs it', async () => {
    const t = await tenant();
    const order: string[] = [];
    startWorker({
      import: async ({ runId }) => {
        order.push(`import:${runId}`);
        return { stats: { periods: 2 } };
      },
      check: async ({ run }) => {
        order.push(`check:${String((run.params as { after?: string }).after)}`);
        return { stats: {} };
      },
    });
    const { run } = await services().runs.trigger(t, { kind: 'import', actor: 'test' });
    await waitFor('the check to run', async () => order.length === 2);
    expect(order).toEqual([`import:${run.id}`, `check:${run.id}`]);
    const checks = await services().runs.list(t, { kind: 'check' });
    expect(checks).toHaveLength(1);
    await waitFor('the check to finish', finished(t, checks[0]!.id));
  });

  it('on stop, releases a run that does not finish within the grace period, without counting the attempt', async () => {
    const t = await tenant();
    let started = false;
    const worker = startWorker({
      inventory: ({ signal }) =>
        new Promise((_resolve, reject) => {
          started = true;
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    });
    const { run } = await services().runs.trigger(t, { kind: 'inventory', actor: 'test' });
    await waitFor('the handler to start', async () => started);
    await worker.stop();
    expect(worker.summary.released).toBe(1);
    expect(await services().runs.show(t, run.id)).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    await services().runs.cancel(t, run.id, 'test');
  });

  it('trigger dedupes a queued run; retry queues a failed run again as a new run', async () => {
    const t = await tenant();
    const first = await services().runs.trigger(t, { kind: 'import', actor: 'test' });
    const second = await services().runs.trigger(t, { kind: 'import', actor: 'test' });
    expect(second).toMatchObject({ created: false, run: { id: first.run.id } });
    await expect(services().runs.retry(t, first.run.id, 'test')).rejects.toThrow(/is queued: it cannot become queued/);
    await expect(services().runs.trigger(t, { kind: 'check', checkId: 'aws/ec2-graviton', cloudAccountId: 'a', actor: 'test' })).rejects.toThrow(
      /Invalid run cloudAccountId: a check run covers every account/,
    );
    await expect(services().runs.trigger(t, { kind: 'check', checkId: 'Graviton', actor: 'test' })).rejects.toThrow(/"Graviton" is not a checker id/);
    await expect(services().runs.trigger(t, { kind: 'import', checkId: 'aws/ec2-graviton', actor: 'test' })).rejects.toThrow(
      /only check runs name a checker/,
    );
    const one = await services().runs.trigger(t, { kind: 'check', checkId: 'aws/ec2-graviton', actor: 'test' });
    expect(one.run).toMatchObject({ kind: 'check', checkId: 'aws/ec2-graviton', status: 'queued' });
    await services().runs.cancel(t, one.run.id, 'test');
    await expect(services().runs.trigger(t, { kind: 'import', cloudAccountId: 'nope', actor: 'test' })).rejects.toThrow(
      /has no cloud account "nope"/,
    );

    startWorker({ import: async () => Promise.reject(new ConnectorAuthError('denied')) });
    await waitFor('the run to fail', finished(t, first.run.id));
    const again = await services().runs.retry(t, first.run.id, 'user:bob');
    expect(again.created).toBe(true);
    expect(again.run).toMatchObject({ kind: 'import', status: expect.stringMatching(/queued|running|failed/), params: { retryOf: first.run.id } });
    const audit = await services().prisma.auditLog.findMany({ where: { tenantId: t, action: 'run.retry' } });
    expect(audit).toHaveLength(1);
    await waitFor('the retry to finish', finished(t, again.run.id));
  });
});
