/**
 * The GCP billing connector with the real @google-cloud/bigquery client against the local BigQuery REST fake
 * (test/fakes/bigquery), rows from the repo's synthetic GCP export fixture. The staged NDJSON goes through
 * ImportService on both stores and must reconcile to the fixture's EXPECTED_TOTALS.json.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FocusLakeRepository, TenantRepository } from '@openfinops/api';
import { LakeLayout } from '@openfinops/tenants';
import { ConnectorAuthError, type ConnectorContext, type DiscoveredPeriod } from '../../apps/api/src/connectors/billing-connector.ts';
import { CloudAccountService } from '../../apps/api/src/accounts/cloud-account.service.ts';
import { ConnectorImportService } from '../../apps/api/src/connectors/connector-import.service.ts';
import { ConnectorRegistry } from '../../apps/api/src/connectors/connector-registry.ts';
import { GcpBillingConnector } from '../../apps/api/src/connectors/gcp/gcp-billing.connector.ts';
import { SecretBox } from '../../apps/api/src/secrets/secret-box.ts';
import { BigQueryFake, type BillingRow, GCP_SAMPLE, loadSampleRows, makeServiceAccount } from '../fakes/bigquery/bigquery-fake.ts';
import { describeStores } from '../support/index.ts';

const EXPECTED = JSON.parse(await readFile(path.join(path.dirname(GCP_SAMPLE), 'EXPECTED_TOTALS.json'), 'utf8')) as {
  by_period_currency: Record<string, { billing_period: string; currency: string; rows: number; focus_rows: number; expected_FOCUS_BilledCost: string }>;
};
const PROJECT = 'acme-billing';
const DATASET = 'billing_export';
const TABLE = 'gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9';
/** Early July 2024 (Pacific): current invoice month 202407, previous 202406. */
const NOW = new Date('2024-07-03T12:00:00Z');
const FAST_RETRY = { maxRetries: 3, retryDelayMultiplier: 1.1, maxRetryDelay: 2 };

const serviceAccount = makeServiceAccount();

function context(fake: BigQueryFake, stagingDir: string, connection: Record<string, unknown> = {}, keyJson = serviceAccount.keyJson): ConnectorContext {
  return {
    account: {
      id: 'acct-gcp-1',
      tenantId: 'gcp-conn',
      provider: 'gcp',
      externalId: PROJECT,
      connection: { projectId: PROJECT, dataset: DATASET, table: TABLE, exportKind: 'detailed', apiEndpoint: fake.url, pageSize: 5, ...connection },
      secret: { serviceAccountKey: keyJson },
    },
    stagingDir,
    now: NOW,
    log: { info: () => undefined, warn: () => undefined },
  };
}

function expectedFor(period: string): { rows: number; focusRows: number; billed: Record<string, string> } {
  const entries = Object.values(EXPECTED.by_period_currency).filter((e) => e.billing_period === period);
  return {
    rows: entries.reduce((n, e) => n + e.rows, 0),
    focusRows: entries.reduce((n, e) => n + e.focus_rows, 0),
    billed: Object.fromEntries(entries.map((e) => [e.currency, e.expected_FOCUS_BilledCost])),
  };
}

/** A late adjustment row Google appends to June after the month closed (exported 2024-07-02). */
function lateAdjustment(): BillingRow {
  const template = loadSampleRows().find((r) => (r['invoice'] as { month: string }).month === '202406' && r['currency'] === 'USD');
  if (!template) throw new Error('fixture has no June USD row');
  return { ...template, cost_type: 'adjustment', cost: '-1.500000', cost_at_list: null, credits: [], export_time: '2024-07-02T09:30:00Z', adjustment_info: { id: 'adj-late-1', description: 'Late correction', mode: 'MANUAL_ADJUSTMENT', type: 'GENERAL_ADJUSTMENT' } };
}

describe('GcpBillingConnector against the BigQuery REST fake', () => {
  let fake: BigQueryFake;
  let staging: string;
  const connector = new GcpBillingConnector({ retry: FAST_RETRY });

  beforeEach(async () => {
    fake = new BigQueryFake({ projectId: PROJECT, dataset: DATASET, table: TABLE, serviceAccount, rows: loadSampleRows(), maxPageRows: 50 });
    await fake.start();
    staging = await mkdtemp(path.join(os.tmpdir(), 'finops-gcp-stage-'));
  });
  afterEach(async () => {
    await fake.stop();
    await rm(staging, { recursive: true, force: true });
  });

  it('discovers only months with rows exported since the watermark, each counted over the whole month', async () => {
    const periods = await connector.discover(context(fake, staging));
    // Watermark: previous invoice month (June) minus 3 days overlap; May's rows were all exported in early May.
    expect(periods.map((p) => p.billingPeriod)).toEqual(['2024-06']);
    expect(periods[0]).toMatchObject({
      sourceKey: `bigquery:${PROJECT}.${DATASET}.${TABLE}`,
      format: 'gcp-billing-export',
      version: `2024-07-01T12:00:00.000Z:${expectedFor('2024-06').rows}`,
    });
    const discover = fake.requests.filter((r) => r.marker === 'discover');
    expect(discover).toHaveLength(1);
    expect(discover[0]?.path).toBe(`/bigquery/v2/projects/${PROJECT}/queries`);

    const backfilled = await connector.discover(context(fake, staging, { backfillFrom: '2024-05' }));
    expect(backfilled.map((p) => [p.billingPeriod, p.version])).toEqual([
      ['2024-06', `2024-07-01T12:00:00.000Z:${expectedFor('2024-06').rows}`],
      ['2024-05', `2024-05-05T15:00:00.123Z:${expectedFor('2024-05').rows}`],
    ]);
  });

  it('stages a whole invoice month as NDJSON, page by page through getQueryResults', async () => {
    const [june] = await connector.discover(context(fake, staging));
    const staged = await connector.stage(context(fake, staging), june as DiscoveredPeriod);
    expect(staged.format).toBe('gcp-billing-export');
    expect(staged.files).toEqual([path.join(staging, 'gcp-billing-export-202406.ndjson')]);
    const lines = (await readFile(staged.files[0] as string, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(expectedFor('2024-06').rows);
    expect(staged.bytes).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
    // 19 rows at 5 per page: jobs.query + 3 getQueryResults pages, each continuing from the previous pageToken.
    const pages = fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/queries/'));
    expect(pages.map((p) => p.query['pageToken'])).toEqual(['5', '10', '15']);
    expect(pages.every((p) => p.query['maxResults'] === '5')).toBe(true);
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    // Money and quantities as exact decimal text; nested records and repeated fields in the export's shape.
    const original = loadSampleRows().filter((r) => (r['invoice'] as { month: string }).month === '202406');
    const costs = lines.map((l) => (JSON.parse(l) as { cost: string }).cost).sort();
    expect(costs).toEqual(original.map((r) => new Decimal(String(r['cost'])).toString()).sort());
    expect(first).toMatchObject({ invoice: { month: '202406' }, service: expect.objectContaining({ description: expect.any(String) }) });
    expect(Array.isArray(first['credits'])).toBe(true);
  });

  it('retries a 429 and a 500 inside the SDK and still stages every row', async () => {
    fake.failNext(429, { match: /\/queries$/ });
    fake.failNext(500, { match: /\/queries\/job_/ });
    const [june] = await connector.discover(context(fake, staging));
    const staged = await connector.stage(context(fake, staging), june as DiscoveredPeriod);
    const lines = (await readFile(staged.files[0] as string, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(expectedFor('2024-06').rows);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.status === 500)).toHaveLength(1);
  });

  it('turns a revoked service-account key into ConnectorAuthError with a clear message, and the dry run reports it', async () => {
    fake.revoked = true;
    const err = await connector.discover(context(fake, staging)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorAuthError);
    expect((err as Error).message).toMatch(/GCP account acct-gcp-1 \(project acme-billing\): BigQuery refused service account finops-reader@acme-billing\.iam\.gserviceaccount\.com .*401.*store a new serviceAccountKey/);
    expect((err as Error).message).not.toContain('PRIVATE KEY');
    // One attempt only: an auth failure is not retried.
    expect(fake.requests).toHaveLength(1);
    const report = await connector.test(context(fake, staging));
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'credentials and table', ok: false });
    expect(report.checks[0]?.detail).toMatch(/refused service account/);
  });

  it('signs with the key it is given: a different key is refused by the endpoint', async () => {
    const other = makeServiceAccount(serviceAccount.clientEmail);
    await expect(connector.discover(context(fake, staging, {}, other.keyJson))).rejects.toBeInstanceOf(ConnectorAuthError);
    expect(fake.requests[0]?.status).toBe(401);
  });

  it('an endpoint override without a key sends no credentials (local emulators)', async () => {
    const anonymous = new BigQueryFake({ projectId: PROJECT, dataset: DATASET, table: TABLE, serviceAccount, rows: loadSampleRows(), anonymous: true });
    await anonymous.start();
    try {
      const ctx = context(anonymous, staging);
      const periods = await connector.discover({ ...ctx, account: { ...ctx.account, secret: null } });
      expect(periods.map((p) => p.billingPeriod)).toEqual(['2024-06']);
      expect(anonymous.requests.map((r) => r.authorization)).toEqual([null]);
      // The real endpoint never goes without a key.
      await expect(connector.discover({ ...ctx, account: { ...ctx.account, secret: null, connection: { ...ctx.account.connection, apiEndpoint: undefined } } })).rejects.toThrow(
        /secret field serviceAccountKey .* is missing/,
      );
    } finally {
      await anonymous.stop();
    }
  });

  it('dry run: table, schema and changed months without staging anything', async () => {
    const report = await connector.test(context(fake, staging, { backfillFrom: '2024-05' }));
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['credentials and table', true],
      ['export schema', true],
      ['changed invoice months', true],
    ]);
    expect(report.checks[0]?.detail).toContain(`${PROJECT}.${DATASET}.${TABLE} (34 rows, partitioned by DAY)`);
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2024-06', '2024-05']);
    expect(fake.requests.some((r) => r.marker === 'stage')).toBe(false);
  });

  it('rejects malformed settings naming the field, before any request', async () => {
    await expect(connector.discover(context(fake, staging, { table: 'x`; DROP TABLE y; --' }))).rejects.toThrow(/invalid connection settings: table: must be a BigQuery table id/);
    await expect(connector.discover(context(fake, staging, {}, '{"client_email":"a@b"}'))).rejects.toThrow(/secret serviceAccountKey lacks a valid private_key/);
    expect(fake.requests).toHaveLength(0);
  });
});

describeStores('GCP connector through CloudAccountService and ConnectorImportService', (suite) => {
  let fake: BigQueryFake;
  let layout: LakeLayout;
  let accounts: CloudAccountService;
  let imports: ConnectorImportService;
  let accountId: string;
  const tenant = 'gcp-conn';
  const box = new SecretBox(Buffer.alloc(32, 7));

  beforeAll(async () => {
    fake = new BigQueryFake({ projectId: PROJECT, dataset: DATASET, table: TABLE, serviceAccount, rows: loadSampleRows(), maxPageRows: 7 });
    await fake.start();
    layout = new LakeLayout(suite.testStore.dataDir);
    const registry = new ConnectorRegistry().register(new GcpBillingConnector({ retry: FAST_RETRY }));
    accounts = new CloudAccountService(suite.store, box, registry);
    imports = new ConnectorImportService(suite.store, layout, box, registry);
    await new TenantRepository(suite.store.prisma).create({ id: tenant, name: 'GCP connector tenant' });
    const created = await accounts.create(
      tenant,
      {
        provider: 'gcp',
        name: 'Billing export',
        options: { projectId: PROJECT, dataset: DATASET, table: TABLE, exportKind: 'detailed', apiEndpoint: fake.url, backfillFrom: '2024-05', pageSize: 5 },
        secret: { serviceAccountKey: serviceAccount.keyJson },
      },
      'test',
    );
    accountId = created.account.id;
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function lakeTotals(): Promise<Record<string, { rows: number; billed: string }>> {
    const rows = await new FocusLakeRepository(layout).totals(tenant);
    return Object.fromEntries(rows.map((r) => [`${r.billingPeriod}/${r.currency}`, { rows: r.rows, billed: r.billedCost }]));
  }

  it('dry run through the account service lists both months and stages nothing', async () => {
    const report = await accounts.test(tenant, accountId, { actor: 'test', now: NOW });
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.periods.map((p) => p.billingPeriod)).toEqual(['2024-06', '2024-05']);
    expect(fake.requests.some((r) => r.marker === 'stage')).toBe(false);
    expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
  });

  it('first import lands both invoice months with the fixture totals, in the project\'s partition', async () => {
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status])).toEqual([
      ['2024-06', 'imported'],
      ['2024-05', 'imported'],
    ]);
    const totals = await lakeTotals();
    for (const e of Object.values(EXPECTED.by_period_currency)) {
      const got = totals[`${e.billing_period}/${e.currency}`];
      expect(got?.rows, `${e.billing_period}/${e.currency}`).toBe(e.focus_rows);
      expect(new Decimal(got?.billed ?? 'NaN').eq(e.expected_FOCUS_BilledCost), `${e.billing_period}/${e.currency} ${got?.billed}`).toBe(true);
    }
    const june = report.periods[0];
    expect(june?.totals.map((t) => t.currency)).toEqual(['EUR', 'USD']);
    expect(await readdir(layout.focusPartitionDir(tenant, { billingPeriod: '2024-06', provider: 'gcp', source: PROJECT }))).not.toHaveLength(0);
  });

  it('an unchanged export is skipped without staging a row', async () => {
    const before = fake.requests.length;
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status])).toEqual([
      ['2024-06', 'skipped'],
      ['2024-05', 'skipped'],
    ]);
    expect(fake.requests.slice(before).map((r) => r.marker)).toEqual(['discover']);
  });

  it('a late row restates June: new version, June replaced (no duplicates), May skipped', async () => {
    fake.rows.push(lateAdjustment());
    const report = await imports.importAccount(tenant, accountId, { now: NOW });
    expect(report.periods.map((p) => [p.billingPeriod, p.status, p.version])).toEqual([
      ['2024-06', 'imported', `2024-07-02T09:30:00.000Z:${expectedFor('2024-06').rows + 1}`],
      ['2024-05', 'skipped', `2024-05-05T15:00:00.123Z:${expectedFor('2024-05').rows}`],
    ]);
    const totals = await lakeTotals();
    const juneUsd = Object.values(EXPECTED.by_period_currency).find((e) => e.billing_period === '2024-06' && e.currency === 'USD');
    expect(totals['2024-06/USD']?.rows).toBe((juneUsd?.focus_rows ?? 0) + 1);
    expect(new Decimal(totals['2024-06/USD']?.billed ?? 'NaN').eq(new Decimal(juneUsd?.expected_FOCUS_BilledCost ?? 'NaN').minus('1.5'))).toBe(true);
    const may = Object.values(EXPECTED.by_period_currency).find((e) => e.billing_period === '2024-05');
    expect(totals['2024-05/USD']?.rows).toBe(may?.focus_rows);
  });

  it('a revoked key fails the run with ConnectorAuthError and records the error on the account', async () => {
    fake.revoked = true;
    try {
      await expect(imports.importAccount(tenant, accountId, { now: NOW })).rejects.toBeInstanceOf(ConnectorAuthError);
      const view = await accounts.get(tenant, accountId);
      expect(view.lastError).toMatch(/ConnectorAuthError: .*BigQuery refused service account/);
    } finally {
      fake.revoked = false;
    }
  });
});
