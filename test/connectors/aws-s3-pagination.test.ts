import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { FocusLakeRepository } from '../../apps/api/src/imports/focus-lake.repository.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { isolateAwsEnv } from '../collectors/aws-env.ts';
import { cur1AccountInput, cur1Folder, fixtureBytes, putCur1Delivery, splitCsvGz } from '../fakes/s3/cur-bucket.ts';
import { registerS3AccessKey, S3Fake } from '../fakes/s3/s3-fake.ts';
import { createTestStore, describeOnStore, type TestStore } from '../support/store-harness.ts';

const BUCKET = 'paged-billing';
const TENANT = 'paged';
const ACCESS_KEY = 'AKIAFINOPSPAGED00001';
const SECRET_KEY = 'paged-test-secret-key-0001';
const NOW = new Date('2023-12-10T06:00:00Z');
const CUR_NOV = 'focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz'; // 1281 rows, 2023-11, 1.6823086974 USD
/** Keys per ListObjectsV2 page: every listing below needs more than one page. */
const PAGE = 2;

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateAwsEnv();
  registerS3AccessKey(ACCESS_KEY, SECRET_KEY);
});
afterAll(() => restoreEnv());

// Listing does not depend on the store; one store kind is enough.
describeOnStore('pglite', 'AWS S3 connector: ListObjectsV2 pagination against s3rver', () => {
  let t: TestStore;
  let fake: S3Fake;
  let accounts: CloudAccountService;
  let imports: ConnectorImportService;
  let accountId: string;
  let dataKeys: string[];

  beforeAll(async () => {
    t = await createTestStore('pglite');
    fake = await S3Fake.start([BUCKET]);
    const box = new SecretBox(Buffer.alloc(32, 9));
    const registry = new ConnectorRegistry().register(new AwsS3BillingConnector({ maxAttempts: 2, retryDelayMs: () => 5, env: {}, listPageSize: PAGE }));
    accounts = new CloudAccountService(t.store, box, registry);
    imports = new ConnectorImportService(t.store, new LakeLayout(t.dataDir), box, registry);
    await new TenantRepository(t.store.prisma).create({ id: TENANT, name: 'Paged' });
    const s3 = fake.seedClient();
    // November's rows in five files (three listing pages), beside two period folders still being delivered (no manifest):
    // three folders, two pages of common prefixes.
    const parts = splitCsvGz(await fixtureBytes(CUR_NOV), 250, 500, 750, 1000);
    ({ dataKeys } = await putCur1Delivery(s3, {
      bucket: BUCKET,
      prefix: 'cur',
      exportName: 'hourly',
      period: '2023-11',
      assemblyId: 'nov-paged',
      account: '111122223333',
      files: parts.map((body, i) => ({ name: `hourly-0000${i + 1}.csv.gz`, body })),
    }));
    for (const period of ['2023-09', '2023-10']) {
      // Directly in the folder: s3rver only reports a common prefix for folders holding an object at their first level.
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `cur/hourly/${cur1Folder(period)}/upload-in-progress.csv.gz`, Body: parts[0] }));
    }
    const created = await accounts.create(
      TENANT,
      cur1AccountInput({ name: 'Paged payer', bucket: BUCKET, endpoint: fake.endpoint, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }),
      'test',
    );
    accountId = created.account.id;
  });
  afterAll(async () => {
    await fake?.close();
    await t?.dispose();
  });

  const listings = () => fake.requests.filter((r) => r.method === 'GET' && r.query.get('list-type') === '2');

  it('follows NextContinuationToken through every page of folders and data files', async () => {
    fake.requests.length = 0;
    const report = await accounts.test(TENANT, accountId, { actor: 'test', now: NOW });
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2023-11']);
    const objects = report.periods[0]!.objects;
    // The manifest, then all five data files, each with the size only the (paged) listing tells.
    expect(objects.slice(1).map((o) => o.key)).toEqual(dataKeys);
    for (const o of objects.slice(1)) expect(o.size).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.name === 'export location')?.detail).toBe('s3://paged-billing/cur/hourly/ is readable (3 folder(s))');

    const all = listings();
    for (const r of all) expect(r.query.get('max-keys')).toBe(String(PAGE));
    const dataListings = all.filter((r) => r.query.get('prefix') === `cur/hourly/${cur1Folder('2023-11')}/nov-paged/`);
    // 5 keys at 2 per page: 3 requests, the later two carrying the token of the page before.
    expect(dataListings.map((r) => r.query.has('continuation-token'))).toEqual([false, true, true]);
    const folderListings = all.filter((r) => r.query.get('prefix') === 'cur/hourly/' && r.query.get('delimiter') === '/');
    expect(folderListings.length).toBeGreaterThanOrEqual(2);
    expect(folderListings.filter((r) => r.query.has('continuation-token')).length).toBeGreaterThanOrEqual(1);
  });

  it('imports every row of a period whose files span several listing pages', async () => {
    const result = await imports.importAccount(TENANT, accountId, { now: NOW });
    expect(result.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.files])).toEqual([['2023-11', 'imported', 1281, 5]]);
    const totals = await new FocusLakeRepository(new LakeLayout(t.dataDir)).totals(TENANT);
    expect(totals.map((x) => [x.billingPeriod, x.rows, x.billedCost])).toEqual([['2023-11', 1281, '1.6823086974']]);
  });
});
