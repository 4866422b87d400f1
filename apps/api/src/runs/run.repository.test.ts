import { beforeAll, expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { isRunId } from '../store/run-id.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { RunNotFoundError, RunRepository, RunStateError } from './run.repository.ts';

describeStores('RunRepository', (suite) => {
  const runs = () => new RunRepository(suite.store.prisma);

  beforeAll(async () => {
    const tenants = new TenantRepository(suite.store.prisma);
    await tenants.create({ id: 'acme', name: 'Acme' });
    await tenants.create({ id: 'other', name: 'Other' });
  });

  it('creates a running run with a time-ordered id and marks it succeeded with stats', async () => {
    const run = await runs().create('acme', { kind: 'check', checkId: 'aws-ec2-graviton', params: { dryRun: false } });
    expect(isRunId(run.id)).toBe(true);
    expect(run).toMatchObject({ tenantId: 'acme', kind: 'check', status: 'running', checkId: 'aws-ec2-graviton', attempts: 1 });
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.params).toEqual({ dryRun: false });

    const done = await runs().markSucceeded('acme', run.id, { findings: 3, savings: '12.500000' });
    expect(done).toMatchObject({ status: 'succeeded', stats: { findings: 3, savings: '12.500000' }, error: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
  });

  it('creates a queued run for a worker and marks it failed with the error', async () => {
    const run = await runs().create('acme', { kind: 'import', status: 'queued', params: { source: 'cur2' } });
    expect(run).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });
    const failed = await runs().markFailed('acme', run.id, 'manifest.json: missing "columns"', { rowsRead: 0 });
    expect(failed).toMatchObject({ status: 'failed', error: 'manifest.json: missing "columns"', stats: { rowsRead: 0 } });
  });

  it('will not finish a run twice', async () => {
    const run = await runs().create('acme', { kind: 'inventory' });
    await runs().markSucceeded('acme', run.id, {});
    await expect(runs().markFailed('acme', run.id, 'late')).rejects.toThrow(RunStateError);
    expect((await runs().get('acme', run.id))?.status).toBe('succeeded');
  });

  it('keeps tenants apart: another tenant cannot see or finish a run', async () => {
    const run = await runs().create('acme', { kind: 'check', checkId: 'x' });
    expect(await runs().get('other', run.id)).toBeNull();
    await expect(runs().markSucceeded('other', run.id, {})).rejects.toThrow(RunNotFoundError);
    expect((await runs().list('other')).map((r) => r.id)).not.toContain(run.id);
    expect((await runs().get('acme', run.id))?.status).toBe('running');
  });

  it('lists newest first, filtered and limited', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runs().create('other', { kind: 'check', checkId: `c${i}` })).id);
    const listed = await runs().list('other', { limit: 2 });
    expect(listed.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(await runs().list('other', { kind: 'import' })).toEqual([]);
    await expect(runs().list('other', { limit: 0 })).rejects.toThrow(/Invalid run limit/);
  });

  it('rejects unknown kinds and bad tenant ids with errors naming them', async () => {
    await expect(runs().create('acme', { kind: 'export' as never })).rejects.toThrow(/Invalid run kind: "export"/);
    await expect(runs().create('../acme', { kind: 'check' })).rejects.toThrow(/Invalid tenant id/);
  });
});
