import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInventorySnapshot } from '../collectors/inventory-snapshot.repository.ts';
import { builtinCheckers } from '../registry.ts';
import type { InventoryRecord } from '../sdk/inventory.ts';
import { type InventoryCheckJob, runInventoryCheckJob } from './inventory-check.job.ts';
import { InventoryCheckPool } from './inventory-check.pool.ts';

const TENANT = 'pool-unit';
const ACCOUNT = '123456789012';
const NOW = '2026-11-22T00:00:00.000Z';

const instances: InventoryRecord<'ec2-instances'>[] = [
  { InstanceId: 'i-1', InstanceType: 'm5.large', Architecture: 'x86_64', PlatformDetails: 'Linux/UNIX', State: { Name: 'running' }, AccountId: ACCOUNT, Region: 'us-east-1' },
  { InstanceId: 'i-2', InstanceType: 'm4.xlarge', Architecture: 'x86_64', PlatformDetails: 'Linux/UNIX', State: { Name: 'running' }, AccountId: ACCOUNT, Region: 'us-east-1' },
];
const volumes: InventoryRecord<'ebs-volumes'>[] = [
  { VolumeId: 'vol-1', VolumeType: 'gp2', Size: 100, State: 'available', Attachments: [], AccountId: ACCOUNT, Region: 'us-east-1' },
  { VolumeId: 'vol-2', VolumeType: 'gp2', Size: 50, State: 'in-use', Attachments: [{ InstanceId: 'i-1' }], AccountId: ACCOUNT, Region: 'us-east-1' },
];

describe('InventoryCheckPool', () => {
  let dataDir: string;
  let layout: LakeLayout;
  let pool: InventoryCheckPool;
  const checkers = builtinCheckers.filter((c) => c.inputs.inventory?.some((k) => k === 'ec2-instances' || k === 'ebs-volumes'));

  function job(tag: string, overrides: Partial<InventoryCheckJob> = {}): InventoryCheckJob {
    return {
      dataDir,
      tenantId: TENANT,
      accountId: ACCOUNT,
      now: NOW,
      runs: checkers.map((c) => ({
        checkerId: c.id,
        checkerVersion: c.version,
        runId: `run-${c.id.replace('/', '-')}`,
        config: undefined,
        parquetPath: layout.findingsFile(TENANT, '2026-11-22', `${tag}-${c.id.replace('/', '-')}`),
      })),
      ...overrides,
    };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-pool-'));
    layout = new LakeLayout(dataDir);
    await writeInventorySnapshot(layout, TENANT, '2026-11-20', 'ec2-instances', ACCOUNT, instances);
    await writeInventorySnapshot(layout, TENANT, '2026-11-20', 'ebs-volumes', ACCOUNT, volumes);
    pool = new InventoryCheckPool(2);
  });
  afterAll(async () => {
    await pool.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers a job on a worker thread exactly as the calling thread does: outcomes and file bytes', async () => {
    const [threaded, here] = [await pool.run(job('thread')), await runInventoryCheckJob(job('here'))];
    expect(threaded).toEqual(here);
    expect(threaded.every((o) => o.ok)).toBe(true);
    // The fixture gives Graviton, previous-generation, unattached and gp2 findings: the threads did real work.
    expect(threaded.reduce((n, o) => n + (o.ok ? o.rows : 0), 0)).toBeGreaterThanOrEqual(4);
    for (const run of job('thread').runs) {
      const twin = run.parquetPath.replace(`${path.sep}thread-`, `${path.sep}here-`);
      expect(Buffer.compare(await readFile(run.parquetPath), await readFile(twin))).toBe(0);
    }
  });

  it('reports a run it cannot resolve in its outcome and still runs the others', async () => {
    const base = job('unknown');
    const outcomes = await pool.run({ ...base, runs: [{ ...base.runs[0]!, checkerVersion: '9.9.9' }, base.runs[1]!] });
    expect(outcomes[0]).toMatchObject({ ok: false, error: `checker ${base.runs[0]!.checkerId} is version ${checkers[0]!.version} in this thread, the run asked for 9.9.9` });
    expect(outcomes[1]).toMatchObject({ ok: true, checkerId: base.runs[1]!.checkerId });
  });

  it('rejects a job that cannot run at all, naming the account, and keeps serving', async () => {
    await expect(pool.run(job('bad', { now: 'not a time' }))).rejects.toThrow(`inventory check job for account ${ACCOUNT}: inventory check job: now is not a valid time: "not a time"`);
    expect((await pool.run(job('after'))).every((o) => o.ok)).toBe(true);
  });

  it('a thread that dies fails its job with the reason; the job queued behind it runs on a new thread', async () => {
    const dying = new InventoryCheckPool(1, { entry: new URL('./testing/dying-check.worker.mjs', import.meta.url) });
    try {
      const lost = dying.run(job('die', { accountId: 'die' }));
      const queued = dying.run(job('next'));
      await expect(lost).rejects.toThrow('inventory check thread exited with code 3');
      await expect(queued).resolves.toEqual([]);
      await expect(dying.run(job('later'))).resolves.toEqual([]);
    } finally {
      await dying.close();
    }
  });

  it('a closed pool refuses jobs and rejects the queued ones', async () => {
    const closing = new InventoryCheckPool(1);
    const first = closing.run(job('c1'));
    const queued = closing.run(job('c2'));
    const refused = [expect(queued).rejects.toThrow('inventory check pool closed'), expect(first).rejects.toThrow('inventory check pool closed')];
    await closing.close();
    await Promise.all(refused);
    await expect(closing.run(job('c3'))).rejects.toThrow('inventory check pool is closed');
  });
});
