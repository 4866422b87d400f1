import fs from 'node:fs';
import path from 'node:path';
import { LakeLayout } from '@openfinops/tenants';
import { beforeAll, expect, it } from 'vitest';
import { call, createUser, describeApi, login } from './api-harness.ts';

describeApi('admin API (platform admins)', (ctx) => {
  let admin = '';
  let adminId = '';

  beforeAll(async () => {
    adminId = await createUser(ctx.api, 'root@platform.example', { platformAdmin: true });
    admin = (await login(ctx.api, 'root@platform.example')).accessToken;
  });

  it('creates, lists, reads, suspends and resumes tenants, auditing each change', async () => {
    const created = await call(ctx.api, 'POST', '/admin/tenants', { token: admin, body: { id: 'onboard', name: 'Onboard Ltd' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'onboard', name: 'Onboard Ltd', status: 'active' });
    const dup = await call(ctx.api, 'POST', '/admin/tenants', { token: admin, body: { id: 'onboard', name: 'Again' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('TENANT_EXISTS');
    const bad = await call(ctx.api, 'POST', '/admin/tenants', { token: admin, body: { id: 'Bad Id', name: 'x' } });
    expect(bad.status).toBe(400);

    const list = await call(ctx.api, 'GET', '/admin/tenants', { token: admin });
    expect(list.body.tenants.map((t: { id: string }) => t.id)).toContain('onboard');
    expect((await call(ctx.api, 'GET', '/admin/tenants/onboard', { token: admin })).body.name).toBe('Onboard Ltd');
    expect((await call(ctx.api, 'GET', '/admin/tenants/missing-one', { token: admin })).status).toBe(404);
    expect((await call(ctx.api, 'GET', '/admin/tenants/..%2Fetc', { token: admin })).status).toBe(400);

    expect((await call(ctx.api, 'POST', '/admin/tenants/onboard/suspend', { token: admin })).body.status).toBe('suspended');
    expect((await call(ctx.api, 'POST', '/admin/tenants/onboard/resume', { token: admin })).body.status).toBe('active');

    const audit = await ctx.api.store.prisma.auditLog.findMany({ where: { target: 'tenant:onboard' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['tenant.create', 'tenant.set-status', 'tenant.set-status']);
    expect(audit.every((a) => a.actor === `user:${adminId}`)).toBe(true);
  });

  it('adds members (creating the user with a one-time password), lists and removes them', async () => {
    const added = await call(ctx.api, 'POST', '/admin/tenants/onboard/members', {
      token: admin,
      body: { email: 'New.Owner@onboard.example', role: 'owner' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: 'new.owner@onboard.example', role: 'owner' });
    expect(added.body.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const ownerToken = (await login(ctx.api, 'new.owner@onboard.example', added.body.oneTimePassword)).accessToken;
    expect((await call(ctx.api, 'GET', '/tenants/onboard/members', { token: ownerToken })).status).toBe(200);

    const members = await call(ctx.api, 'GET', '/admin/tenants/onboard/members', { token: admin });
    expect(members.body.members).toEqual([expect.objectContaining({ email: 'new.owner@onboard.example', role: 'owner' })]);

    const removed = await call(ctx.api, 'DELETE', `/admin/tenants/onboard/members/${added.body.userId}`, { token: admin });
    expect(removed.status).toBe(204);
    expect((await call(ctx.api, 'GET', '/tenants/onboard', { token: ownerToken })).status).toBe(404);
    expect((await call(ctx.api, 'DELETE', `/admin/tenants/onboard/members/${added.body.userId}`, { token: admin })).status).toBe(404);
    const actions = (await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'onboard' } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['member.add', 'member.remove']));
  });

  it('lets a platform admin who is not a member read tenant routes', async () => {
    const res = await call(ctx.api, 'GET', '/tenants/onboard', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.role).toBeNull();
  });

  it("deletes a tenant with its store rows and lake directories, keeping a platform-level audit entry", async () => {
    const lake = new LakeLayout(ctx.api.dataDir);
    const findingsDir = lake.findingsPartitionDir('onboard', '2026-11-01');
    fs.mkdirSync(findingsDir, { recursive: true });
    fs.writeFileSync(path.join(findingsDir, 'part-r1.parquet'), 'x');
    const neighbour = lake.findingsPartitionDir('other-tenant', '2026-11-01');
    fs.mkdirSync(neighbour, { recursive: true });

    const res = await call(ctx.api, 'DELETE', '/admin/tenants/onboard', { token: admin });
    expect(res.status).toBe(200);
    expect(fs.existsSync(lake.findingsTenantDir('onboard'))).toBe(false);
    expect(fs.existsSync(neighbour)).toBe(true);
    expect(await ctx.api.store.prisma.tenant.findUnique({ where: { id: 'onboard' } })).toBeNull();
    expect(await ctx.api.store.prisma.membership.count({ where: { tenantId: 'onboard' } })).toBe(0);
    const entry = await ctx.api.store.prisma.auditLog.findFirst({ where: { action: 'tenant.delete', target: 'tenant:onboard' } });
    expect(entry).toMatchObject({ tenantId: null, actor: `user:${adminId}` });
    expect((await call(ctx.api, 'DELETE', '/admin/tenants/onboard', { token: admin })).status).toBe(404);
  });
}, { kinds: ['pglite'] });
