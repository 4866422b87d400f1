import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunRepository } from '../../apps/api/src/runs/run.repository.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { createTestStore, describeOnStore, type TestStore } from '../support/store-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-entry.ts');

interface WorkerProcess {
  child: ChildProcess;
  owner: string;
  pid: number;
  exited: Promise<number | null>;
  stderr: string[];
}

/**
 * A lease long enough that a worker starved of CPU (2 cores shared by many processes here) never loses a healthy run:
 * a lease that expires under a live worker lets another worker run the same job again, which is the trade-off every
 * lease makes. The kill -9 test shortens it so the dead worker's run is taken over within seconds.
 */
const WORKER_ENV = {
  FINOPS_WORKER_LEASE: '15s',
  FINOPS_WORKER_HEARTBEAT: '1s',
  FINOPS_WORKER_POLL: '100ms',
  FINOPS_WORKER_CONCURRENCY: '2',
  FINOPS_WORKER_SHUTDOWN_GRACE: '3s',
  FINOPS_RETRY_BASE: '100ms',
  FINOPS_LOG_LEVEL: 'warn',
};

const SHORT_LEASE = { FINOPS_WORKER_LEASE: '3s', FINOPS_WORKER_HEARTBEAT: '300ms' };

async function startWorker(t: TestStore, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, ...WORKER_ENV, ...env, DATABASE_URL: t.databaseUrl, FINOPS_DATA_DIR: t.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ ready: string; pid: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready"')) resolve(JSON.parse(line) as { ready: string; pid: number });
    });
    void exited.then((code) => reject(new Error(`worker exited with ${String(code)} before it was ready: ${stderr.join('')}`)));
  });
  return { child, owner: ready.ready, pid: ready.pid, exited, stderr };
}

async function stopWorker(w: WorkerProcess): Promise<number | null> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return w.exited;
}


interface SideEffect {
  run_id: string;
  tenant_id: string;
  worker: string;
  started_at: Date;
  finished_at: Date;
}

describeOnStore('postgres', 'worker processes against one PostgreSQL', () => {
  let t: TestStore;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestStore('postgres');
    await t.store.withSql((db) =>
      db.exec('CREATE TABLE side_effect (run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, worker TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ NOT NULL)'),
    );
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await t?.dispose();
  });

  const sideEffects = (where = 'TRUE', params: unknown[] = []) =>
    t.store.withSql((db) => db.query<SideEffect>(`SELECT * FROM side_effect WHERE ${where} ORDER BY started_at`, params));

  it('three workers execute 100 queued runs exactly once each, never two runs of one tenant at a time', async () => {
    const tenants = new TenantRepository(t.store.prisma);
    const runs = new RunRepository(t.store.prisma);
    const tenantIds = Array.from({ length: 20 }, (_, i) => `mw-${i}`);
    for (const id of tenantIds) await tenants.create({ id, name: id });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const created = await runs.create(tenantIds[i % tenantIds.length]!, { kind: 'check', status: 'queued', checkId: `c${i}`, params: { sleepMs: 20 } });
      ids.push(created.id);
    }

    const started = await Promise.all([startWorker(t), startWorker(t), startWorker(t)]);
    workers.push(...started);
    await waitFor(
      'all 100 runs to succeed',
      async () => (await t.store.prisma.run.count({ where: { id: { in: ids }, status: 'succeeded' } })) === 100,
      90_000,
    );
    const codes = await Promise.all(started.map(stopWorker));
    expect(codes).toEqual([0, 0, 0]);

    const effects = await sideEffects();
    expect(effects).toHaveLength(100);
    expect(new Set(effects.map((e) => e.run_id))).toEqual(new Set(ids));
    const byWorker = new Map<string, number>();
    for (const e of effects) byWorker.set(e.worker, (byWorker.get(e.worker) ?? 0) + 1);
    // All three processes took part: the queue spread the work instead of one process doing it all.
    expect([...byWorker.keys()].sort()).toEqual(started.map((w) => w.owner).sort());

    for (const tenantId of tenantIds) {
      const own = effects.filter((e) => e.tenant_id === tenantId);
      expect(own).toHaveLength(5);
      for (let i = 1; i < own.length; i++) {
        expect(own[i]!.started_at.getTime(), `runs of ${tenantId} overlapped`).toBeGreaterThanOrEqual(own[i - 1]!.finished_at.getTime());
      }
    }
    const attempts = await t.store.prisma.run.findMany({ where: { id: { in: ids } }, select: { attempts: true, leaseOwner: true } });
    expect(attempts.every((r) => r.attempts === 1 && r.leaseOwner === null)).toBe(true);
  });

  it('kill -9 of the worker running a run: another worker takes it over after the lease and it completes exactly once', async () => {
    await new TenantRepository(t.store.prisma).create({ id: 'killed', name: 'Killed' });
    const { id: runId } = await new RunRepository(t.store.prisma).create('killed', {
      kind: 'check',
      status: 'queued',
      params: { firstAttemptSleepMs: 30_000, sleepMs: 50 },
    });
    const pair = await Promise.all([startWorker(t, SHORT_LEASE), startWorker(t, SHORT_LEASE)]);
    workers.push(...pair);
    const running = await waitFor(
      'the run to be claimed',
      async () => {
        const r = await t.store.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === 'running' && r.leaseOwner ? r : null;
      },
      20_000,
    );
    const victim = pair.find((w) => w.owner === running.leaseOwner)!;
    const survivor = pair.find((w) => w !== victim)!;
    expect(victim).toBeDefined();
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBeNull();

    const done = await waitFor(
      'the run to succeed on the other worker',
      async () => {
        const r = await t.store.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === 'succeeded' ? r : null;
      },
      20_000,
    );
    // Not before the 3 s lease ran out.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2_000);
    expect(done.attempts).toBe(2);
    const effects = await sideEffects('run_id = $1', [runId]);
    expect(effects.map((e) => e.worker)).toEqual([survivor.owner]);
    // The last lines are stored just after the outcome: wait for the closing one.
    const log = await waitFor(
      'the closing log line',
      async () => {
        const lines = await t.store.prisma.runLog.findMany({ where: { runId }, orderBy: { id: 'asc' } });
        return lines.at(-1)?.message === 'succeeded' ? lines : null;
      },
      10_000,
    );
    expect(log.map((l) => l.message)).toContain(`worker ${victim.owner} stopped heartbeating; this worker took the run over`);
    expect(await stopWorker(survivor)).toBe(0);
  });

  it('SIGTERM while a run is in progress: the worker releases it within the grace period and another worker finishes it', async () => {
    await new TenantRepository(t.store.prisma).create({ id: 'graceful', name: 'Graceful' });
    const { id: runId } = await new RunRepository(t.store.prisma).create('graceful', {
      kind: 'check',
      status: 'queued',
      params: { firstAttemptSleepMs: 30_000, sleepMs: 50 },
    });
    const first = await startWorker(t);
    workers.push(first);
    await waitFor('the run to be claimed', async () => (await t.store.prisma.run.findUniqueOrThrow({ where: { id: runId } })).leaseOwner === first.owner, 20_000);
    expect(await stopWorker(first)).toBe(0);
    // Released, not failed: the attempt does not count and no side effect happened.
    expect(await t.store.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(await sideEffects('run_id = $1', [runId])).toEqual([]);

    // The released run starts over at attempt 1; make that attempt quick.
    await t.store.prisma.run.update({ where: { id: runId }, data: { params: { sleepMs: 50 } } });
    const second = await startWorker(t);
    workers.push(second);
    await waitFor('the run to succeed', async () => (await t.store.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status === 'succeeded', 60_000);
    expect((await sideEffects('run_id = $1', [runId])).map((e) => e.worker)).toEqual([second.owner]);
    expect(await stopWorker(second)).toBe(0);
  });
});
