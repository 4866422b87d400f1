import { InvalidTenantIdError } from '@openfinops/tenants';
import { expect, it } from 'vitest';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { TenantAlreadyExistsError, TenantNotFoundError } from './tenant.errors.ts';
import { TenantRepository } from './tenant.repository.ts';
import { TenantService } from './tenant.service.ts';

describeStores('TenantRepository', (suite) => {
  const repo = () => new TenantRepository(suite.store.prisma);

  it('creates, gets, lists and changes status, auditing each change', async () => {
    const created = await repo().create({ id: 'acme', name: '  Acme Corp ' }, 'cli');
    expect(created).toMatchObject({ id: 'acme', name: 'Acme Corp', status: 'active' });
    await repo().create({ id: 'beta-co', name: 'Beta' });

    expect(await repo().get('acme')).toMatchObject({ id: 'acme', name: 'Acme Corp' });
    expect(await repo().get('nope')).toBeNull();
    expect((await repo().list()).map((t) => t.id)).toEqual(['acme', 'beta-co']);

    const suspended = await repo().setStatus('acme', 'suspended', 'admin@example.com');
    expect(suspended.status).toBe('suspended');
    expect((await repo().get('acme'))?.status).toBe('suspended');

    const audit = await suite.store.prisma.auditLog.findMany({ where: { tenantId: 'acme' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['tenant.create', 'cli'],
      ['tenant.set-status', 'admin@example.com'],
    ]);
  });

  it('refuses a duplicate id with an error naming it, and leaves no second audit entry', async () => {
    await repo().create({ id: 'dup', name: 'First' });
    const err = await repo()
      .create({ id: 'dup', name: 'Second' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantAlreadyExistsError);
    expect((err as Error).message).toBe('Tenant "dup" already exists');
    expect((await repo().get('dup'))?.name).toBe('First');
    expect(await suite.store.prisma.auditLog.count({ where: { tenantId: 'dup' } })).toBe(1);
  });

  it('validates ids and names before touching the database', async () => {
    await expect(repo().create({ id: '../etc', name: 'x' })).rejects.toThrow(InvalidTenantIdError);
    await expect(repo().create({ id: 'Upper', name: 'x' })).rejects.toThrow(/Invalid tenant id "Upper"/);
    await expect(repo().create({ id: 'no-name', name: '   ' })).rejects.toThrow(/tenant "no-name": name is required/);
    await expect(repo().get('../x')).rejects.toThrow(InvalidTenantIdError);
  });

  it('names the tenant when changing the status of a missing one', async () => {
    await expect(repo().setStatus('ghost', 'suspended')).rejects.toThrow(TenantNotFoundError);
    await expect(new TenantService(repo()).get('ghost')).rejects.toThrow('Tenant "ghost" does not exist');
    await expect(new TenantService(repo()).setStatus('acme', 'deleted')).rejects.toThrow(/Invalid tenant status "deleted"/);
  });
});
