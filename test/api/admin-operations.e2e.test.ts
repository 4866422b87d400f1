import path from 'node:path';
import { REPO_ROOT } from '@openfinops/tenants';
import { beforeAll, expect, it } from 'vitest';
import { CheckRunnerService } from '../../apps/api/src/checks/check-runner.service.ts';
import { call, createTenant, createUser, describeApi, login } from './api-harness.ts';

const GRAVITON = encodeURIComponent('aws/ec2-graviton');
const AWS_OPTIONS = {
  accountId: '123456789012',
  bucket: 'acme-billing',
  prefix: 'cur',
  exportName: 'hourly',
  exportType: 'cur2',
  region: 'us-east-1',
  // Nothing listens on port 9: the dry run must fail fast and say so, without leaving the machine.
  endpoint: 'http://127.0.0.1:9',
};

const PRINCIPAL_ARN = 'arn:aws:iam::210987654321:role/openfinops-platform';

describeApi('admin API: checker catalog and tenant settings, cloud accounts, schedules and runs', (ctx) => {
  let admin = '';
  let member = '';

  beforeAll(async () => {
    await createTenant(ctx.api, 'ops-a', 'Ops A');
    await createUser(ctx.api, 'root@ops.example', { platformAdmin: true });
    await createUser(ctx.api, 'member@ops.example', { tenantId: 'ops-a', role: 'owner' });
    admin = (await login(ctx.api, 'root@ops.example')).accessToken;
    member = (await login(ctx.api, 'member@ops.example')).accessToken;
  });

  it('lists the checker catalog with config schemas (platform admins only)', async () => {
    const res = await call(ctx.api, 'GET', '/admin/checkers', { token: admin });
    expect(res.status).toBe(200);
    const graviton = res.body.checkers.find((c: { id: string }) => c.id === 'aws/ec2-graviton');
    expect(graviton).toMatchObject({ provider: 'aws', inputs: { inventory: ['ec2-instances'], focus: false }, configSchema: { type: 'object' } });
    expect(res.body.checkers.length).toBeGreaterThanOrEqual(20);
    expect((await call(ctx.api, 'GET', '/admin/checkers', { token: member })).status).toBe(403);
  });

  it('disables a checker for one tenant (audited) and runAll skips it there', async () => {
    const before = await call(ctx.api, 'GET', `/admin/tenants/ops-a/checkers/${GRAVITON}`, { token: admin });
    expect(before.body).toMatchObject({ checkId: 'aws/ec2-graviton', enabled: true, config: {}, updatedBy: null });
    const put = await call(ctx.api, 'PUT', `/admin/tenants/ops-a/checkers/${GRAVITON}`, { token: admin, body: { enabled: false } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: false, config: {} });
    const list = await call(ctx.api, 'GET', '/admin/tenants/ops-a/checkers', { token: admin });
    expect(list.body.checkers.filter((c: { enabled: boolean }) => !c.enabled).map((c: { checkId: string }) => c.checkId)).toEqual(['aws/ec2-graviton']);

    const runner = new CheckRunnerService({ prisma: ctx.api.store.prisma, dataDir: ctx.api.dataDir });
    const result = await runner.runAll({
      tenantId: 'ops-a',
      inventoryFile: path.join(REPO_ROOT, 'test', 'fixtures', 'inventory', 'demo-full.json'),
      checkerIds: ['aws/ec2-graviton', 'aws/ebs-unattached'],
      now: new Date('2026-11-01T00:00:00Z'),
    });
    expect(result.entries.find((e) => e.checkerId === 'aws/ec2-graviton')).toMatchObject({ status: 'skipped', reason: 'disabled for this tenant' });
    expect(result.entries.some((e) => e.checkerId === 'aws/ebs-unattached' && e.status === 'succeeded')).toBe(true);

    const audit = await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'ops-a', action: 'checker.configure' } });
    expect(audit.map((a) => a.target)).toEqual(['checker:aws/ec2-graviton']);
  });

  it('refuses an invalid config (named by the checker), an unknown checker and a malformed id', async () => {
    const bad = await call(ctx.api, 'PUT', `/admin/tenants/ops-a/checkers/${GRAVITON}`, { token: admin, body: { enabled: true, config: { noSuchOption: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_CHECKER_CONFIG');
    expect(bad.body.error.message).toMatch(/aws\/ec2-graviton/);
    expect((await call(ctx.api, 'GET', `/admin/tenants/ops-a/checkers/${encodeURIComponent('aws/no-such-check')}`, { token: admin })).status).toBe(404);
    expect((await call(ctx.api, 'GET', '/admin/tenants/ops-a/checkers/graviton', { token: admin })).status).toBe(400);
  });

  it('creates a cloud account with a dry run, never returns its secret, updates and disables it; members read it', async () => {
    const created = await call(ctx.api, 'POST', '/admin/tenants/ops-a/accounts', {
      token: admin,
      body: { provider: 'aws', name: 'Payments', options: AWS_OPTIONS, secret: { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'super-secret-value-do-not-leak' }, test: true },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.text).not.toContain('super-secret-value-do-not-leak');
    expect(created.body.account).toMatchObject({ provider: 'aws', name: 'Payments', status: 'active', hasSecret: true });
    expect(created.body.test.ok).toBe(false);
    // FINOPS_AWS_PRINCIPAL_ARN reaches the API's account service: the trust policy names it, no placeholder note.
    expect(created.body.aws.trustPolicy.Statement[0].Principal).toEqual({ AWS: PRINCIPAL_ARN });
    expect(created.body.aws.note).toBeNull();
    const id = created.body.account.id as string;

    const renamed = await call(ctx.api, 'PATCH', `/admin/tenants/ops-a/accounts/${id}`, { token: admin, body: { name: 'Payments prod' } });
    expect(renamed.body.name).toBe('Payments prod');
    const disabled = await call(ctx.api, 'POST', `/admin/tenants/ops-a/accounts/${id}/disable`, { token: admin });
    expect(disabled.body.status).toBe('disabled');
    const tenantView = await call(ctx.api, 'GET', '/tenants/ops-a/accounts', { token: member });
    expect(tenantView.status).toBe(200);
    expect(tenantView.body.accounts).toEqual([expect.objectContaining({ id, name: 'Payments prod', status: 'disabled', hasSecret: true })]);
    expect(tenantView.text).not.toContain('super-secret-value-do-not-leak');
    const actions = (await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'ops-a', action: { startsWith: 'cloud-account.' } } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['cloud-account.create', 'cloud-account.disable']));
    const invalid = await call(ctx.api, 'POST', '/admin/tenants/ops-a/accounts', { token: admin, body: { provider: 'aws', name: 'x', options: { ...AWS_OPTIONS, bucket: 'Bad_Bucket' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/bucket/);
    // Every field at fault is listed, so the console marks them all at once.
    const twoBad = await call(ctx.api, 'POST', '/admin/tenants/ops-a/accounts', {
      token: admin,
      body: { provider: 'aws', name: 'x', options: { ...AWS_OPTIONS, bucket: 'Bad_Bucket', regions: ['mars-1'] } },
    });
    expect(twoBad.status).toBe(400);
    expect(twoBad.body.error.code).toBe('CLOUD_ACCOUNT_INVALID');
    expect((twoBad.body.error.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual(['options.bucket', 'options.regions.0']);
  });

  it("lets the tenant's owners and admins manage its accounts, schedules and members; only owners touch owners", async () => {
    await createUser(ctx.api, 'tadmin@ops.example', { tenantId: 'ops-a', role: 'admin' });
    await createUser(ctx.api, 'tanalyst@ops.example', { tenantId: 'ops-a', role: 'analyst' });
    const tenantAdmin = (await login(ctx.api, 'tadmin@ops.example')).accessToken;
    const analyst = (await login(ctx.api, 'tanalyst@ops.example')).accessToken;
    const account = await call(ctx.api, 'POST', '/admin/tenants/ops-a/accounts', {
      token: member,
      body: { provider: 'aws', name: 'Owner-made', options: { ...AWS_OPTIONS, accountId: '222233334444' } },
    });
    expect(account.status).toBe(201);
    expect((await call(ctx.api, 'POST', `/admin/tenants/ops-a/accounts/${account.body.account.id}/disable`, { token: tenantAdmin })).status).toBe(200);
    const schedule = await call(ctx.api, 'POST', '/admin/tenants/ops-a/schedules', { token: tenantAdmin, body: { kind: 'check', cron: '0 6 * * *' } });
    expect(schedule.status).toBe(201);
    expect((await call(ctx.api, 'DELETE', `/admin/tenants/ops-a/schedules/${schedule.body.id}`, { token: member })).status).toBe(204);
    // An analyst manages none of it; runs and tenant lifecycle stay with platform admins.
    expect((await call(ctx.api, 'POST', '/admin/tenants/ops-a/schedules', { token: analyst, body: { kind: 'check', cron: '0 6 * * *' } })).status).toBe(403);
    expect((await call(ctx.api, 'POST', '/admin/tenants/ops-a/runs', { token: member, body: { kind: 'check' } })).status).toBe(403);
    expect((await call(ctx.api, 'DELETE', '/admin/tenants/ops-a', { token: member })).status).toBe(403);

    const added = await call(ctx.api, 'POST', '/admin/tenants/ops-a/members', { token: tenantAdmin, body: { email: 'newviewer@ops.example', role: 'viewer' } });
    expect(added.status).toBe(201);
    const promote = await call(ctx.api, 'POST', '/admin/tenants/ops-a/members', { token: tenantAdmin, body: { email: 'newviewer@ops.example', role: 'owner' } });
    expect([promote.status, promote.body.error.code]).toEqual([403, 'OWNER_CHANGE_FORBIDDEN']);
    const ownerId = (await ctx.api.store.prisma.user.findUniqueOrThrow({ where: { email: 'member@ops.example' } })).id;
    expect((await call(ctx.api, 'DELETE', `/admin/tenants/ops-a/members/${ownerId}`, { token: tenantAdmin })).status).toBe(403);
    expect((await call(ctx.api, 'POST', '/admin/tenants/ops-a/members', { token: member, body: { email: 'newviewer@ops.example', role: 'owner' } })).status).toBe(201);
    expect((await call(ctx.api, 'DELETE', `/admin/tenants/ops-a/members/${added.body.userId}`, { token: member })).status).toBe(204);
  });

  it('triggers, lists, shows (with logs), cancels and retries runs; schedules are created, changed and removed', async () => {
    const triggered = await call(ctx.api, 'POST', '/admin/tenants/ops-a/runs', { token: admin, body: { kind: 'check' } });
    expect(triggered.status).toBe(201);
    expect(triggered.body).toMatchObject({ created: true, run: { kind: 'check', status: 'queued' } });
    const again = await call(ctx.api, 'POST', '/admin/tenants/ops-a/runs', { token: admin, body: { kind: 'check' } });
    expect(again.body).toMatchObject({ created: false, run: { id: triggered.body.run.id } });
    const runId = triggered.body.run.id as string;

    const cancelled = await call(ctx.api, 'POST', `/admin/tenants/ops-a/runs/${runId}/cancel`, { token: admin });
    expect(cancelled.body).toMatchObject({ outcome: 'cancelled', run: { status: 'cancelled' } });
    const shown = await call(ctx.api, 'GET', `/admin/tenants/ops-a/runs/${runId}`, { token: admin });
    expect(shown.body.status).toBe('cancelled');
    expect(shown.body.logs.map((l: { message: string }) => l.message).join('\n')).toMatch(/cancelled by user:/);
    const memberView = await call(ctx.api, 'GET', `/tenants/ops-a/runs/${runId}`, { token: member });
    expect(memberView.body).toEqual(shown.body);
    const retried = await call(ctx.api, 'POST', `/admin/tenants/ops-a/runs/${runId}/retry`, { token: admin });
    expect(retried.body).toMatchObject({ created: true, run: { kind: 'check', status: 'queued' } });
    expect(retried.body.run.id).not.toBe(runId);
    const listed = await call(ctx.api, 'GET', '/admin/tenants/ops-a/runs?status=queued', { token: admin });
    expect(listed.body.runs.map((r: { id: string }) => r.id)).toContain(retried.body.run.id);
    expect((await call(ctx.api, 'POST', `/admin/tenants/ops-a/runs/${runId}/cancel`, { token: admin })).status).toBe(409);
    expect((await call(ctx.api, 'GET', '/admin/tenants/ops-a/runs/no-such-run', { token: admin })).status).toBe(404);

    const schedule = await call(ctx.api, 'POST', '/admin/tenants/ops-a/schedules', { token: admin, body: { kind: 'check', cron: '0 6 * * *', timezone: 'Europe/Berlin' } });
    expect(schedule.status).toBe(201);
    expect(schedule.body).toMatchObject({ kind: 'check', cron: '0 6 * * *', timezone: 'Europe/Berlin', enabled: true });
    const paused = await call(ctx.api, 'PATCH', `/admin/tenants/ops-a/schedules/${schedule.body.id}`, { token: admin, body: { enabled: false } });
    expect(paused.body.enabled).toBe(false);
    expect((await call(ctx.api, 'POST', '/admin/tenants/ops-a/schedules', { token: admin, body: { kind: 'check', cron: 'every day' } })).status).toBe(400);
    expect((await call(ctx.api, 'DELETE', `/admin/tenants/ops-a/schedules/${schedule.body.id}`, { token: admin })).status).toBe(204);
    expect((await call(ctx.api, 'GET', '/admin/tenants/ops-a/schedules', { token: admin })).body.schedules).toEqual([]);
    const audited = (await ctx.api.store.prisma.auditLog.findMany({ where: { tenantId: 'ops-a', action: { startsWith: 'run.' } } })).map((a) => a.action);
    expect(audited).toEqual(expect.arrayContaining(['run.trigger', 'run.cancel', 'run.retry']));
  });
}, { env: { FINOPS_AWS_PRINCIPAL_ARN: PRINCIPAL_ARN } });
