import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunQueueRepository } from '../../apps/api/src/workers/run-queue.repository.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { createTestStore, describeOnStore, type TestStore } from '../support/store-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FINOPS = path.join(ROOT, 'apps', 'cli', 'bin', 'finops.js');

interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function serve(t: TestStore, role: 'api' | 'all'): Promise<Served> {
  const child = spawn(process.execPath, [FINOPS, 'serve', '--port', '0'], {
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      FINOPS_DATA_DIR: t.dataDir,
      FINOPS_ROLE: role,
      FINOPS_LOG_LEVEL: 'warn',
      FINOPS_WORKER_POLL: '100ms',
      FINOPS_SCHEDULER_TICK: '1s',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`finops serve exited with ${String(code)}: ${stderr}`)));
  });
  return { child, url, exited };
}


describeOnStore('postgres', 'finops serve and FINOPS_ROLE', () => {
  let t: TestStore;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestStore('postgres');
    await new TenantRepository(t.store.prisma).create({ id: 'served', name: 'Served' });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await t?.dispose();
  });

  it('FINOPS_ROLE=api only serves HTTP; FINOPS_ROLE=all also executes queued runs', async () => {
    const queue = new RunQueueRepository(t.store.prisma);
    const { run: queued } = await queue.enqueue('served', { kind: 'check' });

    const api = await serve(t, 'api');
    children.push(api.child);
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    // Long enough for a worker to have claimed it, were one running.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await t.store.prisma.run.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe('queued');
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);

    const all = await serve(t, 'all');
    children.push(all.child);
    const done = await waitFor(
      'the API process to run the check',
      async () => {
        const r = await t.store.prisma.run.findUniqueOrThrow({ where: { id: queued.id } });
        return r.status === 'succeeded' || r.status === 'failed' ? r : null;
      },
      60_000,
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.leaseOwner).toBeNull();
    const log = await waitFor(
      'the closing log line',
      async () => {
        const lines = await t.store.prisma.runLog.findMany({ where: { runId: queued.id }, orderBy: { id: 'asc' } });
        return lines.at(-1)?.message === 'succeeded' ? lines : null;
      },
      10_000,
    );
    expect(log[0]!.message).toMatch(/^attempt 1 of 3 on worker /);
    all.child.kill('SIGTERM');
    expect(await all.exited).toBe(0);
  });
});
