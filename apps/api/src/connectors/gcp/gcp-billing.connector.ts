/**
 * GCP: the Cloud Billing export tables in BigQuery, read with `@google-cloud/bigquery` (jobs.query + getQueryResults).
 * discover asks one grouped query which invoice months changed since the run's watermark; stage pulls one whole invoice
 * month page by page into NDJSON for the `gcp-billing-export` format, so the month's partition is replaced wholesale.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { BigQuery, type BigQueryOptions, type BigQueryTimestamp, type Job, type Query } from '@google-cloud/bigquery';
import { AuthClient, type gaxios, JWT } from 'google-auth-library';
import type { CloudProvider } from '../../generated/prisma/client.ts';
import {
  type BillingConnector,
  ConnectorAuthError,
  type ConnectionCheck,
  type ConnectionReport,
  type ConnectorContext,
  ConnectorTransientError,
  type DiscoveredPeriod,
  type StagedPeriod,
} from '../billing-connector.ts';
import { type GcpConnection, type GcpServiceAccountKey, parseGcpConnection, parseServiceAccountKey, sourceKeyOf } from './gcp-connection.ts';
import { type BigQueryRequest, billingPeriodOf, discoverQuery, discoverSince, stageQuery } from './gcp-queries.ts';
import { type SchemaField, toJsonRecord } from './gcp-rows.ts';

export const GCP_FORMAT = 'gcp-billing-export';
const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';
/** Top-level fields every standard and detailed export row has; detailed exports add `resource`. */
const REQUIRED_FIELDS = ['billing_account_id', 'service', 'sku', 'usage_start_time', 'cost', 'currency', 'invoice', 'export_time'];

export interface GcpConnectorOptions {
  /** The SDK's retry settings for 429/5xx (defaults: 3 retries, exponential from about 1 s). Tests shorten them. */
  retry?: { maxRetries?: number; retryDelayMultiplier?: number; maxRetryDelay?: number; totalTimeout?: number };
}

/**
 * What query() and getQueryResults() resolve to with autoPaginate off: rows, the next page's request (null on the
 * last page) and the raw response. The SDK's overload for a Query object declares only the first two.
 */
type RowsPage = [Record<string, unknown>[], (Query & { job?: Job }) | null | undefined, unknown];

interface PageOfRows {
  rows: Record<string, unknown>[];
  schema: SchemaField[];
  totalRows: number | null;
}

function errorCode(err: unknown): number | string | undefined {
  const e = err as { code?: unknown; response?: { status?: unknown } };
  if (typeof e.code === 'number' || typeof e.code === 'string') return e.code;
  return typeof e.response?.status === 'number' ? e.response.status : undefined;
}

function errorReasons(err: unknown): string[] {
  const errors = (err as { errors?: Array<{ reason?: unknown }> }).errors;
  return Array.isArray(errors) ? errors.map((e) => String(e.reason ?? '')) : [];
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/** BigQuery / auth-library failures → the contract's errors: auth problems fail the run, throttling and 5xx retry it. */
export function classifyGcpError(err: unknown, what: string, account: { id: string }, c: GcpConnection, key?: GcpServiceAccountKey | null): Error {
  if (err instanceof ConnectorAuthError || err instanceof ConnectorTransientError) return err;
  const code = errorCode(err);
  const reasons = errorReasons(err);
  const msg = messageOf(err);
  const where = `GCP account ${account.id} (project ${c.projectId})`;
  const throttled = reasons.some((r) => r === 'rateLimitExceeded' || r === 'quotaExceeded' || r === 'backendError');
  const who = key ? `service account ${key.client_email}` : 'the service account';
  if (code === 401 || (code === 403 && !throttled) || /invalid_grant|invalid_client|DECODER routines|PEM/i.test(msg)) {
    return new ConnectorAuthError(
      `${where}: BigQuery refused ${who} while ${what} (${code ?? 'auth'}: ${msg}). The key may be expired, disabled or deleted, ` +
        `or lack roles/bigquery.jobUser on the project and roles/bigquery.dataViewer on dataset ${c.dataset}: store a new serviceAccountKey.`,
      { cause: err },
    );
  }
  if (code === 429 || (typeof code === 'number' && code >= 500) || throttled || (typeof code === 'string' && NETWORK_CODES.has(code))) {
    return new ConnectorTransientError(`${where}: BigQuery was unavailable while ${what} after the SDK's retries (${code}: ${msg})`, { cause: err });
  }
  if (code === 404) {
    return new Error(`${where}: BigQuery table ${c.projectId}.${c.dataset}.${c.table} was not found while ${what} (${msg}); check dataset and table`, {
      cause: err,
    });
  }
  return new Error(`${where}: BigQuery failed while ${what}: ${msg}`, { cause: err });
}

/** For an endpoint override without a key (a local BigQuery stand-in): requests go out without credentials. */
class NoCredentials extends AuthClient {
  async getRequestHeaders(): Promise<Headers> {
    return new Headers();
  }
  async getAccessToken(): Promise<{ token: null }> {
    return { token: null };
  }
  request<T>(options: gaxios.GaxiosOptions): gaxios.GaxiosPromise<T> {
    return this.transporter.request<T>(options);
  }
}

export class GcpBillingConnector implements BillingConnector {
  readonly provider: CloudProvider = 'gcp';

  constructor(private readonly options: GcpConnectorOptions = {}) {}

  /**
   * A client for the account. The default endpoint uses the key the usual way (OAuth token from Google). With an
   * endpoint override there may be no Google token endpoint to reach (Private Service Connect, a local server), and the
   * SDK still authenticates every request, so the key signs a self-signed JWT locally instead; an override without a
   * key sends no credentials.
   */
  private client(c: GcpConnection, key: GcpServiceAccountKey | null): BigQuery {
    const options: BigQueryOptions = {
      projectId: c.projectId,
      ...(c.location ? { location: c.location } : {}),
      retryOptions: { autoRetry: true, maxRetries: 3, ...this.options.retry },
    };
    if (c.apiEndpoint && !key) return new BigQuery({ ...options, apiEndpoint: c.apiEndpoint.replace(/\/+$/, ''), authClient: new NoCredentials() });
    if (!key) throw new Error('GCP: a service-account key is required without an endpoint override');
    if (c.apiEndpoint) {
      const authClient = new JWT({
        email: key.client_email,
        key: key.private_key,
        keyId: key.private_key_id,
        scopes: [BIGQUERY_SCOPE],
      });
      // A public field, not a constructor option: sign {iss, scope, exp} locally instead of asking Google for a token.
      authClient.useJWTAccessWithScope = true;
      return new BigQuery({ ...options, apiEndpoint: c.apiEndpoint.replace(/\/+$/, ''), authClient });
    }
    return new BigQuery({ ...options, credentials: { client_email: key.client_email, private_key: key.private_key } });
  }

  private setup(ctx: ConnectorContext): { c: GcpConnection; key: GcpServiceAccountKey | null; bq: BigQuery } {
    const c = parseGcpConnection(ctx.account);
    const key = parseServiceAccountKey(ctx.account, c);
    return { c, key, bq: this.client(c, key) };
  }

  /**
   * Runs a query and yields its result page by page (jobs.query, then getQueryResults with pageToken). Only one page
   * is held in memory at a time.
   */
  private async *pages(bq: BigQuery, c: GcpConnection, request: BigQueryRequest, signal?: AbortSignal): AsyncGenerator<PageOfRows> {
    signal?.throwIfAborted();
    // The page size goes in the options too: without it the SDK fetches every page before returning the first.
    const [firstRows, firstNext, firstResponse] = (await bq.query(
      {
        query: request.query,
        params: request.params,
        types: request.types,
        useLegacySql: false,
        maxResults: c.pageSize,
        wrapIntegers: true,
        ...(c.location ? { location: c.location } : {}),
      },
      { maxResults: c.pageSize, autoPaginate: false, wrapIntegers: true },
    )) as unknown as RowsPage;
    const schemaOf = (r: unknown): SchemaField[] => ((r as { schema?: { fields?: SchemaField[] } } | undefined)?.schema?.fields ?? []) as SchemaField[];
    const totalOf = (r: unknown): number | null => {
      const t = (r as { totalRows?: unknown } | undefined)?.totalRows;
      return t === undefined || t === null ? null : Number(t);
    };
    let schema = schemaOf(firstResponse);
    yield { rows: firstRows, schema, totalRows: totalOf(firstResponse) };
    let next = firstNext;
    const jobRef = (firstResponse as { jobReference?: { jobId?: string | null; location?: string | null } } | undefined)?.jobReference;
    let job: Job | null = next?.job ?? (jobRef?.jobId ? bq.job(jobRef.jobId, { location: jobRef.location ?? c.location }) : null);
    while (next) {
      signal?.throwIfAborted();
      if (!job) throw new Error('BigQuery returned more pages without a job reference');
      const [rows, following, response] = (await job.getQueryResults({
        maxResults: c.pageSize,
        wrapIntegers: true,
        ...(next.pageToken ? { pageToken: next.pageToken } : {}),
        ...(c.location ? { location: c.location } : {}),
      })) as unknown as RowsPage;
      const pageSchema = schemaOf(response);
      if (pageSchema.length > 0) schema = pageSchema;
      yield { rows, schema, totalRows: totalOf(response) };
      next = following;
      job = following?.job ?? job;
    }
  }

  async discover(ctx: ConnectorContext): Promise<DiscoveredPeriod[]> {
    const { c, key, bq } = this.setup(ctx);
    const since = discoverSince(ctx.now, c.overlapDays);
    const found: DiscoveredPeriod[] = [];
    try {
      for await (const page of this.pages(bq, c, discoverQuery(c, since), ctx.signal)) {
        for (const row of page.rows) {
          const month = String(row['invoice_month'] ?? '');
          const maxExport = (row['max_export_time'] as BigQueryTimestamp | null)?.value ?? '';
          const count = String((row['row_count'] as { value?: string } | null)?.value ?? row['row_count'] ?? '0');
          if (count === '0') continue;
          found.push({
            billingPeriod: billingPeriodOf(month),
            sourceKey: sourceKeyOf(c),
            // MAX(export_time) moves when Google appends late rows or restates; COUNT(*) catches rows that were
            // removed or replaced without a newer export time. Either changing means the month must be re-read.
            version: `${maxExport}:${count}`,
            format: GCP_FORMAT,
            objects: [{ key: `${c.projectId}.${c.dataset}.${c.table} invoice.month=${month} (${count} rows)` }],
          });
        }
      }
    } catch (err) {
      throw classifyGcpError(err, 'listing changed invoice months', ctx.account, c, key);
    }
    found.sort((a, b) => b.billingPeriod.localeCompare(a.billingPeriod));
    ctx.log.info('gcp discover', { account: ctx.account.id, since: since.toISOString(), periods: found.map((p) => `${p.billingPeriod}@${p.version}`) });
    return found;
  }

  async stage(ctx: ConnectorContext, period: DiscoveredPeriod): Promise<StagedPeriod> {
    const { c, key, bq } = this.setup(ctx);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period.billingPeriod)) throw new Error(`GCP stage: billing period "${period.billingPeriod}" is not yyyy-mm`);
    const invoiceMonth = period.billingPeriod.replace('-', '');
    const file = path.join(ctx.stagingDir, `gcp-billing-export-${invoiceMonth}.ndjson`);
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, { flags: 'wx' });
    let bytes = 0;
    let rows = 0;
    let expected: number | null = null;
    try {
      for await (const page of this.pages(bq, c, stageQuery(c, invoiceMonth), ctx.signal)) {
        expected ??= page.totalRows;
        let chunk = '';
        for (const row of page.rows) {
          const record = toJsonRecord(page.schema, row);
          const month = (record['invoice'] as { month?: unknown } | null)?.month;
          // A row of another month would replace that month's partition with a fragment of it.
          if (month !== invoiceMonth) throw new Error(`GCP stage: BigQuery returned a row of invoice month ${String(month)} for ${invoiceMonth}`);
          chunk += `${JSON.stringify(record)}\n`;
          rows += 1;
        }
        if (chunk === '') continue;
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    } catch (err) {
      out.destroy();
      await rm(partial, { force: true });
      if (err instanceof Error && err.message.startsWith('GCP stage:')) throw err;
      throw classifyGcpError(err, `reading invoice month ${invoiceMonth}`, ctx.account, c, key);
    }
    if (expected !== null && rows !== expected) {
      await rm(partial, { force: true });
      throw new ConnectorTransientError(`GCP stage: invoice month ${invoiceMonth}: BigQuery announced ${expected} rows but returned ${rows}`);
    }
    if (rows === 0) {
      await rm(partial, { force: true });
      throw new ConnectorTransientError(`GCP stage: invoice month ${invoiceMonth} has no rows any more (discovered with version ${period.version}); the next run re-discovers it`);
    }
    await rename(partial, file);
    ctx.log.info('gcp staged', { account: ctx.account.id, billingPeriod: period.billingPeriod, rows, bytes });
    return { files: [file], format: GCP_FORMAT, bytes };
  }

  async test(ctx: ConnectorContext): Promise<ConnectionReport> {
    const { c, key, bq } = this.setup(ctx);
    const checks: ConnectionCheck[] = [];
    const ref = `${c.projectId}.${c.dataset}.${c.table}`;
    let fields: SchemaField[];
    try {
      const [meta] = await bq.dataset(c.dataset).table(c.table).getMetadata();
      fields = ((meta as { schema?: { fields?: SchemaField[] } }).schema?.fields ?? []) as SchemaField[];
      const partitioning = (meta as { timePartitioning?: { type?: string } }).timePartitioning?.type;
      checks.push({
        name: 'credentials and table',
        ok: true,
        detail: `${key?.client_email ?? 'anonymous (endpoint override without a key)'} can read ${ref} (${String((meta as { numRows?: unknown }).numRows ?? '?')} rows${partitioning ? `, partitioned by ${partitioning}` : ''})`,
      });
    } catch (err) {
      checks.push({ name: 'credentials and table', ok: false, detail: classifyGcpError(err, `reading table ${ref}`, ctx.account, c, key).message });
      return { ok: false, checks, periods: [] };
    }
    const names = new Set(fields.map((f) => f.name ?? ''));
    const missing = REQUIRED_FIELDS.filter((f) => !names.has(f));
    if (c.exportKind === 'detailed' && !names.has('resource')) missing.push('resource (detailed export)');
    checks.push({
      name: 'export schema',
      ok: missing.length === 0,
      detail: missing.length === 0 ? `${c.exportKind} billing export columns present` : `${ref} lacks ${missing.join(', ')}: not a ${c.exportKind} billing export table`,
    });
    let periods: DiscoveredPeriod[] = [];
    try {
      periods = await this.discover(ctx);
      checks.push({
        name: 'changed invoice months',
        ok: true,
        detail: periods.length === 0 ? `no rows exported since ${discoverSince(ctx.now, c.overlapDays).toISOString()}` : periods.map((p) => `${p.billingPeriod} (${p.version})`).join(', '),
      });
    } catch (err) {
      checks.push({ name: 'changed invoice months', ok: false, detail: messageOf(err) });
    }
    return { ok: checks.every((ch) => ch.ok), checks, periods };
  }
}
