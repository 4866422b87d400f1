/**
 * AWS billing exports in S3 (CUR 1.0, CUR 2.0 Data Exports, FOCUS Data Exports) through the real @aws-sdk/client-s3.
 * Discovery reads each period's manifest; staging streams the manifest's data files to the run's staging directory,
 * checking size and, for single-part objects, the MD5 the ETag carries. See cur-layout.ts for the key layout.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { credentialProviderFor } from '@openfinops/checkers';
import { awsOptionsSchema, type AwsAccountOptions } from '../../accounts/cloud-account-options.ts';
import {
  type BillingConnector,
  type ConnectionCheck,
  type ConnectionReport,
  type ConnectorAccount,
  type ConnectorContext,
  ConnectorExportError,
  type DiscoveredPeriod,
  type StagedPeriod,
} from '../billing-connector.ts';
import { awsErrorCode, mapAwsError } from './aws-errors.ts';
import {
  type AwsExportType,
  cur1ManifestKey,
  cur1PeriodFromFolder,
  dataExportPeriodFromFolder,
  exportRoot,
  FORMAT_BY_EXPORT,
  isManifestKey,
  type ListedObject,
  ManifestError,
  MAX_MANIFEST_BYTES,
  md5FromEtag,
  openPeriods,
  parseCur1Manifest,
  parseDataExportManifest,
  periodVersion,
  stagedFileName,
} from './cur-layout.ts';

export interface AwsS3ConnectorOptions {
  /** Attempts per S3 call including the first (SDK standard retry strategy). Default 5. */
  maxAttempts?: number;
  /** Replaces the SDK's backoff delays (same retry decisions); tests keep retries fast with it. */
  retryDelayMs?: (attempt: number) => number;
  requestTimeoutMs?: number;
  /**
   * Keys per ListObjectsV2 page (MaxKeys), 1 to 1000; S3's own default (1000) when unset. Listings follow
   * NextContinuationToken either way; tests make pages small to exercise that against a local server.
   */
  listPageSize?: number;
  /** Environment for AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Credentials that call AssumeRole; the SDK default chain when absent. */
  sourceCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Parsed account settings: the operator's options plus the generated STS external id. */
export interface AwsExportSettings extends AwsAccountOptions {
  accountId: string;
  stsExternalId: string | null;
}

export function awsExportSettings(account: ConnectorAccount): AwsExportSettings {
  const { externalId: stsExternalId, ...options } = account.connection as Record<string, unknown>;
  const parsed = awsOptionsSchema.safeParse({ accountId: account.externalId, ...options });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Cloud account ${account.id}: invalid AWS connection option ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { ...parsed.data, accountId: account.externalId, stsExternalId: typeof stsExternalId === 'string' ? stsExternalId : null };
}

function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

const FILE_STAGE_ATTEMPTS = 3;

export class AwsS3BillingConnector implements BillingConnector {
  readonly provider = 'aws' as const;
  /** One credential provider per opened account, so a run assumes the role once (renewed near expiry), not per call. */
  private readonly credentialCache = new WeakMap<ConnectorAccount, AwsCredentialIdentityProvider | AwsCredentialIdentity>();

  constructor(private readonly options: AwsS3ConnectorOptions = {}) {
    const size = options.listPageSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) {
      throw new Error(`listPageSize must be a whole number from 1 to 1000, got ${String(size)}`);
    }
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? 5;
  }

  private credentials(account: ConnectorAccount, s: AwsExportSettings): AwsCredentialIdentityProvider | AwsCredentialIdentity {
    const cached = this.credentialCache.get(account);
    if (cached) return cached;
    let creds: AwsCredentialIdentityProvider | AwsCredentialIdentity;
    const secret = account.secret;
    if (secret?.accessKeyId && secret.secretAccessKey) {
      creds = { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey, ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) };
    } else if (s.roleArn) {
      if (!s.stsExternalId) throw new Error(`Cloud account ${account.id}: the AWS connection has no external id to assume ${s.roleArn} with`);
      creds = credentialProviderFor(
        { kind: 'assume-role', roleArn: s.roleArn, externalId: s.stsExternalId },
        {
          tenantId: account.tenantId,
          stsRegion: s.region,
          maxAttempts: this.maxAttempts,
          ...(this.options.sourceCredentials ? { sourceCredentials: this.options.sourceCredentials } : {}),
        },
      );
    } else {
      creds = fromNodeProviderChain();
    }
    this.credentialCache.set(account, creds);
    return creds;
  }

  private client(ctx: ConnectorContext, s: AwsExportSettings): S3Client {
    const env = this.options.env ?? process.env;
    const endpoint = s.endpoint ?? (env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined);
    return new S3Client({
      region: s.region,
      credentials: this.credentials(ctx.account, s),
      maxAttempts: this.maxAttempts,
      ...(this.options.retryDelayMs ? { retryStrategy: new ConfiguredRetryStrategy(this.maxAttempts, this.options.retryDelayMs) } : {}),
      // S3-compatible servers and local fakes address buckets by path, not by virtual host.
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? 60_000, connectionTimeout: 10_000 },
    });
  }

  private async withClient<T>(ctx: ConnectorContext, fn: (client: S3Client, s: AwsExportSettings) => Promise<T>): Promise<T> {
    const s = awsExportSettings(ctx.account);
    const client = this.client(ctx, s);
    try {
      return await fn(client, s);
    } finally {
      client.destroy();
    }
  }

  async test(ctx: ConnectorContext): Promise<ConnectionReport> {
    return this.withClient(ctx, async (client, s) => {
      const checks: ConnectionCheck[] = [];
      const root = exportRoot(s.prefix, s.exportName);
      const credentialSource = ctx.account.secret?.accessKeyId ? 'static access key' : s.roleArn ? `AssumeRole ${s.roleArn}` : 'default credential chain';
      try {
        const resolved = await client.config.credentials();
        checks.push({ name: 'credentials', ok: true, detail: `${credentialSource}: resolved${resolved.expiration ? `, valid until ${resolved.expiration.toISOString()}` : ''}` });
      } catch (err) {
        checks.push({ name: 'credentials', ok: false, detail: mapAwsError(err, credentialSource).message });
        return { ok: false, checks, periods: [] };
      }
      try {
        // One delimited listing of the export root: cheap, and proves s3:ListBucket on the prefix.
        const folders = await this.listFolders(ctx, client, s.bucket, `${root}/`);
        checks.push({
          name: 'export location',
          ok: folders.length > 0,
          detail: folders.length > 0 ? `${s3Url(s.bucket, `${root}/`)} is readable (${folders.length} folder(s))` : `${s3Url(s.bucket, `${root}/`)} is readable but empty: has the export delivered yet?`,
        });
      } catch (err) {
        checks.push({ name: 'export location', ok: false, detail: (err instanceof Error ? err : mapAwsError(err, `ListObjectsV2 ${s3Url(s.bucket, `${root}/`)}`)).message });
        return { ok: false, checks, periods: [] };
      }
      let periods: DiscoveredPeriod[];
      try {
        periods = await this.discoverWith(ctx, client, s);
        checks.push({ name: 'manifests', ok: periods.length > 0, detail: periods.length > 0 ? `${periods.length} period(s): ${periods.map((p) => p.billingPeriod).join(', ')}` : `no ${s.exportType} manifest under ${s3Url(s.bucket, `${root}/`)}` });
      } catch (err) {
        checks.push({ name: 'manifests', ok: false, detail: err instanceof Error ? err.message : String(err) });
        return { ok: false, checks, periods: [] };
      }
      const open = openPeriods(ctx.now);
      const have = new Set(periods.map((p) => p.billingPeriod));
      checks.push({
        name: 'open periods',
        // Informational: early in a month the current period has not been delivered yet.
        ok: true,
        detail: `current ${open.current}: ${have.has(open.current) ? 'delivered' : 'not delivered yet'}; previous ${open.previous}: ${have.has(open.previous) ? 'delivered' : 'not delivered'}`,
      });
      return { ok: checks.every((c) => c.ok), checks, periods };
    });
  }

  async discover(ctx: ConnectorContext): Promise<DiscoveredPeriod[]> {
    return this.withClient(ctx, (client, s) => this.discoverWith(ctx, client, s));
  }

  async stage(ctx: ConnectorContext, period: DiscoveredPeriod): Promise<StagedPeriod> {
    return this.withClient(ctx, async (client, s) => {
      const manifest = period.objects.find((o) => isManifestKey(o.key));
      const dataFiles = period.objects.filter((o) => !isManifestKey(o.key));
      const files: string[] = [];
      let bytes = 0;
      for (const [i, object] of dataFiles.entries()) {
        const target = path.join(ctx.stagingDir, stagedFileName(i, object.key));
        const listedIn = manifest ? ` (listed in ${s3Url(s.bucket, manifest.key)})` : '';
        ctx.log.info('Downloading billing file', { key: object.key, size: object.size, period: period.billingPeriod });
        bytes += await this.downloadWithRetry(ctx, client, s.bucket, object, target, listedIn);
        files.push(target);
      }
      return { files, format: period.format, bytes };
    });
  }

  private async discoverWith(ctx: ConnectorContext, client: S3Client, s: AwsExportSettings): Promise<DiscoveredPeriod[]> {
    const root = exportRoot(s.prefix, s.exportName);
    const type: AwsExportType = s.exportType;
    const sourceKey = `${type}:${s.bucket}/${root}`;
    const format = FORMAT_BY_EXPORT[type];
    const found: DiscoveredPeriod[] = [];
    if (type === 'cur1') {
      for (const folder of await this.listFolders(ctx, client, s.bucket, `${root}/`)) {
        const period = cur1PeriodFromFolder(folder);
        if (!period) continue;
        const manifestKey = cur1ManifestKey(root, folder, s.exportName);
        const text = await this.readManifest(ctx, client, s.bucket, manifestKey);
        if (text === null) {
          ctx.log.warn('Period folder without a manifest (delivery in progress?): skipped', { key: manifestKey });
          continue;
        }
        const parsed = parseCur1Manifest(text.body, s3Url(s.bucket, manifestKey));
        found.push(await this.periodFrom(ctx, client, s, { period, sourceKey, format, manifestKey, parsed }));
      }
    } else {
      for (const folder of await this.listFolders(ctx, client, s.bucket, `${root}/metadata/`)) {
        const period = dataExportPeriodFromFolder(folder);
        if (!period) continue;
        const listed = await this.listObjects(ctx, client, s.bucket, `${root}/metadata/${folder}/`);
        // Versioned exports keep one manifest per delivery: the newest one describes the period now.
        const manifests = listed.filter((o) => isManifestKey(o.key)).sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || (a.key < b.key ? 1 : -1));
        const newest = manifests[0];
        if (!newest) {
          ctx.log.warn('Period folder without a manifest (delivery in progress?): skipped', { prefix: `${root}/metadata/${folder}/` });
          continue;
        }
        const text = await this.readManifest(ctx, client, s.bucket, newest.key);
        if (text === null) continue;
        const parsed = parseDataExportManifest(text.body, s3Url(s.bucket, newest.key), s.bucket);
        found.push(await this.periodFrom(ctx, client, s, { period, sourceKey, format, manifestKey: newest.key, parsed }));
      }
    }
    const open = openPeriods(ctx.now);
    for (const p of [open.current, open.previous]) {
      if (!found.some((f) => f.billingPeriod === p)) ctx.log.info('No delivery for an open period yet', { period: p, export: s3Url(s.bucket, root) });
    }
    return found.sort((a, b) => (a.billingPeriod < b.billingPeriod ? 1 : a.billingPeriod > b.billingPeriod ? -1 : 0));
  }

  private async periodFrom(
    ctx: ConnectorContext,
    client: S3Client,
    s: AwsExportSettings,
    d: { period: string; sourceKey: string; format: string; manifestKey: string; parsed: ReturnType<typeof parseCur1Manifest> },
  ): Promise<DiscoveredPeriod> {
    if (d.parsed.billingPeriod && d.parsed.billingPeriod !== d.period) {
      throw new ConnectorExportError(`${s3Url(s.bucket, d.manifestKey)}: manifest billing period ${d.parsed.billingPeriod} does not match its folder (${d.period})`);
    }
    // One listing per folder the data files live in (usually one) gives every size and ETag.
    const dirs = [...new Set(d.parsed.dataKeys.map((k) => `${path.posix.dirname(k)}/`))];
    const listed = new Map<string, ListedObject>();
    for (const dir of dirs) for (const o of await this.listObjects(ctx, client, s.bucket, dir)) listed.set(o.key, o);
    const data = d.parsed.dataKeys.map((key) => {
      const o = listed.get(key);
      if (!o) ctx.log.warn('Manifest lists a file the bucket does not hold', { key, manifest: d.manifestKey });
      return { key, size: o?.size, etag: o?.etag ?? null };
    });
    return {
      billingPeriod: d.period,
      sourceKey: d.sourceKey,
      version: periodVersion(d.parsed.deliveryId, data),
      format: d.format,
      objects: [{ key: d.manifestKey }, ...data.map((o) => (o.size === undefined ? { key: o.key } : { key: o.key, size: o.size }))],
    };
  }

  private async listFolders(ctx: ConnectorContext, client: S3Client, bucket: string, prefix: string): Promise<string[]> {
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const out = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token, MaxKeys: this.options.listPageSize }), { abortSignal: ctx.signal })
        .catch((err: unknown) => {
          throw mapAwsError(err, `ListObjectsV2 ${s3Url(bucket, prefix)}`);
        });
      for (const p of out.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return folders;
  }

  private async listObjects(ctx: ConnectorContext, client: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    let token: string | undefined;
    do {
      const out = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.options.listPageSize }), { abortSignal: ctx.signal })
        .catch((err: unknown) => {
          throw mapAwsError(err, `ListObjectsV2 ${s3Url(bucket, prefix)}`);
        });
      for (const o of out.Contents ?? []) {
        if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? null, lastModified: o.LastModified ?? null });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  /** The manifest text, or null when the object is absent (a period folder whose delivery is still being written). */
  private async readManifest(ctx: ConnectorContext, client: S3Client, bucket: string, key: string): Promise<{ body: string; etag: string | null } | null> {
    let out: GetObjectCommandOutput;
    try {
      out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal });
    } catch (err) {
      if (awsErrorCode(err) === 'NoSuchKey') return null;
      throw mapAwsError(err, `GetObject ${s3Url(bucket, key)}`);
    }
    if ((out.ContentLength ?? 0) > MAX_MANIFEST_BYTES) {
      (out.Body as Readable | undefined)?.destroy();
      throw new ConnectorExportError(`${s3Url(bucket, key)}: ${out.ContentLength} bytes is too large for a manifest`);
    }
    try {
      return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? null };
    } catch (err) {
      throw mapAwsError(err, `GetObject ${s3Url(bucket, key)}`);
    }
  }

  /** The SDK retries requests, not a body stream cut off halfway: that is retried here, from the start of the file. */
  private async downloadWithRetry(
    ctx: ConnectorContext,
    client: S3Client,
    bucket: string,
    object: { key: string; size?: number },
    target: string,
    listedIn: string,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.download(ctx, client, bucket, object, target, listedIn);
      } catch (err) {
        await rm(`${target}.part`, { force: true });
        const mapped = err instanceof ManifestError ? err : mapAwsError(err, `GetObject ${s3Url(bucket, object.key)}${listedIn}`);
        if (!('retryable' in mapped) || mapped.retryable !== true || attempt >= FILE_STAGE_ATTEMPTS || ctx.signal?.aborted) throw mapped;
        ctx.log.warn('Download failed, retrying the file', { key: object.key, attempt, error: mapped.message });
      }
    }
  }

  private async download(
    ctx: ConnectorContext,
    client: S3Client,
    bucket: string,
    object: { key: string; size?: number },
    target: string,
    listedIn: string,
  ): Promise<number> {
    const where = `${s3Url(bucket, object.key)}${listedIn}`;
    let out: GetObjectCommandOutput;
    try {
      out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }), { abortSignal: ctx.signal });
    } catch (err) {
      if (awsErrorCode(err) === 'NoSuchKey') throw new ConnectorExportError(`${where}: the file is missing from the bucket (NoSuchKey)`, { cause: err });
      throw err;
    }
    if (!out.Body) throw new ConnectorExportError(`${where}: empty response body`);
    const md5 = createHash('md5');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        md5.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const part = `${target}.part`;
    await pipeline(out.Body as Readable, meter, createWriteStream(part, { flags: 'wx' }), ctx.signal ? { signal: ctx.signal } : {});
    if (out.ContentLength !== undefined && bytes !== out.ContentLength) {
      throw new ConnectorExportError(`${where}: received ${bytes} bytes but the response announced ${out.ContentLength}`);
    }
    if (object.size !== undefined && bytes !== object.size) {
      throw new ConnectorExportError(`${where}: ${bytes} bytes downloaded but the listing said ${object.size} (the file changed during the run?)`);
    }
    // SSE-KMS ETags are not an MD5 of the bytes, multipart ETags carry a part count: only plain ETags are checked.
    const expected = out.ServerSideEncryption === 'aws:kms' || out.ServerSideEncryption === 'aws:kms:dsse' ? null : md5FromEtag(out.ETag);
    const actual = md5.digest('hex');
    if (expected && expected !== actual) throw new ConnectorExportError(`${where}: MD5 ${actual} does not match the ETag ${expected}`);
    await rename(part, target);
    return bytes;
  }
}
