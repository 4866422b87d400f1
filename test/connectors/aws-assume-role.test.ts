import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsS3BillingConnector } from '../../apps/api/src/connectors/aws/aws-s3-billing.connector.ts';
import { ConnectorAuthError, type ConnectorAccount, type ConnectorContext } from '../../apps/api/src/connectors/billing-connector.ts';
import { isolateAwsEnv, PLATFORM_ACCESS_KEY } from '../collectors/aws-env.ts';
import { Ec2QueryServer } from '../fakes/ec2/ec2-query-server.ts';
import { fixtureBytes, putCur1Delivery } from '../fakes/s3/cur-bucket.ts';
import { registerS3AccessKey, S3Fake } from '../fakes/s3/s3-fake.ts';

const ACCOUNT = '210987654321';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/OpenFinOpsBilling`;
const EXTERNAL_ID = 'openfinops-acme-0123456789abcdef01234567';
const BUCKET = 'role-billing';

function account(externalId: string): ConnectorAccount {
  return {
    id: 'acc-role',
    tenantId: 'acme',
    provider: 'aws',
    externalId: ACCOUNT,
    connection: { roleArn: ROLE, externalId, bucket: BUCKET, prefix: 'cur', exportName: 'r', exportType: 'cur1' },
    secret: null,
  };
}

function ctx(a: ConnectorAccount): ConnectorContext {
  return { account: a, stagingDir: os.tmpdir(), now: new Date('2023-12-01T00:00:00Z'), log: { info: () => {}, warn: () => {} } };
}

describe('AWS connector with a role ARN: STS AssumeRole with the tenant external id', () => {
  let restoreEnv: () => void;
  let s3: S3Fake;
  let sts: Ec2QueryServer;

  beforeAll(async () => {
    restoreEnv = isolateAwsEnv();
    s3 = await S3Fake.start([BUCKET]);
    await putCur1Delivery(s3.seedClient(), { bucket: BUCKET, prefix: 'cur', exportName: 'r', period: '2023-11', assemblyId: 'asm', account: ACCOUNT, files: [{ name: 'r-00001.csv.gz', body: await fixtureBytes('focus-converters/aws-cur1_sample-anonymous-aws-export-dataset.csv.gz') }] });
    // The STS fake answers AssumeRole (only for the right external id) and issues ASIAFAKE… session keys.
    sts = await Ec2QueryServer.start({ regions: {}, selfAccountId: ACCOUNT, expectedExternalId: EXTERNAL_ID });
    registerS3AccessKey('ASIAFAKE000000000001', 'fake-secret');
    process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
  });
  afterEach(() => {
    s3.requests.length = 0;
  });
  afterAll(async () => {
    restoreEnv();
    delete process.env.AWS_ENDPOINT_URL_STS;
    delete process.env.AWS_ENDPOINT_URL_S3;
    await s3?.close();
    await sts?.close();
  });

  it('assumes the role once per run with the external id; S3 sees only the session (endpoint from AWS_ENDPOINT_URL_S3)', async () => {
    const connector = new AwsS3BillingConnector({ retryDelayMs: () => 5 });
    const a = account(EXTERNAL_ID);
    const report = await connector.test(ctx(a));
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.checks[0]).toMatchObject({ name: 'credentials', ok: true, detail: expect.stringMatching(`^AssumeRole ${ROLE}: resolved, valid until `) });
    await connector.discover(ctx(a));
    const assume = sts.requests.filter((r) => r.service === 'sts');
    expect(assume).toHaveLength(1);
    expect(assume[0]!.params).toMatchObject({ Action: 'AssumeRole', RoleArn: ROLE, ExternalId: EXTERNAL_ID, RoleSessionName: 'openfinops-acme' });
    expect(assume[0]!.accessKeyId).toBe(PLATFORM_ACCESS_KEY);
    expect(s3.requests.length).toBeGreaterThan(0);
    expect(new Set(s3.requests.map((r) => r.accessKeyId))).toEqual(new Set(['ASIAFAKE000000000001']));
  });

  it('a trust policy that refuses the external id is a ConnectorAuthError before any S3 call', async () => {
    const connector = new AwsS3BillingConnector({ retryDelayMs: () => 5 });
    const a = account('openfinops-other-tenant-id');
    const report = await connector.test(ctx(a));
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([{ name: 'credentials', ok: false, detail: expect.stringMatching(/AWS refused the credentials \(AccessDenied.*sts:AssumeRole/) }]);
    await expect(connector.discover(ctx(a))).rejects.toBeInstanceOf(ConnectorAuthError);
    expect(s3.requests).toHaveLength(0);
  });
});
