import { SchedulerRegistry } from '@nestjs/schedule';
import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { createApiApp } from '../../apps/api/src/app/create-app.ts';
import { startApiServer } from '../../apps/api/src/app/server.ts';
import { ConfigError, loadApiConfig } from '../../apps/api/src/config/api-config.ts';
import { RunLogRepository } from '../../apps/api/src/runs/run-log.repository.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import type { JobHandler } from '../../apps/api/src/workers/job-handlers.ts';
import { loadWorkerConfig } from '../../apps/api/src/workers/worker-config.ts';
import { WORKER_INTERVALS, type WorkerRuntime } from '../../apps/api/src/workers/worker-runtime.ts';
import { createWorkerContext, WORKER_RUNTIME } from '../../apps/api/src/workers/worker.module.ts';
import { describeStores } from '../support/store-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const TENANT = 'nested';

describeStores('WorkerModule (@nestjs/schedule) in the API and in `finops worker`', (suite) => {
  const executed: string[] = [];
  /** A check handler that only records which runs it executed: the side effect the test counts. */
  const recordCheck: JobHandler = async ({ runId }) => {
    executed.push(runId);
    return { stats: { recorded: 1 } };
  };
  const workerConfig = () =>
    loadWorkerConfig({ FINOPS_WORKER_POLL: '50ms', FINOPS_SCHEDULER_TICK: '100ms', FINOPS_WORKER_CONCURRENCY: '1', FINOPS_WORKER_SHUTDOWN_GRACE: '5s' });
  const runtimeOptions = () => ({
    store: suite.store,
    dataDir: suite.testStore.dataDir,
    config: workerConfig(),
    logger: pino({ level: 'silent' }),
    handlers: { check: recordCheck },
  });

  beforeAll(async () => {
    await new TenantRepository(suite.store.prisma).create({ id: TENANT, name: 'Nested' });
  });

  async function dueSchedule(): Promise<string> {
    // Created two minutes ago, so the every-minute cron has a slot due now (a new schedule never fires for earlier slots).
    const schedule = await suite.store.prisma.schedule.create({
      data: { tenantId: TENANT, kind: 'check', cron: '* * * * *', timezone: 'UTC', createdAt: new Date(Date.now() - 120_000) },
    });
    return schedule.id;
  }

  async function runOfSchedule(scheduleId: string) {
    return waitFor(
      `the run enqueued for schedule ${scheduleId} to succeed`,
      async () => {
        const runs = await suite.store.prisma.run.findMany({ where: { tenantId: TENANT, params: { path: ['scheduleId'], equals: scheduleId } } });
        return runs.length === 1 && runs[0]!.status === 'succeeded' ? runs[0]! : null;
      },
      30_000,
    );
  }

  it('FINOPS_ROLE=all: the API app ticks the scheduler and runs the due run through the registry intervals; close removes them', async () => {
    const config = loadApiConfig({ FINOPS_DATA_DIR: suite.testStore.dataDir, FINOPS_JWT_SECRET: 'x'.repeat(40), FINOPS_LOG_LEVEL: 'silent', FINOPS_ROLE: 'all' });
    const scheduleId = await dueSchedule();
    const stale = await suite.store.prisma.run.create({ data: { id: `stale-${suite.kind}`, tenantId: TENANT, kind: 'check', status: 'succeeded' } });
    await new RunLogRepository(suite.store.prisma).append(TENANT, stale.id, [{ at: new Date(Date.now() - 91 * 24 * 3600_000), level: 'info', message: 'past the 90 days' }]);
    const app = await createApiApp({ config, store: suite.store, worker: runtimeOptions() });
    const registry = app.get(SchedulerRegistry);
    let closed = false;
    try {
      expect(registry.getIntervals().sort()).toEqual([WORKER_INTERVALS.schedulerTick, WORKER_INTERVALS.workerPoll].sort());
      const run = await runOfSchedule(scheduleId);
      expect(run).toMatchObject({ kind: 'check', status: 'succeeded', attempts: 1, leaseOwner: null });
      expect(executed.filter((id) => id === run.id)).toHaveLength(1);
      const schedule = await suite.store.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } });
      expect(schedule.lastEnqueuedAt).not.toBeNull();
      // The same tick prunes run logs past FINOPS_RUN_LOG_RETENTION_DAYS (default 90); the run itself stays.
      await waitFor('the stale run log line to be pruned', async () => (await suite.store.prisma.runLog.count({ where: { runId: stale.id } })) === 0, 10_000);
      expect(await suite.store.prisma.run.count({ where: { id: stale.id } })).toBe(1);
      await suite.store.prisma.schedule.update({ where: { id: scheduleId }, data: { enabled: false } });
      await app.close();
      closed = true;
      expect(registry.getIntervals()).toEqual([]);
      expect(app.get<WorkerRuntime>(WORKER_RUNTIME).worker.summary).toMatchObject({ claimed: 1, succeeded: 1, released: 0 });
    } finally {
      if (!closed) await app.close();
    }
  });

  it('finops serve refuses a bad run log retention at boot, whatever the role', async () => {
    for (const role of ['api', 'all']) {
      const started = startApiServer({ FINOPS_DATA_DIR: suite.testStore.dataDir, FINOPS_JWT_SECRET: 'x'.repeat(40), FINOPS_ROLE: role, FINOPS_RUN_LOG_RETENTION_DAYS: '0' });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toThrow('Invalid configuration: FINOPS_RUN_LOG_RETENTION_DAYS must be a whole number >= 1, got "0"');
    }
  });

  it('the standalone worker context (`finops worker`) runs the same module, and FINOPS_SCHEDULER=off registers no tick', async () => {
    const scheduleId = await dueSchedule();
    const withScheduler = await createWorkerContext(runtimeOptions());
    const registry = withScheduler.get(SchedulerRegistry);
    try {
      const run = await runOfSchedule(scheduleId);
      expect(executed.filter((id) => id === run.id)).toHaveLength(1);
    } finally {
      await suite.store.prisma.schedule.update({ where: { id: scheduleId }, data: { enabled: false } });
      await withScheduler.close();
    }
    expect(registry.getIntervals()).toEqual([]);

    const noScheduler = await createWorkerContext({ ...runtimeOptions(), config: { ...workerConfig(), scheduler: false } });
    try {
      expect(noScheduler.get(SchedulerRegistry).getIntervals()).toEqual([WORKER_INTERVALS.workerPoll]);
      expect(noScheduler.get<WorkerRuntime>(WORKER_RUNTIME).scheduler).toBeNull();
    } finally {
      await noScheduler.close();
    }
  });
});
