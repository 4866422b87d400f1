import { beforeAll, expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { RunStateError } from '../runs/run.repository.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { LeaseLostError, RunCancelError, RunQueueRepository } from './run-queue.repository.ts';

describeStores('RunQueueRepository', (suite) => {
  const queue = () => new RunQueueRepository(suite.store.prisma);
  let tenantSeq = 0;
  /** Each test gets its own tenant, so runs left by one test never become claimable in another. */
  async function freshTenant(): Promise<string> {
    const id = `q${++tenantSeq}`;
    await new TenantRepository(suite.store.prisma).create({ id, name: id });
    return id;
  }
  async function expireLease(runId: string): Promise<void> {
    await suite.store.prisma.run.update({ where: { id: runId }, data: { leaseExpiresAt: new Date(Date.now() - 60_000) } });
  }
  /** claim() serves every tenant, so a test ends its leftover runs before the next one claims. */
  async function drain(): Promise<void> {
    await suite.store.prisma.run.updateMany({ where: { status: { in: ['queued', 'running'] } }, data: { status: 'cancelled' } });
  }

  beforeAll(async () => {
    await freshTenant();
  });

  it('dedupes enqueue per tenant, kind, account and check', async () => {
    const t = await freshTenant();
    const first = await queue().enqueue(t, { kind: 'check' });
    const again = await queue().enqueue(t, { kind: 'check' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });
    const other = await queue().enqueue(t, { kind: 'check', checkId: 'aws-ec2-graviton' });
    expect(other.created).toBe(true);
    expect(first.run).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    await drain();
  });

  it('claims the oldest due run, sets the lease and counts the attempt; a worker without the lease cannot finish it', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'inventory' });
    await queue().enqueue(t, { kind: 'import', availableAt: new Date(Date.now() + 3_600_000) });
    const claimed = await queue().claim('w1', ['inventory', 'import'], 5_000);
    expect(claimed?.run).toMatchObject({ id: run.id, status: 'running', leaseOwner: 'w1', attempts: 1 });
    expect(claimed?.previousOwner).toBeNull();
    expect(claimed!.run.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 2_000);
    // The import is not due yet, the inventory run is taken: nothing left.
    expect(await queue().claim('w2', ['inventory', 'import'], 5_000)).toBeNull();
    await expect(queue().complete(t, run.id, 'w2', {})).rejects.toThrow(LeaseLostError);
    expect(await queue().heartbeat(t, run.id, 'w2', 5_000)).toBe('lost');
    expect(await queue().heartbeat(t, run.id, 'w1', 5_000)).toBe('ok');
    const done = await queue().complete(t, run.id, 'w1', { records: 3 });
    expect(done.run).toMatchObject({ status: 'succeeded', stats: { records: 3 }, leaseOwner: null });
    await expect(queue().complete(t, run.id, 'w1', {})).rejects.toThrow(LeaseLostError);
    await drain();
  });

  it('claims only the kinds asked for', async () => {
    const t = await freshTenant();
    await queue().enqueue(t, { kind: 'import' });
    expect(await queue().claim('w1', ['check'], 5_000)).toBeNull();
    expect((await queue().claim('w1', ['import'], 5_000))?.run.kind).toBe('import');
    await drain();
  });

  it('runs at most one run per tenant and kind at a time', async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    const a1 = await queue().enqueue(a, { kind: 'import', cloudAccountId: null, params: { n: 1 } });
    // Different accounts are different work, so both are queued; they still run one after the other.
    await suite.store.prisma.run.create({ data: { id: `${a1.run.id}x`, tenantId: a, kind: 'import', status: 'queued', params: { n: 2 } } });
    const b1 = await queue().enqueue(b, { kind: 'import' });
    const first = await queue().claim('w1', ['import'], 5_000);
    const second = await queue().claim('w2', ['import'], 5_000);
    expect(first?.run.id).toBe(a1.run.id);
    expect(second?.run.id).toBe(b1.run.id);
    expect(await queue().claim('w3', ['import'], 5_000)).toBeNull();
    await queue().complete(a, a1.run.id, 'w1', {});
    expect((await queue().claim('w3', ['import'], 5_000))?.run.id).toBe(`${a1.run.id}x`);
    await drain();
  });

  it('re-claims a run whose lease expired (an attempt more), and the old owner can no longer finish it', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'check', maxAttempts: 3 });
    await queue().claim('dead', ['check'], 5_000);
    expect(await queue().claim('w2', ['check'], 5_000)).toBeNull();
    await expireLease(run.id);
    const taken = await queue().claim('w2', ['check'], 5_000);
    expect(taken).toMatchObject({ previousOwner: 'dead', run: { id: run.id, leaseOwner: 'w2', attempts: 2 } });
    await expect(queue().fail(t, run.id, 'dead', 'late', { retryable: true, retryInMs: 0 })).rejects.toThrow(LeaseLostError);
    await queue().complete(t, run.id, 'w2', {});
    await drain();
  });

  it('reaps an expired run out of attempts as failed, with a log line naming the worker', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'check', maxAttempts: 1 });
    await queue().claim('dead', ['check'], 5_000);
    await expireLease(run.id);
    expect(await queue().claim('w2', ['check'], 5_000)).toBeNull();
    const reaped = await queue().reapExpired();
    expect(reaped).toContainEqual({ tenantId: t, runId: run.id, status: 'failed', leaseOwner: 'dead' });
    const after = await suite.store.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: 'failed', leaseOwner: null });
    expect(after.error).toMatch(/worker dead stopped heartbeating \(lease expired\) on attempt 1 of 1/);
    const logs = await suite.store.prisma.runLog.findMany({ where: { runId: run.id } });
    expect(logs.map((l) => l.message)).toEqual([expect.stringMatching(/worker dead stopped heartbeating/)]);
  });

  it('retries a retryable failure after the backoff, fails a non-retryable one at once, and stops at maxAttempts', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'import', maxAttempts: 2 });
    await queue().claim('w1', ['import'], 5_000);
    const retry = await queue().fail(t, run.id, 'w1', '503 Slow Down', { retryable: true, retryInMs: 60_000 });
    expect(retry).toMatchObject({ status: 'queued', attempts: 1, maxAttempts: 2 });
    expect(retry.availableAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await queue().claim('w1', ['import'], 5_000)).toBeNull();
    await suite.store.prisma.run.update({ where: { id: run.id }, data: { availableAt: new Date(Date.now() - 1) } });
    expect((await queue().claim('w1', ['import'], 5_000))?.run.attempts).toBe(2);
    const last = await queue().fail(t, run.id, 'w1', '503 again', { retryable: true, retryInMs: 0 });
    expect(last.status).toBe('failed');

    const auth = await queue().enqueue(t, { kind: 'import', maxAttempts: 5 });
    await queue().claim('w1', ['import'], 5_000);
    const failed = await queue().fail(t, auth.run.id, 'w1', 'ExpiredToken', { retryable: false, retryInMs: 0 });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await suite.store.prisma.run.findUniqueOrThrow({ where: { id: auth.run.id } })).toMatchObject({
      status: 'failed',
      error: 'ExpiredToken',
    });
  });

  it('cancels a queued run at once and flags a running one; finished runs refuse', async () => {
    const t = await freshTenant();
    const queued = await queue().enqueue(t, { kind: 'check' });
    expect(await queue().cancel(t, queued.run.id)).toBe('cancelled');
    expect(await queue().claim('w1', ['check'], 5_000)).toBeNull();

    const running = await queue().enqueue(t, { kind: 'check' });
    await queue().claim('w1', ['check'], 5_000);
    expect(await queue().cancel(t, running.run.id)).toBe('requested');
    expect(await queue().cancel(t, running.run.id)).toBe('requested');
    expect(await queue().heartbeat(t, running.run.id, 'w1', 5_000)).toBe('cancel');
    // A run whose cancel was asked is not retried even when its failure is retryable: it ends cancelled.
    expect((await queue().fail(t, running.run.id, 'w1', 'aborted', { retryable: true, retryInMs: 0 })).status).toBe('cancelled');
    await expect(queue().cancel(t, running.run.id)).rejects.toThrow(RunStateError);
    await expect(queue().cancel('q1', running.run.id)).rejects.toThrow(/does not exist for tenant "q1"/);

    const foreground = await suite.store.prisma.run.create({ data: { id: `${running.run.id}f`, tenantId: t, kind: 'check', status: 'running' } });
    await expect(queue().cancel(t, foreground.id)).rejects.toThrow(RunCancelError);
  });

  it('releases a run on shutdown without counting the attempt', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'inventory' });
    await queue().claim('w1', ['inventory'], 5_000);
    expect(await queue().release(t, run.id, 'w1')).toBe('queued');
    expect(await suite.store.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    await drain();
  });

  it('enqueues the follow-up run in the same transaction as the completion', async () => {
    const t = await freshTenant();
    const { run } = await queue().enqueue(t, { kind: 'import' });
    await queue().claim('w1', ['import'], 5_000);
    const { followUp } = await queue().complete(t, run.id, 'w1', {}, { kind: 'check', params: { after: run.id } });
    expect(followUp).toMatchObject({ created: true, run: { kind: 'check', status: 'queued', params: { after: run.id } } });
    await drain();
  });
});
