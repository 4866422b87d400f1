import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { ConnectorAuthError } from '../../apps/api/src/connectors/billing-connector.ts';
import { ConnectorImportError, ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { FocusLakeRepository } from '../../apps/api/src/imports/focus-lake.repository.ts';
import { ImportStateRepository } from '../../apps/api/src/imports/import-state.repository.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { isolateAwsEnv } from '../collectors/aws-env.ts';
import { fixtureBytes, putCur1Delivery, putDataExportDelivery, splitCsvGz } from '../fakes/s3/cur-bucket.ts';
import { registerS3AccessKey, S3Fake } from '../fakes/s3/s3-fake.ts';
import { describeStores } from '../support/store-harness.ts';

const BUCKET = 'acme-billing';
const TENANT = 'acme';
const ACCESS_KEY = 'AKIAFINOPSCONNECTOR1';
const SECRET_KEY = 'connector-test-secret-key-0001';
// December 2023: November is the previous (still restated) month.
const NOW = new Date('2023-12-10T06:00:00Z');

const CUR_NOV = 'focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz'; // 1281 rows, 2023-11, 1.6823086974 USD
const CUR_MAR18 = 'logzio-aws-cost-and-usage/test-billing-report-2.csv.gz'; // 2660 rows, 2018-03, 1.237035988 USD

async function partFiles(layout: LakeLayout, period: string, source: string): Promise<string[]> {
  const dir = layout.focusPartitionDir(TENANT, { billingPeriod: period, provider: 'aws', source });
  return (await readdir(dir)).sort();
}

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateAwsEnv();
  registerS3AccessKey(ACCESS_KEY, SECRET_KEY);
});
afterAll(() => restoreEnv());

describeStores('AWS S3 connector import through ConnectorImportService', (suite) => {
  let fake: S3Fake;
  let layout: LakeLayout;
  let accounts: CloudAccountService;
  let imports: ConnectorImportService;
  let accountId: string;
  const box = new SecretBox(Buffer.alloc(32, 3));

  beforeAll(async () => {
    fake = await S3Fake.start([BUCKET]);
    layout = new LakeLayout(suite.testStore.dataDir);
    const registry = new ConnectorRegistry().register(new AwsS3BillingConnector({ maxAttempts: 3, retryDelayMs: () => 5, env: {} }));
    accounts = new CloudAccountService(suite.store, box, registry);
    imports = new ConnectorImportService(suite.store, layout, box, registry);
    await new TenantRepository(suite.store.prisma).create({ id: TENANT, name: 'Acme' });
    const s3 = fake.seedClient();
    await putCur1Delivery(s3, { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2023-11', assemblyId: 'a-nov-1', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }] });
    await putCur1Delivery(s3, { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2018-03', assemblyId: 'a-mar-1', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_MAR18) }] });
    const created = await accounts.create(
      TENANT,
      { provider: 'aws', name: 'Payer', options: { accountId: '111122223333', bucket: BUCKET, prefix: 'cur', exportName: 'hourly', exportType: 'cur1', endpoint: fake.endpoint }, secret: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } },
      'test',
    );
    accountId = created.account.id;
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('dry run lists periods and files without touching the lake or downloading data', async () => {
    const report = await accounts.test(TENANT, accountId, { actor: 'test', now: NOW });
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2023-11', '2018-03']);
    const nov = report.periods[0]!;
    expect(nov.format).toBe('aws-cur-v1');
    expect(nov.version).toMatch(/^a-nov-1:[0-9a-f]{16}$/);
    expect(nov.objects).toEqual([
      { key: 'cur/hourly/20231101-20231201/hourly-Manifest.json' },
      { key: 'cur/hourly/20231101-20231201/a-nov-1/hourly-00001.csv.gz', size: (await fixtureBytes(CUR_NOV)).length },
    ]);
    expect(report.checks.find((c) => c.name === 'open periods')?.detail).toBe('current 2023-12: not delivered yet; previous 2023-11: delivered');
    expect(fake.objectGets().every((r) => r.path.endsWith('-Manifest.json'))).toBe(true);
    await expect(stat(layout.focusTenantDir(TENANT))).rejects.toThrow(/ENOENT/);
    expect(await new ImportStateRepository(suite.store.prisma).list(TENANT)).toEqual([]);
    const view = await accounts.get(TENANT, accountId);
    expect(view).toMatchObject({ lastTestOk: true, lastError: null, hasSecret: true });
  });

  it('first import: every period imported, rows and BilledCost equal the fixtures\' expected totals', async () => {
    const report = await imports.importAccount(TENANT, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.totals])).toEqual([
      ['2023-11', 'imported', 1281, [{ currency: 'USD', rows: 1281, billedCost: '1.6823086974' }]],
      ['2018-03', 'imported', 2660, [{ currency: 'USD', rows: 2660, billedCost: '1.237035988' }]],
    ]);
    expect(report).toMatchObject({ imported: 2, skipped: 0, failed: 0 });
    const lake = await new FocusLakeRepository(layout).totals(TENANT);
    expect(lake.map((t) => [t.billingPeriod, t.rows, t.billedCost])).toEqual([
      ['2018-03', 2660, '1.237035988'],
      ['2023-11', 1281, '1.6823086974'],
    ]);
    // The partition is the account's: source=<AWS account id>.
    expect(await partFiles(layout, '2023-11', '111122223333')).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^part-${report.runId}-\\d+\\.parquet$`))]));
    expect(await readdir(layout.stagingDir(TENANT))).toEqual([]);
  });

  it('unchanged periods are skipped without downloading a data file', async () => {
    // A run dir left by a killed process two days ago goes; a fresh one (another run in flight) stays.
    const abandoned = path.join(layout.stagingDir(TENANT), 'connector-run_abandoned');
    const inFlight = path.join(layout.stagingDir(TENANT), 'connector-run_inflight');
    await mkdir(abandoned, { recursive: true });
    await mkdir(inFlight, { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    await utimes(abandoned, twoDaysAgo, twoDaysAgo);
    const before = fake.requests.length;
    const report = await imports.importAccount(TENANT, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.totals[0]?.billedCost])).toEqual([
      ['2023-11', 'skipped', 1281, '1.6823086974'],
      ['2018-03', 'skipped', 2660, '1.237035988'],
    ]);
    const during = fake.requests.slice(before).filter((r) => r.method === 'GET' && !r.query.has('list-type'));
    expect(during.map((r) => r.path).every((p) => p.endsWith('-Manifest.json'))).toBe(true);
    expect(during.length).toBe(2);
    expect(await readdir(layout.stagingDir(TENANT))).toEqual(['connector-run_inflight']);
    await rm(inFlight, { recursive: true });
  });

  it('a restated month (new assemblyId, different files) replaces its partition: no duplicated rows', async () => {
    const [a, b] = splitCsvGz(await fixtureBytes(CUR_NOV), 600) as [Buffer, Buffer];
    await putCur1Delivery(fake.seedClient(), { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2023-11', assemblyId: 'a-nov-2', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: a }, { name: 'hourly-00002.csv.gz', body: b }] });
    const report = await imports.importAccount(TENANT, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.files])).toEqual([
      ['2023-11', 'imported', 1281, 2],
      ['2018-03', 'skipped', 2660, 0],
    ]);
    const lake = await new FocusLakeRepository(layout).totals(TENANT, { billingPeriod: '2023-11' });
    expect(lake.map((t) => [t.rows, t.billedCost])).toEqual([[1281, '1.6823086974']]);
    const parts = await partFiles(layout, '2023-11', '111122223333');
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((f) => f.startsWith(`part-${report.runId}-`))).toBe(true);
    const state = await new ImportStateRepository(suite.store.prisma).find(TENANT, 'aws:111122223333:cur1:acme-billing/cur/hourly', '2023-11');
    expect(state?.version).toMatch(/^a-nov-2:/);
  });

  it('a delivery missing a listed file fails naming the key; the previous partition stays intact', async () => {
    const partsBefore = await partFiles(layout, '2023-11', '111122223333');
    await putCur1Delivery(fake.seedClient(), {
      bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2023-11', assemblyId: 'a-nov-3', account: '111122223333',
      files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }],
      missing: ['hourly-00002.csv.gz'],
    });
    const err = await imports.importAccount(TENANT, accountId, { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorImportError);
    const message = (err as Error).message;
    expect(message).toContain('s3://acme-billing/cur/hourly/20231101-20231201/a-nov-3/hourly-00002.csv.gz');
    expect(message).toContain('listed in s3://acme-billing/cur/hourly/20231101-20231201/hourly-Manifest.json');
    expect(message).toContain('missing from the bucket (NoSuchKey)');
    const report = (err as ConnectorImportError).report;
    expect(report.periods.map((p) => [p.billingPeriod, p.status])).toEqual([['2023-11', 'failed'], ['2018-03', 'skipped']]);
    expect(await partFiles(layout, '2023-11', '111122223333')).toEqual(partsBefore);
    const lake = await new FocusLakeRepository(layout).totals(TENANT, { billingPeriod: '2023-11' });
    expect(lake.map((t) => [t.rows, t.billedCost])).toEqual([[1281, '1.6823086974']]);
    expect((await accounts.get(TENANT, accountId)).lastError).toContain('hourly-00002.csv.gz');
    expect(await readdir(layout.stagingDir(TENANT))).toEqual([]);
  });

  it('retries a 503 SlowDown on a data file and imports once', async () => {
    // Repair November first (a complete delivery), then restate March with a throttled first download.
    await putCur1Delivery(fake.seedClient(), { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2023-11', assemblyId: 'a-nov-4', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }] });
    const { dataKeys } = await putCur1Delivery(fake.seedClient(), { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2018-03', assemblyId: 'a-mar-2', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_MAR18) }] });
    const key = dataKeys[0]!;
    fake.inject({ match: (r) => r.method === 'GET' && r.path === `/${BUCKET}/${key}`, status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' });
    const report = await imports.importAccount(TENANT, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows])).toEqual([
      ['2023-11', 'imported', 1281],
      ['2018-03', 'imported', 2660],
    ]);
    expect(fake.gets(BUCKET, key).map((r) => r.status)).toEqual([503, 200]);
    const lake = await new FocusLakeRepository(layout).totals(TENANT);
    expect(lake.map((t) => [t.billingPeriod, t.rows])).toEqual([['2018-03', 2660], ['2023-11', 1281]]);
    expect((await accounts.get(TENANT, accountId)).lastError).toBeNull();
  });

  it('throttling that outlasts the SDK retries is a ConnectorTransientError', async () => {
    fake.inject({ match: (r) => r.method === 'GET' && r.query.get('list-type') === '2', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', times: 3 });
    const err = await imports.importAccount(TENANT, accountId, { now: NOW }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConnectorTransientError');
    expect((err as Error).message).toMatch(/^ListObjectsV2 s3:\/\/acme-billing\/cur\/hourly\/: SlowDown \(HTTP 503\) after 3 attempt\(s\)/);
  });

  it('expired credentials fail at once with ConnectorAuthError naming the cause', async () => {
    fake.inject({ match: () => true, status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' });
    const err = await imports.importAccount(TENANT, accountId, { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorAuthError);
    expect((err as Error).message).toBe(
      'ListObjectsV2 s3://acme-billing/cur/hourly/: AWS refused the credentials (ExpiredToken, HTTP 400): The provided token has expired.',
    );
    expect((await accounts.get(TENANT, accountId)).lastError).toContain('ExpiredToken');
  });

  it('an unknown access key: import fails with ConnectorAuthError, dry run reports the failed check', async () => {
    const other = await accounts.create(
      TENANT,
      { provider: 'aws', name: 'Stale keys', options: { accountId: '444455556666', bucket: BUCKET, prefix: 'cur', exportName: 'hourly', exportType: 'cur1', endpoint: fake.endpoint }, secret: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'whatever-secret-1' } },
      'test',
    );
    const err = await imports.importAccount(TENANT, other.account.id, { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorAuthError);
    expect((err as Error).message).toMatch(/AWS refused the credentials \(InvalidAccessKeyId, HTTP 403\)/);
    const report = await accounts.test(TENANT, other.account.id, { actor: 'test', now: NOW });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'export location')).toMatchObject({ ok: false, detail: expect.stringMatching(/InvalidAccessKeyId/) });
    expect((await accounts.get(TENANT, other.account.id)).lastTestOk).toBe(false);
  });

  it('imports a CUR 2.0 Data Export (executionId, dataFiles) of another account', async () => {
    const body = await fixtureBytes('keboola-aws-cur-mock/cur_2_0/MockTestReportV2-00001.csv.gz');
    await putDataExportDelivery(fake.seedClient(), { bucket: BUCKET, prefix: 'exports', exportName: 'cur2', period: '2024-09', executionId: 'exec-1', account: '777788889999', files: [{ name: 'cur2-00001.csv.gz', body }] });
    const created = await accounts.create(
      TENANT,
      { provider: 'aws', name: 'CUR 2.0', options: { accountId: '777788889999', bucket: BUCKET, prefix: 'exports', exportName: 'cur2', exportType: 'cur2', endpoint: fake.endpoint }, secret: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } },
      'test',
    );
    const report = await imports.importAccount(TENANT, created.account.id, { now: new Date('2024-10-02T00:00:00Z') });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.totals])).toEqual([
      ['2024-09', 'imported', 4, [{ currency: 'USD', rows: 4, billedCost: '0.108304' }]],
    ]);
    expect(report.periods[0]?.version).toMatch(/^exec-1:/);
    expect(await partFiles(layout, '2024-09', '777788889999')).not.toEqual([]);
    // The same tenant's AWS accounts share one STS external id.
    expect(created.account.connection.externalId).toBe((await accounts.get(TENANT, accountId)).connection.externalId);
  });

  it('a run stopped during a period\'s FOCUS conversion ends with the stop; partition, ImportState and last result as before', async () => {
    const stateKey = 'aws:111122223333:cur1:acme-billing/cur/hourly';
    const states = new ImportStateRepository(suite.store.prisma);
    const partsBefore = await partFiles(layout, '2023-11', '111122223333');
    const stateBefore = await states.find(TENANT, stateKey, '2023-11');
    const lastErrorBefore = (await accounts.get(TENANT, accountId)).lastError;
    await putCur1Delivery(fake.seedClient(), { bucket: BUCKET, prefix: 'cur', exportName: 'hourly', period: '2023-11', assemblyId: 'a-nov-5', account: '111122223333', files: [{ name: 'hourly-00001.csv.gz', body: await fixtureBytes(CUR_NOV) }] });
    const controller = new AbortController();
    const onProgress = (message: string): void => {
      if (message.startsWith('2023-11: Converting to FOCUS')) controller.abort();
    };
    const err = await imports.importAccount(TENANT, accountId, { now: NOW, signal: controller.signal, onProgress }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(await partFiles(layout, '2023-11', '111122223333')).toEqual(partsBefore);
    expect(await states.find(TENANT, stateKey, '2023-11')).toEqual(stateBefore);
    expect(stateBefore?.version).toMatch(/^a-nov-4:/);
    expect((await accounts.get(TENANT, accountId)).lastError).toBe(lastErrorBefore);
    expect(await readdir(layout.stagingDir(TENANT))).toEqual([]);
  });
});

describe('AWS connector staging dir', () => {
  it('names staged files uniquely per data file', async () => {
    const { stagedFileName } = await import('../../apps/api/src/connectors/aws/cur-layout.ts');
    expect(stagedFileName(0, 'a/b/x-1.csv.gz')).toBe('00001-x-1.csv.gz');
    expect(path.basename(stagedFileName(1, 'a/c/x-1.csv.gz'))).toBe('00002-x-1.csv.gz');
  });
});
