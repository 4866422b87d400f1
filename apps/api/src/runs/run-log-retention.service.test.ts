import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { RunLogRetentionService } from './run-log-retention.service.ts';
import { RunLogRepository } from './run-log.repository.ts';
import { RunRepository } from './run.repository.ts';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describeStores('run log retention', (suite) => {
  const logs = () => new RunLogRepository(suite.store.prisma);
  const runs = () => new RunRepository(suite.store.prisma);

  beforeAll(async () => {
    const tenants = new TenantRepository(suite.store.prisma);
    await tenants.create({ id: 'keep', name: 'Keep' });
    await tenants.create({ id: 'other', name: 'Other' });
  });

  async function runWithLogs(tenantId: string, ages: number[]): Promise<string> {
    const run = await runs().create(tenantId, { kind: 'check' });
    await logs().append(
      tenantId,
      run.id,
      ages.map((age) => ({ at: daysAgo(age), level: 'info' as const, message: `written ${age} days ago` })),
    );
    return run.id;
  }

  const messages = async (tenantId: string, runId: string) => (await logs().list(tenantId, runId)).map((l) => l.message);

  it('deletes log lines past the retention of every tenant, in batches, and keeps the runs and the recent lines', async () => {
    const old = await runWithLogs('keep', [200, 120, 91, 89, 1]);
    const otherTenant = await runWithLogs('other', [95, 30]);

    const deleted = await logs().pruneOlderThan(daysAgo(90), 2);

    expect(deleted).toBe(4);
    expect(await messages('keep', old)).toEqual(['written 89 days ago', 'written 1 days ago']);
    expect(await messages('other', otherTenant)).toEqual(['written 30 days ago']);
    expect(await runs().get('keep', old)).toMatchObject({ id: old, kind: 'check' });
    expect(await runs().get('other', otherTenant)).toMatchObject({ id: otherTenant });
    expect(await logs().pruneOlderThan(daysAgo(90), 2)).toBe(0);
  });

  it('prunes at most once per interval in a process, at the configured number of days', async () => {
    // 100 days: every line the test above kept is younger, so the counts below are this test's own lines.
    const retention = new RunLogRetentionService(logs(), 100, pino({ level: 'silent' }), 3600_000);
    expect(retention.cutoff(NOW)).toEqual(daysAgo(100));
    const first = await runWithLogs('keep', [101, 99]);
    expect(await retention.pruneIfDue(NOW)).toBe(1);
    expect(await messages('keep', first)).toEqual(['written 99 days ago']);

    const second = await runWithLogs('keep', [120]);
    // Within the hour: not due, nothing is read or deleted.
    expect(await retention.pruneIfDue(new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(await messages('keep', second)).toEqual(['written 120 days ago']);
    // An hour later the 120-day-old line goes (and the 99-day-old one, now 99 days and an hour old, stays).
    expect(await retention.pruneIfDue(new Date(NOW.getTime() + 3600_000))).toBe(1);
    expect(await messages('keep', second)).toEqual([]);
    expect(await messages('keep', first)).toEqual(['written 99 days ago']);
  });

  it('refuses a retention below one day', () => {
    expect(() => new RunLogRetentionService(logs(), 0, pino({ level: 'silent' }))).toThrow(/whole number of days >= 1, got 0/);
  });
});
