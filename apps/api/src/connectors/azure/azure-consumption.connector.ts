/**
 * Azure: usage details of a billing scope from the Consumption API (`@azure/arm-consumption`, usageDetails.list with
 * nextLink paging), one calendar month at a time, as the actual-cost and amortized-cost CSVs the `azure-cost-details`
 * format combines by Microsoft's rule. The SDK makes every HTTP call (auth, retries, paging); the connector reads each
 * page's raw body so costs keep every digit the API sent (the SDK's models hold them as doubles).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { ConsumptionManagementClient, type Metrictype } from '@azure/arm-consumption';
import { ClientSecretCredential } from '@azure/identity';
import { Decimal } from 'decimal.js';
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
import { type AzureConnection, clientSecretOf, parseAzureConnection, sourceKeyOf } from './azure-connection.ts';
import { billingCost, canonicalItem, csvHeaderLine, csvLine, type UsageItem, type UsageKind, usageKindOf } from './azure-usage-csv.ts';
import { type LosslessValue, parseJsonLossless } from './lossless-json.ts';

export const AZURE_FORMAT = 'azure-cost-details';

export type AzurePipelinePolicy = Parameters<ConsumptionManagementClient['pipeline']['addPolicy']>[0];

export interface AzureConnectorOptions {
  /**
   * Tests only: replaces the SDK's bearer-token policy with this one. The SDK refuses to send bearer tokens to a
   * plain-HTTP endpoint, so a local ARM fake can only be reached this way; production code never sets it.
   */
  authPolicy?: AzurePipelinePolicy;
  /** The SDK's retry settings for 429 (Retry-After honoured) and 5xx; defaults: 3 retries from about 1 s. */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

const BEARER_POLICY = 'bearerTokenAuthenticationPolicy';
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR']);

interface PeriodScan {
  rows: number;
  kinds: Set<UsageKind>;
  totals: Map<string, Decimal>;
  digest: bigint;
}

/** Calendar months (`yyyy-mm`, UTC) from `from` to `to`, newest first. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(to.slice(0, 4));
  let m = Number(to.slice(5, 7));
  while (`${y}-${String(m).padStart(2, '0')}` >= from) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return out;
}

function monthOf(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The filter Cost Management documents for a date range of usage details (both ends inclusive). */
export function periodFilter(billingPeriod: string): string {
  const [y, m] = billingPeriod.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `properties/usageStart ge '${billingPeriod}-01' and properties/usageEnd le '${billingPeriod}-${String(last).padStart(2, '0')}'`;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** SDK / identity failures → the contract's errors: refused credentials fail the run, throttling and 5xx retry it. */
export function classifyAzureError(err: unknown, what: string, account: { id: string }, c: AzureConnection): Error {
  if (err instanceof ConnectorAuthError || err instanceof ConnectorTransientError) return err;
  const e = err as { name?: string; statusCode?: number; code?: string };
  const where = `Azure account ${account.id} (scope ${c.scope})`;
  const msg = messageOf(err);
  if (e.name === 'AuthenticationError' || e.name === 'CredentialUnavailableError' || e.statusCode === 401 || e.statusCode === 403 || /AADSTS\d+/.test(msg)) {
    return new ConnectorAuthError(
      `${where}: Azure refused app ${c.clientId} of tenant ${c.tenantId} while ${what} (${e.statusCode ?? e.name ?? 'auth'}${e.code ? ` ${e.code}` : ''}: ${msg}). ` +
        'The client secret may have expired or been removed, or the app lacks Cost Management Reader (or Billing Reader) on the scope: store a new clientSecret.',
      { cause: err },
    );
  }
  if (e.statusCode === 429 || (e.statusCode !== undefined && e.statusCode >= 500) || (e.code !== undefined && NETWORK_CODES.has(e.code))) {
    return new ConnectorTransientError(`${where}: the Consumption API was unavailable while ${what} after the SDK's retries (${e.statusCode ?? e.code}: ${msg})`, {
      cause: err,
    });
  }
  return new Error(`${where}: the Consumption API failed while ${what}: ${msg}`, { cause: err });
}

export class AzureConsumptionConnector implements BillingConnector {
  readonly provider: CloudProvider = 'azure';

  constructor(private readonly options: AzureConnectorOptions = {}) {}

  private client(ctx: ConnectorContext, c: AzureConnection): ConsumptionManagementClient {
    const credential = new ClientSecretCredential(c.tenantId, c.clientId, clientSecretOf(ctx.account), c.authorityHost ? { authorityHost: c.authorityHost } : {});
    // usageDetails takes its scope per call; the constructor's subscription id is only used by subscription-bound operations.
    const subscription = /^subscriptions\/([0-9a-fA-F-]{36})$/i.exec(c.scope)?.[1] ?? '00000000-0000-0000-0000-000000000000';
    const client = new ConsumptionManagementClient(credential, subscription, {
      ...(c.endpoint ? { endpoint: c.endpoint.replace(/\/+$/, '') } : {}),
      retryOptions: { maxRetries: 3, ...this.options.retry },
      userAgentOptions: { userAgentPrefix: 'openfinops' },
    });
    if (this.options.authPolicy) {
      client.pipeline.removePolicy({ name: BEARER_POLICY });
      client.pipeline.addPolicy(this.options.authPolicy);
    }
    return client;
  }

  /**
   * Usage details of one month and metric, page by page (the SDK follows nextLink). Each page is re-read from the raw
   * response body with numbers kept as text.
   */
  private async *pages(client: ConsumptionManagementClient, c: AzureConnection, billingPeriod: string, metric: Metrictype, signal?: AbortSignal): AsyncGenerator<UsageItem[]> {
    let raw: string | null | undefined;
    const iterator = client.usageDetails
      .list(c.scope, {
        metric,
        filter: periodFilter(billingPeriod),
        expand: 'properties/meterDetails,properties/additionalInfo',
        ...(signal ? { abortSignal: signal } : {}),
        onResponse: (response) => {
          raw = response.bodyAsText;
        },
      })
      .byPage();
    for await (const page of iterator) {
      const body = parseJsonLossless(raw ?? '{}') as { value?: LosslessValue };
      const items = Array.isArray(body.value) ? (body.value as UsageItem[]) : [];
      // The raw body must be the page the SDK just parsed.
      if (items.length !== page.length) throw new Error(`usage details page of ${billingPeriod}: ${page.length} items parsed but ${items.length} in the body`);
      raw = undefined;
      yield items;
    }
  }

  private async scan(client: ConsumptionManagementClient, c: AzureConnection, billingPeriod: string, where: string, signal?: AbortSignal): Promise<PeriodScan> {
    const scan: PeriodScan = { rows: 0, kinds: new Set(), totals: new Map(), digest: 0n };
    for await (const items of this.pages(client, c, billingPeriod, 'actualcost', signal)) {
      for (const item of items) {
        const kind = usageKindOf(item, where);
        scan.kinds.add(kind);
        scan.rows += 1;
        const { currency, cost } = billingCost(kind, item);
        scan.totals.set(currency, (scan.totals.get(currency) ?? new Decimal(0)).plus(cost));
        // Content only (row ids and etags may be re-issued); summed so the API's row order does not matter.
        const h = createHash('sha256').update(canonicalItem({ properties: item['properties'] ?? null, tags: item['tags'] ?? null })).digest();
        scan.digest = (scan.digest + h.readBigUInt64BE(0) * 2n ** 64n + h.readBigUInt64BE(8)) % 2n ** 128n;
      }
    }
    return scan;
  }

  private periodsToCheck(ctx: ConnectorContext, c: AzureConnection): string[] {
    const current = monthOf(ctx.now);
    const previous = monthOf(new Date(Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth() - 1, 1)));
    // Microsoft restates the open month daily and the previous one until it closes: both are always re-read.
    const from = c.backfillFrom && c.backfillFrom < previous ? c.backfillFrom : previous;
    return monthsBetween(from, current);
  }

  private async discoverWith(ctx: ConnectorContext, c: AzureConnection, client: ConsumptionManagementClient): Promise<{ periods: DiscoveredPeriod[]; kinds: Set<UsageKind> }> {
    const periods: DiscoveredPeriod[] = [];
    const kinds = new Set<UsageKind>();
    for (const billingPeriod of this.periodsToCheck(ctx, c)) {
      let scan: PeriodScan;
      try {
        scan = await this.scan(client, c, billingPeriod, `Azure account ${ctx.account.id} ${billingPeriod}`, ctx.signal);
      } catch (err) {
        throw classifyAzureError(err, `listing usage details of ${billingPeriod}`, ctx.account, c);
      }
      for (const k of scan.kinds) kinds.add(k);
      if (scan.rows === 0) continue;
      const totals = [...scan.totals.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([cur, sum]) => `${cur}=${sum.toFixed()}`)
        .join(',');
      periods.push({
        billingPeriod,
        sourceKey: sourceKeyOf(c),
        // The usage details API has no ETag or export id per period: the version is the actual-cost rows' count,
        // sums per currency, and an order-independent digest of their content (any restated field changes it).
        version: `rows=${scan.rows};${totals};digest=${scan.digest.toString(16).padStart(32, '0')}`,
        format: AZURE_FORMAT,
        objects: [
          { key: `${c.scope}/providers/Microsoft.Consumption/usageDetails?metric=actualcost&period=${billingPeriod}` },
          { key: `${c.scope}/providers/Microsoft.Consumption/usageDetails?metric=amortizedcost&period=${billingPeriod}` },
        ],
      });
    }
    ctx.log.info('azure discover', { account: ctx.account.id, periods: periods.map((p) => `${p.billingPeriod}@${p.version}`) });
    return { periods, kinds };
  }

  async discover(ctx: ConnectorContext): Promise<DiscoveredPeriod[]> {
    const c = parseAzureConnection(ctx.account);
    return (await this.discoverWith(ctx, c, this.client(ctx, c))).periods;
  }

  /** Writes one metric of a period to `<name>.partial`, renamed when complete; returns rows, bytes and kind. */
  private async writeMetric(client: ConsumptionManagementClient, c: AzureConnection, ctx: ConnectorContext, billingPeriod: string, metric: Metrictype, file: string): Promise<{ rows: number; bytes: number; kind: UsageKind | null }> {
    const partial = `${file}.partial`;
    let out: WriteStream | null = null;
    let kind: UsageKind | null = null;
    let rows = 0;
    let bytes = 0;
    const where = `Azure account ${ctx.account.id} ${billingPeriod} ${metric}`;
    try {
      for await (const items of this.pages(client, c, billingPeriod, metric, ctx.signal)) {
        let chunk = '';
        for (const item of items) {
          const k = usageKindOf(item, where);
          if (kind === null) {
            kind = k;
            chunk += csvHeaderLine(k);
          } else if (k !== kind) {
            throw new Error(`${where}: the scope mixes ${kind} and ${k} usage details; one CSV cannot hold both (use one scope per agreement)`);
          }
          chunk += csvLine(k, item);
          rows += 1;
        }
        if (chunk === '') continue;
        out ??= createWriteStream(partial, { flags: 'wx' });
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (out) {
        out.end();
        await once(out, 'finish');
        await rename(partial, file);
      }
    } catch (err) {
      out?.destroy();
      await rm(partial, { force: true });
      if (err instanceof Error && err.message.startsWith(where)) throw err;
      throw classifyAzureError(err, `reading ${metric} usage details of ${billingPeriod}`, ctx.account, c);
    }
    return { rows, bytes, kind };
  }

  async stage(ctx: ConnectorContext, period: DiscoveredPeriod): Promise<StagedPeriod> {
    const c = parseAzureConnection(ctx.account);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period.billingPeriod)) throw new Error(`Azure stage: billing period "${period.billingPeriod}" is not yyyy-mm`);
    const client = this.client(ctx, c);
    // The names tell the format which dataset each file is (it also classifies by content).
    const actualFile = path.join(ctx.stagingDir, `azure-usage-${period.billingPeriod}-ActualCost.csv`);
    const amortizedFile = path.join(ctx.stagingDir, `azure-usage-${period.billingPeriod}-AmortizedCost.csv`);
    const actual = await this.writeMetric(client, c, ctx, period.billingPeriod, 'actualcost', actualFile);
    if (actual.rows === 0) {
      throw new ConnectorTransientError(`Azure stage: ${period.billingPeriod} of ${c.scope} has no actual-cost usage details any more (discovered as ${period.version}); the next run re-discovers it`);
    }
    const amortized = await this.writeMetric(client, c, ctx, period.billingPeriod, 'amortizedcost', amortizedFile);
    if (amortized.kind !== null && amortized.kind !== actual.kind) {
      await rm(amortizedFile, { force: true });
      throw new Error(`Azure stage: ${period.billingPeriod}: actual cost rows are ${actual.kind} but amortized rows are ${amortized.kind}`);
    }
    const files = amortized.rows > 0 ? [actualFile, amortizedFile] : [actualFile];
    ctx.log.info('azure staged', { account: ctx.account.id, billingPeriod: period.billingPeriod, actualRows: actual.rows, amortizedRows: amortized.rows });
    return { files, format: AZURE_FORMAT, bytes: actual.bytes + amortized.bytes };
  }

  async test(ctx: ConnectorContext): Promise<ConnectionReport> {
    const c = parseAzureConnection(ctx.account);
    const checks: ConnectionCheck[] = [];
    let periods: DiscoveredPeriod[] = [];
    const client = this.client(ctx, c);
    try {
      const found = await this.discoverWith(ctx, c, client);
      periods = found.periods;
      checks.push({ name: 'credentials and scope', ok: true, detail: `app ${c.clientId} can read usage details of ${c.scope}` });
      const kinds = [...found.kinds].map((k) => (k === 'legacy' ? 'legacy (EA / pay-as-you-go columns)' : 'modern (MCA columns)'));
      checks.push({ name: 'usage detail kind', ok: found.kinds.size <= 1, detail: kinds.length === 0 ? 'no rows yet' : kinds.join(' and ') });
      checks.push({
        name: 'billing periods',
        ok: true,
        detail: periods.length === 0 ? `no usage in ${this.periodsToCheck(ctx, c).join(', ')}` : periods.map((p) => `${p.billingPeriod} (${p.version.split(';digest')[0]})`).join(', '),
      });
    } catch (err) {
      checks.push({ name: 'credentials and scope', ok: false, detail: messageOf(err) });
    }
    return { ok: checks.every((ch) => ch.ok), checks, periods };
  }
}
