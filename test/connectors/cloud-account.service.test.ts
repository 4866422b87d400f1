import { beforeAll, expect, it } from 'vitest';
import { LakeLayout } from '@openfinops/tenants';
import { CloudAccountExistsError, CloudAccountInputError, CloudAccountNotFoundError, CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { CloudAccountDisabledError, ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { SecretBox, SecretDecryptionError } from '../../apps/api/src/secrets/secret-box.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { TenantNotFoundError } from '../../apps/api/src/tenants/tenant.errors.ts';
import { describeStores } from '../support/store-harness.ts';

const AZURE = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: '66666666-7777-8888-9999-000000000000',
  scope: 'subscriptions/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};
const GCP_KEY = JSON.stringify({ type: 'service_account', client_email: 'billing@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' });

describeStores('CloudAccountService', (suite) => {
  let service: CloudAccountService;
  const box = new SecretBox(Buffer.alloc(32, 5));

  beforeAll(async () => {
    service = new CloudAccountService(suite.store, box, new ConnectorRegistry(), { awsPrincipalArn: 'arn:aws:iam::999999999999:role/openfinops' });
    const tenants = new TenantRepository(suite.store.prisma);
    await tenants.create({ id: 'alpha', name: 'Alpha' });
    await tenants.create({ id: 'beta', name: 'Beta' });
  });

  it('validates options per provider, naming the field', async () => {
    const aws = { bucket: 'b-ok', exportName: 'r', exportType: 'cur1' };
    await expect(service.create('alpha', { provider: 'aws', name: 'x', options: aws }, 't')).rejects.toThrow('Invalid options.accountId: is required when roleArn is not given');
    await expect(service.create('alpha', { provider: 'aws', name: 'x', options: { ...aws, accountId: '123456789012', roleArn: 'arn:aws:iam::210987654321:role/R' } }, 't')).rejects.toThrow(
      'Invalid options.roleArn: belongs to account 210987654321, not accountId 123456789012',
    );
    await expect(service.create('alpha', { provider: 'aws', name: 'x', options: { ...aws, accountId: '123456789012', exportType: 'cur3' } }, 't')).rejects.toThrow(/^Invalid options\.exportType: /);
    await expect(service.create('alpha', { provider: 'aws', name: 'x', options: { ...aws, accountId: '123456789012', colour: 'red' } }, 't')).rejects.toThrow('Invalid options: unknown option(s) colour');
    await expect(service.create('alpha', { provider: 'aws', name: 'x', options: { ...aws, accountId: '123456789012', endpoint: 'ftp://x' } }, 't')).rejects.toThrow('Invalid options.endpoint: must be an http(s) URL');
    await expect(service.create('alpha', { provider: 'gcp', name: 'x', options: { projectId: 'my-project', dataset: 'billing', table: 't' }, secret: { serviceAccountKey: 'not json secret' } }, 't')).rejects.toThrow(
      'Invalid secret.serviceAccountKey: must be the JSON key file of a service account (not valid JSON)',
    );
    await expect(service.create('alpha', { provider: 'gcp', name: 'x', options: { projectId: 'my-project', dataset: 'billing', table: 't' } }, 't')).rejects.toThrow(/^Invalid secret: a gcp account needs serviceAccountKey/);
    await expect(service.create('alpha', { provider: 'oracle', name: 'x', options: {} }, 't')).rejects.toBeInstanceOf(CloudAccountInputError);
    await expect(service.create('nope', { provider: 'azure', name: 'x', options: AZURE, secret: { clientSecret: 'client-secret-1' } }, 't')).rejects.toBeInstanceOf(TenantNotFoundError);
  });

  it('creates accounts of each provider; views never carry secrets; audit entries name the actor', async () => {
    const aws = await service.create('alpha', { provider: 'aws', name: ' Payer ', options: { roleArn: 'arn:aws:iam::123456789012:role/OpenFinOps', bucket: 'cur-bucket', prefix: '/cur/', exportName: 'hourly', exportType: 'cur2', regions: ['eu-west-1'] } }, 'user:1');
    expect(aws.account).toMatchObject({ provider: 'aws', externalId: '123456789012', name: 'Payer', status: 'active', hasSecret: false });
    expect(aws.account.connection).toMatchObject({ prefix: 'cur', region: 'us-east-1', regions: ['eu-west-1'] });
    expect(aws.aws?.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:role/openfinops' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': aws.aws?.externalId } } }],
    });
    expect(aws.aws?.permissionsPolicy).toMatchObject({ Statement: [{ Resource: 'arn:aws:s3:::cur-bucket' }, { Resource: 'arn:aws:s3:::cur-bucket/cur/hourly/*' }] });
    const gcp = await service.create('alpha', { provider: 'gcp', name: 'Project', options: { projectId: 'my-project', dataset: 'billing', table: 'gcp_billing_export_v1' }, secret: { serviceAccountKey: GCP_KEY } }, 'user:1');
    const azure = await service.create('alpha', { provider: 'azure', name: 'Sub', options: AZURE, secret: { clientSecret: 'azure-client-secret-1' } }, 'user:1');
    expect(gcp.account).toMatchObject({ externalId: 'my-project', hasSecret: true });
    expect(azure.account).toMatchObject({ externalId: AZURE.scope, hasSecret: true });
    const listed = JSON.stringify(await service.list('alpha'));
    expect(listed).not.toContain('azure-client-secret-1');
    expect(listed).not.toContain('PRIVATE KEY');
    const audit = await suite.store.prisma.auditLog.findMany({ where: { tenantId: 'alpha', action: 'cloud-account.create' } });
    expect(audit.map((a) => a.actor)).toEqual(['user:1', 'user:1', 'user:1']);
    expect(JSON.stringify(audit)).not.toContain('azure-client-secret-1');
    await expect(service.create('alpha', { provider: 'azure', name: 'Again', options: AZURE, secret: { clientSecret: 'azure-client-secret-2' } }, 't')).rejects.toBeInstanceOf(CloudAccountExistsError);
  });

  it('keeps tenants apart: another tenant cannot read, open, update or disable an account', async () => {
    const [first] = await service.list('alpha');
    await expect(service.get('beta', first!.id)).rejects.toBeInstanceOf(CloudAccountNotFoundError);
    await expect(service.openForConnector('beta', first!.id)).rejects.toBeInstanceOf(CloudAccountNotFoundError);
    await expect(service.update('beta', first!.id, { name: 'hijack' }, 't')).rejects.toBeInstanceOf(CloudAccountNotFoundError);
    await expect(service.disable('beta', first!.id, 't')).rejects.toBeInstanceOf(CloudAccountNotFoundError);
    expect((await service.get('alpha', first!.id)).name).not.toBe('hijack');
    expect(await suite.store.prisma.auditLog.count({ where: { tenantId: 'beta' } })).toBe(1);
  });

  it('updates options (merged, re-validated), the secret and the status; a copied ciphertext does not open', async () => {
    const azure = (await service.list('alpha')).find((a) => a.provider === 'azure')!;
    const renamed = await service.update('alpha', azure.id, { name: 'Renamed', options: { endpoint: 'http://127.0.0.1:9/' } }, 'user:2');
    expect(renamed).toMatchObject({ name: 'Renamed', connection: { ...AZURE, endpoint: 'http://127.0.0.1:9' } });
    await expect(service.update('alpha', azure.id, { options: { scope: 'tenants/x' } }, 't')).rejects.toThrow(/^Invalid options\.scope: /);
    await expect(service.update('alpha', azure.id, { secret: null }, 't')).rejects.toThrow(/^Invalid secret: a azure account needs clientSecret/);
    await service.update('alpha', azure.id, { secret: { clientSecret: 'rotated-secret-3' } }, 'user:2');
    const opened = await service.openForConnector('alpha', azure.id);
    expect(opened.connector.secret).toEqual({ clientSecret: 'rotated-secret-3' });
    expect(opened.redactor.redact('x rotated-secret-3 y')).toBe('x [REDACTED] y');
    // The ciphertext is bound to its row: pasted into another account it fails authentication.
    const gcp = (await service.list('alpha')).find((a) => a.provider === 'gcp')!;
    const row = await suite.store.prisma.cloudAccount.findFirstOrThrow({ where: { id: azure.id } });
    await suite.store.prisma.cloudAccount.update({ where: { id: gcp.id }, data: { secretCiphertext: row.secretCiphertext } });
    await expect(service.openForConnector('alpha', gcp.id)).rejects.toBeInstanceOf(SecretDecryptionError);
    const disabled = await service.disable('alpha', azure.id, 'user:2');
    expect(disabled.status).toBe('disabled');
    const imports = new ConnectorImportService(suite.store, new LakeLayout(suite.testStore.dataDir), box, new ConnectorRegistry());
    await expect(imports.importAccount('alpha', azure.id)).rejects.toBeInstanceOf(CloudAccountDisabledError);
    expect((await service.enable('alpha', azure.id, 'user:2')).status).toBe('active');
    const actions = (await suite.store.prisma.auditLog.findMany({ where: { tenantId: 'alpha', target: `cloud-account:${azure.id}` }, orderBy: { createdAt: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['cloud-account.create', 'cloud-account.update', 'cloud-account.update', 'cloud-account.disable', 'cloud-account.enable']);
  });

  it('a provider without a registered connector fails the dry run with a clear check, recorded on the account', async () => {
    const azure = (await service.list('alpha')).find((a) => a.provider === 'azure')!;
    const report = await service.test('alpha', azure.id, { actor: 't' });
    expect(report).toEqual({ ok: false, periods: [], checks: [{ name: 'connector', ok: false, detail: 'ConnectorUnavailableError: No billing connector is registered for provider "azure"' }] });
    expect(await service.get('alpha', azure.id)).toMatchObject({ lastTestOk: false, lastError: 'connector: ConnectorUnavailableError: No billing connector is registered for provider "azure"' });
  });
});
