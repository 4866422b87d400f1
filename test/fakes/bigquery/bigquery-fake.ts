/**
 * A local BigQuery REST v2 endpoint for the billing connector's tests, on 127.0.0.1, driven by the real
 * `@google-cloud/bigquery` client: jobs.query (`POST /bigquery/v2/projects/<p>/queries`), getQueryResults
 * (`GET …/queries/<jobId>` with pageToken/maxResults) and tables.get. It does not run SQL: it recognises the connector's
 * two query shapes by their marker comment and answers them from billing export rows it holds, typed by the export
 * schema and encoded as BigQuery encodes rows (f/v cells, numbers as strings, TIMESTAMP as int64 micros on request).
 * Requests must carry a self-signed JWT from the test's service-account key; the fake checks its RS256 signature.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BILLING_EXPORT_SCHEMA, type FakeField } from './billing-export-schema.ts';

export const GCP_SAMPLE = path.resolve(import.meta.dirname, '../../fixtures/billing/gcp-export/gcp-billing-export-sample.ndjson');

export type BillingRow = Record<string, unknown>;

export function loadSampleRows(file = GCP_SAMPLE): BillingRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BillingRow);
}

export interface FakeServiceAccount {
  /** The key JSON as Google Cloud downloads it (what the account's secret holds). */
  keyJson: string;
  clientEmail: string;
  keyId: string;
  publicKey: KeyObject;
}

export function makeServiceAccount(clientEmail = 'finops-reader@acme-billing.iam.gserviceaccount.com'): FakeServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomUUID().replaceAll('-', '');
  const keyJson = JSON.stringify({
    type: 'service_account',
    project_id: 'acme-billing',
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '100000000000000000001',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  return { keyJson, clientEmail, keyId, publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })) };
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  marker: 'discover' | 'stage' | null;
  status: number;
  authorization: string | null;
}

interface Failure {
  status: number;
  reason: string;
  retryAfter?: number;
  match: RegExp;
}

interface StoredResult {
  schema: FakeField[];
  rows: unknown[][];
}

type Cell = { v: unknown };

const TS_FORMAT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function micros(text: string): bigint {
  if (!TS_FORMAT.test(text)) throw new Error(`fake bigquery: not a timestamp: ${text}`);
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  const normalised = text.replace(/\.\d+/, '').replace(' ', 'T');
  const wholeSeconds = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(normalised) ? normalised : `${normalised}Z`);
  return BigInt(wholeSeconds) * 1000n + BigInt((fraction + '000000').slice(0, 6));
}

function encode(field: FakeField, value: unknown, int64Timestamps: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'RECORD') {
    const record = value as Record<string, unknown>;
    return { f: (field.fields ?? []).map((sub) => encodeCell(sub, record[sub.name], int64Timestamps)) };
  }
  if (field.type === 'TIMESTAMP') {
    const us = micros(String(value));
    // Without useInt64Timestamp BigQuery sends float seconds in E-notation.
    return int64Timestamps ? us.toString() : `${Number(us) / 1e6}`.replace(/e\+?/, 'E');
  }
  return String(value);
}

function encodeCell(field: FakeField, value: unknown, int64Timestamps: boolean): Cell {
  if (field.mode === 'REPEATED') {
    const list = Array.isArray(value) ? value : [];
    return { v: list.map((item) => ({ v: encode({ ...field, mode: 'NULLABLE' }, item, int64Timestamps) })) };
  }
  return { v: encode(field, value, int64Timestamps) };
}

function errorBody(code: number, status: string, reason: string, message: string): string {
  return JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }], status } });
}

function base64UrlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface BigQueryFakeOptions {
  projectId: string;
  dataset: string;
  table: string;
  serviceAccount: FakeServiceAccount;
  rows: BillingRow[];
  /** The server's own page cap (BigQuery caps pages at ~10 MB); the smaller of this and maxResults wins. */
  maxPageRows?: number;
  /** Like a local emulator: requests without an Authorization header are served. */
  anonymous?: boolean;
}

export class BigQueryFake {
  readonly requests: FakeRequest[] = [];
  /** Rows of the export table; tests append late rows or restate months by editing this list. */
  rows: BillingRow[];
  /** The service-account key was deleted / disabled: every request gets 401 UNAUTHENTICATED. */
  revoked = false;
  private readonly failures: Failure[] = [];
  private readonly results = new Map<string, StoredResult>();
  private server: Server | null = null;
  private endpoint = '';

  constructor(private readonly options: BigQueryFakeOptions) {
    this.rows = [...options.rows];
  }

  get url(): string {
    return this.endpoint;
  }

  /** The next request whose path matches answers with this status (BigQuery's error body) instead. */
  failNext(status: number, options: { reason?: string; match?: RegExp; retryAfter?: number } = {}): void {
    const reason = options.reason ?? (status === 429 ? 'rateLimitExceeded' : status >= 500 ? 'backendError' : 'invalid');
    this.failures.push({ status, reason, match: options.match ?? /./, ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}) });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(errorBody(500, 'INTERNAL', 'internalError', err instanceof Error ? err.message : String(err)));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private send(res: ServerResponse, record: FakeRequest, status: number, body: string, headers: Record<string, string> = {}): void {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(body);
  }

  /** Checks the Bearer JWT: RS256 over header.payload with the service account's public key, issuer and expiry. */
  private authError(req: IncomingMessage): string | null {
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token && this.options.anonymous && auth === '') return null;
    if (!token) return 'Request is missing required authentication credential.';
    const [h = '', p = '', s = ''] = token.split('.');
    try {
      const header = base64UrlJson(h);
      const payload = base64UrlJson(p);
      const sa = this.options.serviceAccount;
      if (header['alg'] !== 'RS256' || header['kid'] !== sa.keyId) return 'Invalid JWT: unknown key id.';
      if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), sa.publicKey, Buffer.from(s, 'base64url'))) return 'Invalid JWT Signature.';
      if (payload['iss'] !== sa.clientEmail) return 'Invalid JWT: wrong issuer.';
      if (typeof payload['exp'] !== 'number' || payload['exp'] * 1000 < Date.now()) return 'Invalid JWT: token expired.';
    } catch {
      return 'Invalid JWT.';
    }
    return this.revoked ? 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.' : null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const body = bodyText ? (JSON.parse(bodyText) as Record<string, unknown>) : {};
    const query = typeof body['query'] === 'string' ? body['query'] : '';
    const marker = query.includes('openfinops:gcp-billing-discover') ? 'discover' : query.includes('openfinops:gcp-billing-stage') ? 'stage' : null;
    const record: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      marker,
      status: 0,
      authorization: req.headers.authorization ?? null,
    };
    this.requests.push(record);

    const authProblem = this.authError(req);
    if (authProblem) return this.send(res, record, 401, errorBody(401, 'UNAUTHENTICATED', 'authError', authProblem));
    const failureAt = this.failures.findIndex((f) => f.match.test(url.pathname));
    if (failureAt >= 0) {
      const [failure] = this.failures.splice(failureAt, 1);
      if (failure) {
        const status = failure.status === 429 ? 'RESOURCE_EXHAUSTED' : failure.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
        const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
        return this.send(res, record, failure.status, errorBody(failure.status, status, failure.reason, `injected ${failure.status}`), headers);
      }
    }

    const { projectId, dataset, table } = this.options;
    const base = `/bigquery/v2/projects/${projectId}`;
    if (req.method === 'GET' && url.pathname === `${base}/datasets/${dataset}/tables/${table}`) {
      return this.send(
        res,
        record,
        200,
        JSON.stringify({
          kind: 'bigquery#table',
          id: `${projectId}:${dataset}.${table}`,
          tableReference: { projectId, datasetId: dataset, tableId: table },
          schema: { fields: BILLING_EXPORT_SCHEMA },
          numRows: String(this.rows.length),
          timePartitioning: { type: 'DAY' },
          type: 'TABLE',
        }),
      );
    }
    if (req.method === 'GET' && url.pathname.startsWith(`${base}/datasets/`)) {
      return this.send(res, record, 404, errorBody(404, 'NOT_FOUND', 'notFound', `Not found: Table ${url.pathname}`));
    }
    if (req.method === 'POST' && url.pathname === `${base}/queries`) {
      const result = this.run(marker, body);
      const jobId = `job_${randomUUID().replaceAll('-', '')}`;
      this.results.set(jobId, result);
      const formatOptions = (body['formatOptions'] ?? {}) as { useInt64Timestamp?: boolean };
      const page = this.page(result, 0, Number(body['maxResults'] ?? 0), formatOptions.useInt64Timestamp === true);
      return this.send(
        res,
        record,
        200,
        JSON.stringify({
          kind: 'bigquery#queryResponse',
          jobReference: { projectId, jobId, location: typeof body['location'] === 'string' ? body['location'] : 'US' },
          jobComplete: true,
          cacheHit: false,
          totalBytesProcessed: String(result.rows.length * 512),
          ...page,
        }),
      );
    }
    const jobMatch = new RegExp(`^${base}/queries/([A-Za-z0-9_-]+)$`).exec(url.pathname);
    if (req.method === 'GET' && jobMatch) {
      const result = this.results.get(jobMatch[1] ?? '');
      if (!result) return this.send(res, record, 404, errorBody(404, 'NOT_FOUND', 'notFound', `Not found: Job ${jobMatch[1]}`));
      const offset = Number(url.searchParams.get('pageToken') ?? '0');
      const page = this.page(result, offset, Number(url.searchParams.get('maxResults') ?? '0'), url.searchParams.get('formatOptions.useInt64Timestamp') === 'true');
      return this.send(
        res,
        record,
        200,
        JSON.stringify({ kind: 'bigquery#getQueryResultsResponse', jobReference: { projectId, jobId: jobMatch[1] }, jobComplete: true, ...page }),
      );
    }
    return this.send(res, record, 404, errorBody(404, 'NOT_FOUND', 'notFound', `fake bigquery: no route for ${req.method} ${url.pathname}`));
  }

  private page(result: StoredResult, offset: number, maxResults: number, int64Timestamps: boolean): Record<string, unknown> {
    const cap = this.options.maxPageRows ?? 100_000;
    const size = Math.min(maxResults > 0 ? maxResults : cap, cap);
    const slice = result.rows.slice(offset, offset + size);
    const end = offset + slice.length;
    return {
      schema: { fields: result.schema },
      totalRows: String(result.rows.length),
      rows: slice.map((values) => ({ f: result.schema.map((field, i) => encodeCell(field, values[i], int64Timestamps)) })),
      ...(end < result.rows.length ? { pageToken: String(end) } : {}),
    };
  }

  private params(body: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of (body['queryParameters'] ?? []) as Array<{ name: string; parameterValue: { value: string } }>) out[p.name] = p.parameterValue.value;
    return out;
  }

  /** Answers the connector's queries from the rows, as BigQuery would evaluate them. */
  private run(marker: FakeRequest['marker'], body: Record<string, unknown>): StoredResult {
    const params = this.params(body);
    const monthOf = (r: BillingRow): string => String((r['invoice'] as { month?: string } | undefined)?.month ?? '');
    if (marker === 'discover') {
      const since = micros(String(params['since']).replace(' ', 'T'));
      const sinceDay = (since / 86_400_000_000n) * 86_400_000_000n;
      const backfill = String(params['backfill_from']);
      const changed = new Set<string>();
      for (const r of this.rows) {
        const exported = micros(String(r['export_time']));
        // _PARTITIONTIME: the UTC day the row was exported.
        const partition = (exported / 86_400_000_000n) * 86_400_000_000n;
        if (partition >= sinceDay && exported >= since) changed.add(monthOf(r));
      }
      const byMonth = new Map<string, { max: string; maxUs: bigint; count: number }>();
      for (const r of this.rows) {
        const month = monthOf(r);
        if (!changed.has(month) && !(month >= backfill)) continue;
        const exported = String(r['export_time']);
        const us = micros(exported);
        const cur = byMonth.get(month);
        if (!cur) byMonth.set(month, { max: exported, maxUs: us, count: 1 });
        else {
          cur.count += 1;
          if (us > cur.maxUs) Object.assign(cur, { max: exported, maxUs: us });
        }
      }
      const schema: FakeField[] = [
        { name: 'invoice_month', type: 'STRING', mode: 'NULLABLE' },
        { name: 'max_export_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
        { name: 'row_count', type: 'INTEGER', mode: 'NULLABLE' },
      ];
      const rows = [...byMonth.entries()].sort((a, b) => b[0].localeCompare(a[0])).map(([m, v]) => [m, v.max, String(v.count)]);
      return { schema, rows };
    }
    if (marker === 'stage') {
      const month = params['invoice_month'];
      const rows = this.rows.filter((r) => monthOf(r) === month).map((r) => BILLING_EXPORT_SCHEMA.map((f) => r[f.name] ?? null));
      return { schema: BILLING_EXPORT_SCHEMA, rows };
    }
    throw new Error('fake bigquery: query without a known openfinops marker');
  }
}
