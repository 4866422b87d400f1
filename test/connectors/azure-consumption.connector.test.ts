/**
 * The Azure Consumption connector with the real @azure/arm-consumption client against the local ARM fake
 * (test/fakes/arm), usage details built from the repo's EA cost details fixture. The SDK's bearer-token policy is
 * swapped for a test policy (the SDK refuses bearer tokens over plain HTTP); everything else is the SDK's own pipeline.
 * Staged CSVs go through ImportService on both stores and must reconcile to the fixture's totals.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FocusLakeRepository, TenantRepository } from '@openfinops/api';
import { LakeLayout } from '@openfinops/tenants';
import { ConnectorAuthError, type ConnectorContext, type DiscoveredPeriod } from '../../apps/api/src/connectors/billing-connector.ts';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { type AzurePipelinePolicy, AzureConsumptionConnector } from '../../apps/api/src/connectors/azure/azure-consumption.connector.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { ArmFake, EA_ACTUAL, eaFixtureItems, RawNumber, type UsageDetailItem } from '../fakes/arm/arm-fake.ts';
import { describeStores } from '../support/index.ts';

const EXPECTED = JSON.parse(await readFile(path.join(path.dirname(EA_ACTUAL), 'EXPECTED_TOTALS.json'), 'utf8')) as Record<string, { rows: number; sum_Cost: string }>;
const EA = Object.values(EXPECTED).find((e) => e.rows === 11) ?? { rows: 0, sum_Cost: 'NaN' };
const SCOPE = 'providers/Microsoft.Billing/billingAccounts/8611537';
const SECRET = 'client-secret-value-1';
/** Early October 2023: current month 2023-10 (no usage yet), previous 2023-09 (the fixture's month). */
const NOW = new Date('2023-10-05T08:00:00Z');
const FAST_RETRY = { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 200 };

/** What the test pipeline sends instead of an Entra ID token: derived from the secret, so a wrong secret is refused. */
function tokenFor(secret: string): string {
  return `fake-arm-token:${secret}`;
}

function testAuthPolicy(secret: string): AzurePipelinePolicy {
  return {
    name: 'testBearerTokenPolicy',
    sendRequest: (request, next) => {
      request.headers.set('authorization', `Bearer ${tokenFor(secret)}`);
      // The pipeline also refuses plain HTTP unless the request allows it; only this test policy does.
      request.allowInsecureConnection = true;
      return next(request);
    },
  };
}

function context(fake: ArmFake, stagingDir: string, connection: Record<string, unknown> = {}): ConnectorContext {
  return {
    account: {
      id: 'acct-az-1',
      tenantId: 'az-conn',
      provider: 'azure',
      externalId: '8611537',
      connection: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-3333-4444-555555555555', scope: `/${SCOPE}`, endpoint: fake.url, ...connection },
      secret: { clientSecret: SECRET },
    },
    stagingDir,
    now: NOW,
    log: { info: () => undefined, warn: () => undefined },
  };
}

function newFake(): ArmFake {
  return new ArmFake({ scope: SCOPE, token: tokenFor(SECRET), data: eaFixtureItems(SCOPE), pageSize: 4 });
}

function dataLines(text: string): string[] {
  return text.trimEnd().split('\n').slice(1);
}

describe('AzureConsumptionConnector against the ARM fake', () => {
  let fake: ArmFake;
  let staging: string;
  const connector = new AzureConsumptionConnector({ authPolicy: testAuthPolicy(SECRET), retry: FAST_RETRY });

  beforeEach(async () => {
    fake = newFake();
    await fake.start();
    staging = await mkdtemp(path.join(os.tmpdir(), 'finops-az-stage-'));
  });
  afterEach(async () => {
    await fake.stop();
    await rm(staging, { recursive: true, force: true });
  });

  it('discovers the previous and current month, versioned by count, sums and a content digest', async () => {
    const periods = await connector.discover(context(fake, staging));
    expect(periods.map((p) => p.billingPeriod)).toEqual(['2023-09']);
    expect(periods[0]?.version).toMatch(new RegExp(`^rows=11;USD=${EA.sum_Cost.replace('.', '\\.')};digest=[0-9a-f]{32}$`));
    expect(periods[0]).toMatchObject({ sourceKey: `consumption:${SCOPE}`, format: 'azure-cost-details' });
    const listed = fake.requests.map((r) => [r.query['$filter'], r.query['$skiptoken'] ?? '']);
    // October (empty) then September over 3 pages of 4, following nextLink.
    expect(listed).toEqual([
      ["properties/usageStart ge '2023-10-01' and properties/usageEnd le '2023-10-31'", ''],
      ["properties/usageStart ge '2023-09-01' and properties/usageEnd le '2023-09-30'", ''],
      ["properties/usageStart ge '2023-09-01' and properties/usageEnd le '2023-09-30'", '4'],
      ["properties/usageStart ge '2023-09-01' and properties/usageEnd le '2023-09-30'", '8'],
    ]);
    expect(fake.requests.every((r) => r.query['metric'] === 'actualcost' && r.query['api-version'] === '2021-10-01')).toBe(true);
    // Same data, same version; a restated row changes it.
    const again = await connector.discover(context(fake, staging));
    expect(again[0]?.version).toBe(periods[0]?.version);
    const row = fake.data.actualcost[3] as UsageDetailItem;
    (row['properties'] as Record<string, unknown>)['resourceGroup'] = 'rg-renamed';
    const restated = await connector.discover(context(fake, staging));
    expect(restated[0]?.version.split(';digest')[0]).toBe(periods[0]?.version.split(';digest')[0]);
    expect(restated[0]?.version).not.toBe(periods[0]?.version);
  });

  it('stages actual and amortized cost details CSVs with every digit the API sent', async () => {
    // A quantity with 21 significant digits: a double would keep 17 at most.
    const precise = fake.data.actualcost.find((i) => String((i['properties'] as { quantity?: RawNumber }).quantity?.text) === '0.0004');
    if (!precise) throw new Error('fixture row with quantity 0.0004 missing');
    (precise['properties'] as Record<string, unknown>)['quantity'] = new RawNumber('0.00040000000000000000001');
    const [september] = await connector.discover(context(fake, staging));
    fake.requests.length = 0;
    const staged = await connector.stage(context(fake, staging), september as DiscoveredPeriod);
    expect(staged.format).toBe('azure-cost-details');
    expect(staged.files.map((f) => path.basename(f))).toEqual(['azure-usage-2023-09-ActualCost.csv', 'azure-usage-2023-09-AmortizedCost.csv']);
    const actual = await readFile(staged.files[0] as string, 'utf8');
    const amortized = await readFile(staged.files[1] as string, 'utf8');
    expect(staged.bytes).toBe(Buffer.byteLength(actual) + Buffer.byteLength(amortized));
    expect(dataLines(actual)).toHaveLength(11);
    expect(dataLines(amortized)).toHaveLength(12);
    expect(actual.split('\n')[0]).toContain(',Cost,UnitPrice,BillingCurrency,');
    // 16 significant digits survive (a double would not keep them all), as does the fixture's tiny cost.
    expect(actual).toContain(',0.00040000000000000000001,');
    expect(actual).toContain(',0.4838709677419368,');
    expect(actual).toContain(',0.000011139,');
    const sum = dataLines(actual).reduce((s, l) => s.plus(l.split(',')[20] ?? 'NaN'), new Decimal(0));
    expect(sum.eq(EA.sum_Cost)).toBe(true);
    // Both metrics over 3 pages each.
    expect(fake.requests.map((r) => `${r.query['metric']}:${r.query['$skiptoken'] ?? ''}`)).toEqual([
      'actualcost:',
      'actualcost:4',
      'actualcost:8',
      'amortizedcost:',
      'amortizedcost:4',
      'amortizedcost:8',
    ]);
    expect(fake.requests.every((r) => (r.query['$expand'] ?? '').includes('properties/meterDetails'))).toBe(true);
  });

  it('retries a 429 (Retry-After) and a 500 inside the SDK and stages every row', async () => {
    const [september] = await connector.discover(context(fake, staging));
    fake.failNext(429, 0);
    fake.failNext(500);
    const staged = await connector.stage(context(fake, staging), september as DiscoveredPeriod);
    expect(dataLines(await readFile(staged.files[0] as string, 'utf8'))).toHaveLength(11);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.status === 500)).toHaveLength(1);
  });

  it('expired credentials → ConnectorAuthError naming the app and what to do; the dry run reports it', async () => {
    fake.tokenExpired = true;
    const err = await connector.discover(context(fake, staging)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorAuthError);
    expect((err as Error).message).toMatch(
      /Azure account acct-az-1 \(scope providers\/Microsoft\.Billing\/billingAccounts\/8611537\): Azure refused app 11111111-2222-3333-4444-555555555555 .*401 ExpiredAuthenticationToken.*store a new clientSecret/,
    );
    expect((err as Error).message).not.toContain(SECRET);
    expect(fake.requests).toHaveLength(1);
    const report = await connector.test(context(fake, staging));
    expect(report).toMatchObject({ ok: false, periods: [] });
    expect(report.checks[0]).toMatchObject({ name: 'credentials and scope', ok: false });
  });

  it('a wrong client secret is refused', async () => {
    const wrong = new AzureConsumptionConnector({ authPolicy: testAuthPolicy('not-the-secret'), retry: FAST_RETRY });
    await expect(wrong.discover(context(fake, staging))).rejects.toThrow(/InvalidAuthenticationToken/);
  });

  it('dry run lists periods and the usage detail kind without writing files', async () => {
    const report = await connector.test(context(fake, staging));
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['credentials and scope', true],
      ['usage detail kind', true],
      ['billing periods', true],
    ]);
    expect(report.checks[1]?.detail).toBe('legacy (EA / pay-as-you-go columns)');
    expect(report.checks[2]?.detail).toBe(`2023-09 (rows=11;USD=${EA.sum_Cost})`);
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2023-09']);
    expect(fake.requests.some((r) => r.query['metric'] === 'amortizedcost')).toBe(false);
  });

  it('rejects a scope outside the documented shapes before any request', async () => {
    await expect(connector.discover(context(fake, staging, { scope: 'subscriptions/../../tenants' }))).rejects.toThrow(/invalid connection settings: scope: must be subscriptions/);
    expect(fake.requests).toHaveLength(0);
  });
});

describeStores('Azure connector through CloudAccountService and ConnectorImportService', (suite) => {
  let fake: ArmFake;
  let layout: LakeLayout;
  let accounts: CloudAccountService;
  let imports: ConnectorImportService;
  let accountId: string;
  const tenant = 'az-conn';
  const box = new SecretBox(Buffer.alloc(32, 9));

  beforeAll(async () => {
    fake = newFake();
    await fake.start();
    layout = new LakeLayout(suite.testStore.dataDir);
    const registry = new ConnectorRegistry().register(new AzureConsumptionConnector({ authPolicy: testAuthPolicy(SECRET), retry: FAST_RETRY }));
    accounts = new CloudAccountService(suite.store, box, registry);
    imports = new ConnectorImportService(suite.store, layout, box, registry);
    await new TenantRepository(suite.store.prisma).create({ id: tenant, name: 'Azure connector tenant' });
    const created = await accounts.create(
      tenant,
      {
        provider: 'azure',
        name: 'EA enrollment',
        options: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-3333-4444-555555555555', scope: SCOPE, endpoint: fake.url },
        secret: { clientSecret: SECRET },
      },
      'test',
    );
    accountId = created.account.id;
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function september(): Promise<{ rows: number; billed: Decimal; effective: Decimal }> {
    const [t] = await new FocusLakeRepository(layout).totals(tenant, { billingPeriod: '2023-09', provider: 'azure' });
    return { rows: t?.rows ?? 0, billed: new Decimal(t?.billedCost ?? 'NaN'), effective: new Decimal(t?.effectiveCost ?? 'NaN') };
  }

  it('dry run through the account service: periods, no amortized download, secret never in the report', async () => {
    const report = await accounts.test(tenant, accountId, { actor: 'test', now: NOW });
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2023-09']);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(fake.requests.some((r) => r.query['metric'] === 'amortizedcost')).toBe(false);
  });

  it('first import: actual + amortized combined, BilledCost equals the fixture Σ Cost to the last digit', async () => {
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows, p.totals])).toEqual([
      ['2023-09', 'imported', 13, [{ currency: 'USD', rows: 13, billedCost: EA.sum_Cost }]],
    ]);
    const t = await september();
    // 10 on-demand + covered usage + unused reservation (amortized) + the purchase (actual).
    expect(t.rows).toBe(13);
    expect(t.billed.eq(EA.sum_Cost)).toBe(true);
    // On-demand 5.2950077867419368 + 0.5 + 2.75 amortized reservation.
    expect(t.effective.eq('8.5450077867419368')).toBe(true);
  });

  it('unchanged usage details are skipped: only the actual-cost listing is read', async () => {
    const before = fake.requests.length;
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status])).toEqual([['2023-09', 'skipped']]);
    expect(fake.requests.slice(before).every((r) => r.query['metric'] === 'actualcost')).toBe(true);
  });

  it('a restated row replaces the month (no duplicates)', async () => {
    // Microsoft re-rates one on-demand row (2.64 → 2.70) in both datasets.
    for (const metric of ['actualcost', 'amortizedcost'] as const) {
      const item = fake.data[metric].find((i) => String((i['properties'] as { cost?: RawNumber }).cost?.text) === '2.64');
      if (!item) throw new Error(`no 2.64 row in ${metric}`);
      (item['properties'] as Record<string, unknown>)['cost'] = new RawNumber('2.70');
    }
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.rows])).toEqual([['2023-09', 'imported', 13]]);
    const t = await september();
    expect(t.rows).toBe(13);
    expect(t.billed.eq(new Decimal(EA.sum_Cost).plus('0.06'))).toBe(true);
  });

  it('an expired token fails the run with ConnectorAuthError recorded on the account, without the secret', async () => {
    fake.tokenExpired = true;
    try {
      const err = await imports.importAccount(tenant, accountId, { now: NOW }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorAuthError);
      const view = await accounts.get(tenant, accountId);
      expect(view.lastError).toMatch(/ConnectorAuthError: .*ExpiredAuthenticationToken/);
      expect(view.lastError).not.toContain(SECRET);
    } finally {
      fake.tokenExpired = false;
    }
  });
});
