/**
 * `finops account …` and `finops import run` in-process, on PGlite and PostgreSQL, with a planted secret that must
 * never appear in any output: CLI stdout/stderr, --json documents, the service's views and dry-run reports, connector
 * logs, audit entries, stored rows and error messages (including an S3 error that echoes the secret back).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { openStore } from '../../apps/api/src/store/store.ts';
import { parseSecretKey, SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { isolateAwsEnv } from '../collectors/aws-env.ts';
import { fixtureBytes, putCur1Delivery } from '../fakes/s3/cur-bucket.ts';
import { registerS3AccessKey, S3Fake } from '../fakes/s3/s3-fake.ts';
import { runFinopsInProcess } from '../support/cli-in-process.ts';
import { createTestStore, describeOnStore, type TestStore } from '../support/index.ts';

const PLANTED = 'PLANTED-s3cr3t-9f8e7d6c5b4a';
const ACCESS_KEY = 'AKIAPLANTEDSECRET001';
const SECRET_KEY_HEX = 'c0'.repeat(32);
const BUCKET = 'planted-billing';
const TENANT = 'planted';

async function withStdin<T>(text: string, fn: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(text)]), configurable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
}

for (const kind of ['pglite', 'postgres'] as const) {
  describeOnStore(kind, 'finops account / import run with a planted secret', () => {
    let t: TestStore;
    let fake: S3Fake;
    let secretDir: string;
    let accountId = '';
    const env = { ...process.env };
    const seen: string[] = [];
    let restoreAws: () => void;

    async function cli(args: string[]) {
      const run = await runFinopsInProcess(args);
      seen.push(run.stdout, run.stderr);
      return run;
    }

    beforeAll(async () => {
      restoreAws = isolateAwsEnv();
      registerS3AccessKey(ACCESS_KEY, PLANTED);
      t = await createTestStore(kind);
      await t.store.prisma.tenant.create({ data: { id: TENANT, name: 'Planted' } });
      // The CLI opens the store itself; the embedded one allows one process at a time.
      await t.store.close();
      process.env.FINOPS_DATA_DIR = t.dataDir;
      process.env.FINOPS_SECRET_KEY = SECRET_KEY_HEX;
      if (t.databaseUrl) process.env.DATABASE_URL = t.databaseUrl;
      else delete process.env.DATABASE_URL;
      fake = await S3Fake.start([BUCKET]);
      await putCur1Delivery(fake.seedClient(), {
        bucket: BUCKET, prefix: '', exportName: 'daily', period: '2023-11', assemblyId: 'asm-1', account: '123412341234',
        files: [{ name: 'daily-00001.csv.gz', body: await fixtureBytes('focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz') }],
      });
      secretDir = await mkdtemp(path.join(os.tmpdir(), 'finops-secret-file-'));
    });
    afterAll(async () => {
      process.env = env;
      restoreAws();
      await fake?.close();
      await t?.dispose();
      await rm(secretDir, { recursive: true, force: true });
    });

    it('refuses secrets as arguments and names bad option fields', async () => {
      const argv = await cli(['account', 'add', '--tenant', TENANT, '--provider', 'azure', '--name', 'x', '--client-secret', PLANTED]);
      expect(argv.code).not.toBe(0);
      expect(argv.stderr).toMatch(/unknown option '--client-secret'/);
      const bad = await cli(['account', 'add', '--tenant', TENANT, '--provider', 'aws', '--name', 'x', '--account-id', '123412341234', '--bucket', 'B!', '--export-name', 'daily', '--export-type', 'cur1']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: Invalid options\.bucket: must be an S3 bucket name/);
      const wrongProvider = await cli(['account', 'add', '--tenant', TENANT, '--provider', 'aws', '--name', 'x', '--project-id', 'my-project']);
      expect(wrongProvider.stderr).toBe('error: --project-id is not an option of a aws account\n');
      const azureNoSecret = await cli(['account', 'add', '--tenant', TENANT, '--provider', 'azure', '--name', 'x', '--azure-tenant-id', '11111111-2222-3333-4444-555555555555', '--client-id', '11111111-2222-3333-4444-555555555555', '--scope', 'subscriptions/11111111-2222-3333-4444-555555555555']);
      expect(azureNoSecret.stderr).toMatch(/^error: Invalid secret: a azure account needs clientSecret/);
    });

    it('adds an AWS account with the secret from a file and prints the external id and trust policy', async () => {
      const file = path.join(secretDir, 'aws.json');
      await writeFile(file, JSON.stringify({ accessKeyId: ACCESS_KEY, secretAccessKey: PLANTED }), { mode: 0o600 });
      const run = await cli(['account', 'add', '--tenant', TENANT, '--provider', 'aws', '--name', 'Payer', '--account-id', '123412341234', '--bucket', BUCKET, '--export-name', 'daily', '--export-type', 'cur1', '--endpoint', fake.endpoint, '--secret-file', file, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const body = JSON.parse(run.stdout) as { id: string; hasSecret: boolean; connection: Record<string, unknown>; awsSetup: { externalId: string; trustPolicy: { Statement: Array<{ Condition: unknown }> } } };
      accountId = body.id;
      expect(body.hasSecret).toBe(true);
      expect(body.connection).toMatchObject({ bucket: BUCKET, exportType: 'cur1', externalId: body.awsSetup.externalId });
      expect(body.awsSetup.externalId).toMatch(/^openfinops-planted-[0-9a-f]{24}$/);
      expect(body.awsSetup.trustPolicy.Statement[0]?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': body.awsSetup.externalId } });
    });

    it('adds an Azure account with the client secret from stdin', async () => {
      const run = await withStdin(`${PLANTED}-azure\n`, () =>
        cli(['account', 'add', '--tenant', TENANT, '--provider', 'azure', '--name', 'Sub', '--azure-tenant-id', '11111111-2222-3333-4444-555555555555', '--client-id', '66666666-7777-8888-9999-000000000000', '--scope', '/subscriptions/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/', '--secret-stdin']),
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Added azure account [0-9a-f-]{36} \(Sub, subscriptions\/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\), secret stored encrypted\n/);
    });

    it('lists and shows accounts with hasSecret only', async () => {
      const list = await cli(['account', 'list', '--tenant', TENANT, '--json']);
      const accounts = JSON.parse(list.stdout) as Array<{ provider: string; hasSecret: boolean }>;
      expect(accounts.map((a) => [a.provider, a.hasSecret])).toEqual([['aws', true], ['azure', true]]);
      const table = await cli(['account', 'list', '--tenant', TENANT]);
      expect(table.stdout).toContain('123412341234');
      const show = await cli(['account', 'show', accountId, '--tenant', TENANT]);
      expect(show.stdout).toContain('"sts:ExternalId"');
    });

    it('account update: merged options, a new secret from stdin, wrong-provider flags refused', async () => {
      const run = await withStdin(JSON.stringify({ accessKeyId: ACCESS_KEY, secretAccessKey: PLANTED }), () =>
        cli(['account', 'update', accountId, '--tenant', TENANT, '--name', 'Payer (renamed)', '--region', 'eu-west-1', '--secret-stdin', '--json']),
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ name: 'Payer (renamed)', hasSecret: true, connection: { bucket: BUCKET, region: 'eu-west-1' } });
      const back = await cli(['account', 'update', accountId, '--tenant', TENANT, '--region', 'us-east-1']);
      expect(back.stdout).toBe(`Updated account ${accountId} (Payer (renamed)), secret stored encrypted\n`);
      const regions = await cli(['account', 'update', accountId, '--tenant', TENANT, '--option', 'regions=["eu-west-1","us-east-2"]', '--json']);
      expect(JSON.parse(regions.stdout)).toMatchObject({ connection: { regions: ['eu-west-1', 'us-east-2'] } });
      const unknown = await cli(['account', 'update', accountId, '--tenant', TENANT, '--option', 'colour=red']);
      expect(unknown.stderr).toBe('error: Invalid options: unknown option(s) colour\n');
      const wrong = await cli(['account', 'update', accountId, '--tenant', TENANT, '--scope', 'subscriptions/x']);
      expect(wrong.stderr).toBe('error: --scope is not an option of a aws account\n');
    });

    it('account test: dry run report, nothing imported', async () => {
      const run = await cli(['account', 'test', accountId, '--tenant', TENANT, '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { ok: boolean; periods: Array<{ billingPeriod: string; objects: Array<{ key: string; size?: number }> }> };
      expect(report.ok).toBe(true);
      expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2023-11']);
      expect(report.periods[0]?.objects.map((o) => o.key)).toEqual(['daily/20231101-20231201/daily-Manifest.json', 'daily/20231101-20231201/asm-1/daily-00001.csv.gz']);
      const text = await cli(['account', 'test', accountId, '--tenant', TENANT]);
      expect(text.stdout).toMatch(/Connection OK: 1 period\(s\) found, nothing imported/);
    });

    it('import run prints per period imported/skipped, rows and BilledCost', async () => {
      const first = await cli(['import', 'run', '--tenant', TENANT, '--account', accountId, '--json']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const doc = JSON.parse(first.stdout) as { accounts: Array<{ periods: Array<{ billingPeriod: string; status: string; rows: number; totals: unknown[] }> }>; failures: string[] };
      expect(doc.failures).toEqual([]);
      expect(doc.accounts[0]?.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.totals])).toEqual([
        ['2023-11', 'imported', 1281, [{ currency: 'USD', rows: 1281, billedCost: '1.6823086974' }]],
      ]);
      const again = await cli(['import', 'run', '--tenant', TENANT, '--account', accountId]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/│ 2023-11\s+│ skipped │ 1281 │ 1\.6823086974 USD │/);
      expect(again.stdout).toMatch(new RegExp(`${accountId} \\(aws\\): 0 imported, 1 skipped, 0 failed`));
      // The file import keeps working beside the new subcommand.
      const plain = await cli(['import', 'run-missing.csv', '--tenant', TENANT]);
      expect(plain.stderr).toMatch(/run-missing\.csv: no such file or directory/);
      const noTenant = await cli(['import', 'run']);
      expect(noTenant.stderr).toBe("error: required option '--tenant <id>' not specified\n");
    });

    it('an S3 error that echoes the secret is redacted in CLI output, stored errors and audit entries', async () => {
      fake.inject({ match: () => true, status: 403, code: 'AccessDenied', message: `Access denied for secret ${PLANTED}` });
      const run = await cli(['import', 'run', '--tenant', TENANT, '--account', accountId]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/AWS refused the credentials \(AccessDenied, HTTP 403\): Access denied for secret \[REDACTED\]/);
      const list = await cli(['account', 'list', '--tenant', TENANT, '--json']);
      expect(list.stdout).toContain('[REDACTED]');
      fake.inject({ match: () => true, status: 403, code: 'AccessDenied', message: `Access denied for secret ${PLANTED}` });
      const test = await cli(['account', 'test', accountId, '--tenant', TENANT, '--json']);
      expect(test.code).toBe(2);
      expect(test.stdout).toContain('[REDACTED]');
    });

    it('the planted secret appears nowhere: outputs, service views, reports, logs, audit, stored rows', async () => {
      const store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
      try {
        const box = new SecretBox(parseSecretKey(SECRET_KEY_HEX));
        const registry = new ConnectorRegistry().register(new AwsS3BillingConnector({ env: {} }));
        const service = new CloudAccountService(store, box, registry);
        const logs: string[] = [];
        const log = { info: (m: string, f?: Record<string, unknown>) => logs.push(JSON.stringify([m, f])), warn: (m: string, f?: Record<string, unknown>) => logs.push(JSON.stringify([m, f])) };
        const views = await service.list(TENANT);
        const one = await service.get(TENANT, accountId);
        const report = await service.test(TENANT, accountId, { actor: 'test', log });
        fake.inject({ match: (r) => r.method === 'GET' && r.path.endsWith('.csv.gz'), status: 403, code: 'AccessDenied', message: `echo ${PLANTED}` });
        await putCur1Delivery(fake.seedClient(), {
          bucket: BUCKET, prefix: '', exportName: 'daily', period: '2023-11', assemblyId: 'asm-2', account: '123412341234',
          files: [{ name: 'daily-00001.csv.gz', body: await fixtureBytes('focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz') }],
        });
        const failed = await new ConnectorImportService(store, new LakeLayout(t.dataDir), box, registry).importAccount(TENANT, accountId, { log }).catch((e: unknown) => e as Error);
        expect(failed).toBeInstanceOf(Error);
        expect((failed as Error).message).toContain('[REDACTED]');
        const audit = await store.prisma.auditLog.findMany({ where: { tenantId: TENANT } });
        expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['cloud-account.create', 'cloud-account.test']));
        const rows = await store.prisma.cloudAccount.findMany({ where: { tenantId: TENANT } });
        expect(rows.every((r) => r.secretCiphertext?.startsWith('v1.'))).toBe(true);
        expect(report.ok).toBe(true);
        expect(logs.length).toBeGreaterThan(0);
        const everything = [
          ...seen,
          JSON.stringify(views),
          JSON.stringify(one),
          JSON.stringify(report),
          ...logs,
          (failed as Error).message,
          (failed as Error).stack ?? '',
          JSON.stringify(audit),
          JSON.stringify(rows),
        ].join('\n');
        expect(everything).not.toContain(PLANTED);
        expect(everything).not.toContain(encodeURIComponent(PLANTED));
      } finally {
        await store.close();
      }
    });
  });
}
