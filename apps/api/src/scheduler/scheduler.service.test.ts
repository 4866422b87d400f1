import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { ScheduleRepository } from './schedule.repository.ts';
import { ScheduleService } from './schedule.service.ts';
import { SchedulerService } from './scheduler.service.ts';

describeStores('SchedulerService and ScheduleService', (suite) => {
  const logger = pino({ level: 'silent' });
  const repo = () => new ScheduleRepository(suite.store.prisma);
  const service = () => new ScheduleService(suite.store.prisma, repo(), new AuditLogRepository(suite.store.prisma));
  const scheduler = () => new SchedulerService(repo(), logger);

  beforeAll(async () => {
    const tenants = new TenantRepository(suite.store.prisma);
    await tenants.create({ id: 'sched', name: 'Sched' });
    await tenants.create({ id: 'other', name: 'Other' });
  });

  async function backdate(scheduleId: string, createdAt: string): Promise<void> {
    await suite.store.prisma.schedule.update({ where: { id: scheduleId }, data: { createdAt: new Date(createdAt) } });
  }

  it('validates cron, time zone and target, and audits every change', async () => {
    await expect(service().create('sched', { kind: 'check', cron: '0 0 3 * * *' }, 'test')).rejects.toThrow(/expected 5/);
    await expect(service().create('sched', { kind: 'check', cron: '0 3 * * *', timezone: 'Europe/Atlantis' }, 'test')).rejects.toThrow(
      /"Europe\/Atlantis" is not an IANA time zone/,
    );
    await expect(service().create('sched', { kind: 'backup' as never, cron: '0 3 * * *' }, 'test')).rejects.toThrow(/Invalid schedule kind: "backup"/);
    await expect(service().create('sched', { kind: 'import', cron: '0 3 * * *', cloudAccountId: 'nope' }, 'test')).rejects.toThrow(/has no cloud account "nope"/);

    const created = await service().create('sched', { kind: 'check', cron: '30 2 * * *', timezone: 'Europe/Berlin' }, 'user:ops');
    expect(created).toMatchObject({ kind: 'check', cron: '30 2 * * *', timezone: 'Europe/Berlin', enabled: true, lastEnqueuedAt: null });
    expect(created.nextRunAt).toBeInstanceOf(Date);
    const updated = await service().update('sched', created.id, { enabled: false, cron: '0 4 * * 1' }, 'user:ops');
    expect(updated).toMatchObject({ enabled: false, cron: '0 4 * * 1', timezone: 'Europe/Berlin' });
    await expect(service().get('other', created.id)).rejects.toThrow(/does not exist for tenant "other"/);
    await expect(service().remove('other', created.id, 'user:ops')).rejects.toThrow(/does not exist/);
    await service().remove('sched', created.id, 'user:ops');
    expect(await service().list('sched')).toEqual([]);
    const actions = (await suite.store.prisma.auditLog.findMany({ where: { tenantId: 'sched', target: created.id } })).map((a) => a.action).sort();
    expect(actions).toEqual(['schedule.create', 'schedule.delete', 'schedule.update']);
  });

  it('two schedulers ticking at the same moment enqueue a due slot exactly once', async () => {
    const s = await service().create('sched', { kind: 'import', cron: '0 * * * *' }, 'test');
    await backdate(s.id, '2026-05-01T09:30:00Z');
    const now = new Date('2026-05-01T10:00:20Z');
    const results = await Promise.all([scheduler().tick(now), scheduler().tick(now), scheduler().tick(now)]);
    const enqueued = results.flatMap((r) => r.enqueued).filter((e) => e.scheduleId === s.id);
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]!.slot.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    const runs = await suite.store.prisma.run.findMany({ where: { tenantId: 'sched', kind: 'import' } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'queued', params: { scheduleId: s.id, slot: '2026-05-01T10:00:00.000Z' } });

    // Same slot again: nothing. Next slot: one more (deduped against the still-queued run, but the slot is consumed).
    expect((await scheduler().tick(new Date('2026-05-01T10:30:00Z'))).enqueued.filter((e) => e.scheduleId === s.id)).toEqual([]);
    const next = (await scheduler().tick(new Date('2026-05-01T11:00:05Z'))).enqueued.filter((e) => e.scheduleId === s.id);
    expect(next).toMatchObject([{ created: false, runId: runs[0]!.id }]);
    expect((await repo().get('sched', s.id))?.lastEnqueuedAt?.toISOString()).toBe('2026-05-01T11:00:00.000Z');
    await service().remove('sched', s.id, 'test');
  });

  it('fires in the schedule time zone, never for slots before the schedule existed, and not when disabled', async () => {
    const s = await service().create('other', { kind: 'check', cron: '0 9 * * *', timezone: 'Asia/Tokyo' }, 'test');
    await backdate(s.id, '2026-05-01T01:00:00Z');
    // 09:00 in Tokyo is 00:00 UTC: the 2026-05-01 slot was before the schedule existed.
    expect((await scheduler().tick(new Date('2026-05-01T23:59:00Z'))).enqueued.filter((e) => e.scheduleId === s.id)).toEqual([]);
    await service().update('other', s.id, { enabled: false }, 'test');
    expect((await scheduler().tick(new Date('2026-05-02T00:00:30Z'))).enqueued.filter((e) => e.scheduleId === s.id)).toEqual([]);
    await service().update('other', s.id, { enabled: true }, 'test');
    const due = (await scheduler().tick(new Date('2026-05-02T00:00:30Z'))).enqueued.filter((e) => e.scheduleId === s.id);
    expect(due.map((e) => e.slot.toISOString())).toEqual(['2026-05-02T00:00:00.000Z']);
  });
});
