/**
 * A local Azure Resource Manager endpoint for the Consumption connector's tests, on 127.0.0.1, driven by the real
 * `@azure/arm-consumption` client: `GET /{scope}/providers/Microsoft.Consumption/usageDetails?api-version=…` with
 * `metric`, the documented usageStart/usageEnd `$filter`, `$expand`, and nextLink paging by `$skiptoken`.
 * Usage details are built from the repo's EA cost details fixture (legacy kind, numbers sent with the fixture's exact
 * digits). Bearer tokens are checked against the token the test's pipeline policy sends.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const EA_ACTUAL = path.resolve(import.meta.dirname, '../../fixtures/billing/finops-toolkit/EA_ActualCost_Small.csv');
export const API_VERSION = '2021-10-01';

/** A number to send with exactly these digits (JSON.stringify would round it through a double). */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type WireValue = string | boolean | null | RawNumber | WireValue[] | { [key: string]: WireValue };
export type UsageDetailItem = { [key: string]: WireValue };

export function toJsonText(value: WireValue): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
    .join(',')}}`;
}

/** RFC 4180 CSV → records (the fixture has quoted fields with commas and doubled quotes). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i += 1) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header = [], ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const NUMERIC = new Set(['Quantity', 'EffectivePrice', 'Cost', 'UnitPrice', 'PayGPrice']);
const METER = new Set(['MeterName', 'MeterCategory', 'MeterSubCategory', 'UnitOfMeasure', 'ServiceFamily']);
const DATES = new Set(['Date', 'BillingPeriodStartDate', 'BillingPeriodEndDate']);
/** In the CSV but not usage detail properties. */
const NOT_ON_WIRE = new Set(['Tags', 'MeterRegion', 'AvailabilityZone', 'InvoiceSectionId', 'CostAllocationRuleName']);

function wireDate(us: string): string {
  const [m = '', d = '', y = ''] = us.split('/');
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}T00:00:00.0000000Z`;
}

/** One EA cost details CSV row → a legacy usage detail as the Consumption API (2021-10-01) returns it. */
export function legacyItem(row: Record<string, string>, scope: string): UsageDetailItem {
  const properties: { [key: string]: WireValue } = {};
  const meterDetails: { [key: string]: WireValue } = {};
  for (const [header, value] of Object.entries(row)) {
    if (NOT_ON_WIRE.has(header)) continue;
    // Wire property names are the CSV headers in camelCase.
    const name = header.charAt(0).toLowerCase() + header.slice(1);
    let wire: WireValue = value === '' ? null : value;
    if (value !== '' && NUMERIC.has(header)) wire = new RawNumber(value);
    else if (value !== '' && DATES.has(header)) wire = wireDate(value);
    else if (header === 'IsAzureCreditEligible') wire = value.toLowerCase() === 'true';
    if (METER.has(header)) meterDetails[name] = wire;
    else properties[name] = wire;
  }
  properties['meterDetails'] = meterDetails;
  const tags = row['Tags'] ? (JSON.parse(`{${row['Tags']}}`) as Record<string, string>) : null;
  const id = randomUUID();
  return {
    id: `/${scope}/providers/Microsoft.Billing/billingPeriods/${(row['BillingPeriodStartDate'] ?? '').replace(/^(\d+)\/\d+\/(\d+)$/, (_m, mo: string, y: string) => `${y}${mo.padStart(2, '0')}`)}/providers/Microsoft.Consumption/usageDetails/${id}`,
    name: id,
    type: 'Microsoft.Consumption/usageDetails',
    kind: 'legacy',
    tags,
    properties,
  };
}

/**
 * The EA fixture as both metrics. Amortized (as in test/import/azure-cost-details.test.ts): the on-demand rows
 * unchanged, the reservation purchase replaced by a covered usage row (0.5) and an UnusedReservation row (2.75).
 */
export function eaFixtureItems(scope: string): { actualcost: UsageDetailItem[]; amortizedcost: UsageDetailItem[] } {
  const rows = parseCsv(readFileSync(EA_ACTUAL, 'utf8'));
  const actualcost = rows.map((r) => legacyItem(r, scope));
  const purchase = rows.find((r) => r['ChargeType'] === 'Purchase');
  if (!purchase) throw new Error('EA fixture has no reservation purchase row');
  const usage = rows.filter((r) => r !== purchase);
  const amortizedcost = [
    ...usage.map((r) => legacyItem(r, scope)),
    legacyItem({ ...purchase, ChargeType: 'Usage', Cost: '0.5', Frequency: 'UsageBased', Quantity: '10' }, scope),
    legacyItem({ ...purchase, ChargeType: 'UnusedReservation', Cost: '2.75', Frequency: 'UsageBased' }, scope),
  ];
  return { actualcost, amortizedcost };
}

export interface ArmRequest {
  path: string;
  query: Record<string, string>;
  status: number;
}

interface Failure {
  status: number;
  retryAfter?: number;
}

function armError(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export interface ArmFakeOptions {
  scope: string;
  /** The bearer token requests must carry. */
  token: string;
  data: Record<'actualcost' | 'amortizedcost', UsageDetailItem[]>;
  pageSize: number;
}

export class ArmFake {
  readonly requests: ArmRequest[] = [];
  /** Usage details per metric; tests restate a month by editing these lists. */
  data: Record<'actualcost' | 'amortizedcost', UsageDetailItem[]>;
  /** The token's expiry passed: every request gets 401 ExpiredAuthenticationToken. */
  tokenExpired = false;
  private readonly failures: Failure[] = [];
  private server: Server | null = null;
  private base = '';

  constructor(private readonly options: ArmFakeOptions) {
    this.data = options.data;
  }

  get url(): string {
    return this.base;
  }

  failNext(status: number, retryAfter?: number): void {
    this.failures.push({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      try {
        this.handle(req, res);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(armError('InternalServerError', err instanceof Error ? err.message : String(err)));
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private send(res: ServerResponse, record: ArmRequest, status: number, body: string, headers: Record<string, string> = {}): void {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
    res.end(body);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    const record: ArmRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.requests.push(record);
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.options.token}`) {
      return this.send(res, record, 401, armError('InvalidAuthenticationToken', 'The access token is invalid.'));
    }
    if (this.tokenExpired) {
      return this.send(
        res,
        record,
        401,
        armError('ExpiredAuthenticationToken', `The access token expiry UTC time '${new Date(Date.now() - 60_000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`),
      );
    }
    const failure = this.failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      const code = failure.status === 429 ? 'TooManyRequests' : 'InternalServerError';
      return this.send(res, record, failure.status, armError(code, `injected ${failure.status}`), headers);
    }
    const expected = `/${this.options.scope}/providers/Microsoft.Consumption/usageDetails`;
    if (req.method !== 'GET' || url.pathname !== expected) {
      return this.send(res, record, 404, armError('ResourceNotFound', `fake arm: no route for ${req.method} ${url.pathname}`));
    }
    if (url.searchParams.get('api-version') !== API_VERSION) {
      return this.send(res, record, 400, armError('InvalidApiVersionParameter', `api-version ${url.searchParams.get('api-version')} is not supported`));
    }
    const metric = (url.searchParams.get('metric') ?? 'actualcost').toLowerCase();
    if (metric !== 'actualcost' && metric !== 'amortizedcost') {
      return this.send(res, record, 400, armError('BadRequest', `metric ${metric} is not supported by the fake`));
    }
    const filter = url.searchParams.get('$filter') ?? '';
    const range = /properties\/usageStart ge '(\d{4}-\d{2}-\d{2})' and properties\/usageEnd le '(\d{4}-\d{2}-\d{2})'/.exec(filter);
    if (!range) return this.send(res, record, 400, armError('BadRequest', `unsupported $filter: ${filter}`));
    const [, from = '', to = ''] = range;
    const expandMeter = (url.searchParams.get('$expand') ?? '').includes('meterDetails');
    const rows = this.data[metric].filter((item) => {
      const date = String((item['properties'] as { date?: string }).date ?? '').slice(0, 10);
      return date >= from && date <= to;
    });
    const offset = Number(url.searchParams.get('$skiptoken') ?? '0');
    const page = rows.slice(offset, offset + this.options.pageSize).map((item) => {
      if (expandMeter) return item;
      const { meterDetails: _omitted, ...properties } = item['properties'] as Record<string, WireValue>;
      return { ...item, properties };
    });
    const next = offset + page.length;
    let nextLink: string | null = null;
    if (next < rows.length) {
      const link = new URL(url.toString());
      link.searchParams.set('$skiptoken', String(next));
      nextLink = link.toString();
    }
    return this.send(res, record, 200, toJsonText({ value: page, ...(nextLink ? { nextLink } : {}) }));
  }
}
