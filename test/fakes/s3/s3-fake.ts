/**
 * A local S3 for connector tests: s3rver (real S3 REST/XML wire format, filesystem-backed) on 127.0.0.1 behind a
 * small recording proxy that can inject faults (503 SlowDown, ExpiredToken...) before a request reaches s3rver.
 * The connector under test talks to `endpoint` (the proxy) with the real @aws-sdk/client-s3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

const require = createRequire(import.meta.url);

interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };

export interface RecordedS3Request {
  method: string;
  /** Path without the query, URL-decoded: `/<bucket>/<key>`. */
  path: string;
  query: URLSearchParams;
  accessKeyId: string | null;
  /** Status the client received (from the fault or from s3rver). */
  status: number;
}

export interface S3Fault {
  /** Which requests this fault hits. */
  match: (req: { method: string; path: string; query: URLSearchParams }) => boolean;
  status: number;
  code: string;
  message: string;
  /** How many matching requests fail before the fault is used up (Infinity: always). */
  times: number;
}

/** Keys s3rver accepts (it checks that the access key exists; SigV4 signatures are not recomputed). */
export function registerS3AccessKey(accessKeyId: string, secretAccessKey: string): void {
  DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
}

export class S3Fake {
  readonly requests: RecordedS3Request[] = [];
  readonly faults: S3Fault[] = [];

  private constructor(
    private readonly s3rver: S3rver,
    private readonly proxy: http.Server,
    private readonly directory: string,
    /** s3rver itself, bypassing the proxy (seeding). */
    readonly directEndpoint: string,
    /** What the connector uses. */
    readonly endpoint: string,
  ) {}

  static async start(buckets: string[]): Promise<S3Fake> {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'finops-s3rver-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
    const addr = (await server.run()) as AddressInfo;
    const directEndpoint = `http://127.0.0.1:${addr.port}`;
    const holder: { fake?: S3Fake } = {};
    const proxy = http.createServer((req, res) => holder.fake!.handle(req, res, addr.port));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    holder.fake = new S3Fake(server, proxy, directory, directEndpoint, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    return holder.fake;
  }

  /** A client for seeding the bucket, signed with s3rver's built-in key and talking to s3rver directly. */
  seedClient(): S3Client {
    return new S3Client({
      region: 'us-east-1',
      endpoint: this.directEndpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  inject(fault: Omit<S3Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** GET requests of one object key (data downloads), for asserting what was fetched. */
  gets(bucket: string, key: string): RecordedS3Request[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path === `/${bucket}/${key}`);
  }

  /** GET requests of objects (not bucket listings). */
  objectGets(): RecordedS3Request[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.split('/').length > 2 && !r.query.has('list-type'));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, upstreamPort: number): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const info = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams };
    const auth = req.headers.authorization ?? '';
    const accessKeyId = /Credential=([^/]+)\//.exec(auth)?.[1] ?? null;
    const fault = this.faults.find((f) => f.times > 0 && f.match(info));
    if (fault) {
      fault.times -= 1;
      this.requests.push({ ...info, accessKeyId, status: fault.status });
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message}</Message><RequestId>fake-${this.requests.length}</RequestId></Error>`;
      res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (info.method === 'GET' && url.searchParams.get('list-type') === '2' && (url.searchParams.has('max-keys') || url.searchParams.has('continuation-token'))) {
      this.pageListing(req, res, upstreamPort, url, (status) => this.requests.push({ ...info, accessKeyId, status }));
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        this.requests.push({ ...info, accessKeyId, status: up.statusCode ?? 0 });
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(upstream);
  }

  /**
   * ListObjectsV2 pages, cut by the proxy: s3rver's continuation tokens are DES-encrypted, which OpenSSL 3 (Node >= 17)
   * refuses, so any truncated v2 listing fails with a 500 there. The proxy asks s3rver for the whole listing (at most
   * 1000 keys, plenty for tests) and returns `max-keys` entries (keys and common prefixes, in key order) per page
   * with an opaque NextContinuationToken, as S3 does.
   */
  private pageListing(req: http.IncomingMessage, res: http.ServerResponse, upstreamPort: number, url: URL, record: (status: number) => void): void {
    const maxKeys = Math.min(1000, Number(url.searchParams.get('max-keys') ?? '1000'));
    const token = url.searchParams.get('continuation-token');
    const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (url.searchParams.get('start-after') ?? undefined);
    const whole = new URLSearchParams(url.searchParams);
    for (const name of ['max-keys', 'continuation-token', 'start-after']) whole.delete(name);
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: 'GET', path: `${url.pathname}?${whole.toString()}`, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = up.statusCode ?? 502;
          const page = status === 200 ? listingPage(body, maxKeys, after, token) : body;
          record(status);
          res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(page) });
          res.end(page);
        });
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.resume();
    upstream.end();
  }

  async close(): Promise<void> {
    this.proxy.closeAllConnections();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    await this.s3rver.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescapeXml = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e]!);

/** One page of a whole ListBucketResult (list-type 2): `maxKeys` keys and common prefixes after `after`, in key order. */
function listingPage(whole: string, maxKeys: number, after: string | undefined, token: string | null): string {
  const entries = [
    ...[...whole.matchAll(/<Contents>[\s\S]*?<\/Contents>/g)].map((m) => ({ xml: m[0], key: unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(m[0])![1]!) })),
    ...[...whole.matchAll(/<CommonPrefixes>[\s\S]*?<\/CommonPrefixes>/g)].map((m) => ({ xml: m[0], key: unescapeXml(/<Prefix>([\s\S]*?)<\/Prefix>/.exec(m[0])![1]!) })),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = after === undefined ? entries : entries.filter((e) => e.key > after);
  const page = rest.slice(0, maxKeys);
  const truncated = rest.length > page.length;
  const firstEntry = whole.search(/<Contents>|<CommonPrefixes>|<\/ListBucketResult>/);
  const head = whole
    .slice(0, firstEntry)
    .replace(/<KeyCount>\d+<\/KeyCount>/, () =>
      [
        token ? `<ContinuationToken>${token}</ContinuationToken>` : '',
        truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!.key, 'utf8').toString('base64url')}</NextContinuationToken>` : '',
        `<KeyCount>${page.length}</KeyCount>`,
      ].join(''),
    )
    .replace(/<MaxKeys>\d+<\/MaxKeys>/, `<MaxKeys>${maxKeys}</MaxKeys>`)
    .replace(/<IsTruncated>\w+<\/IsTruncated>/, `<IsTruncated>${truncated}</IsTruncated>`);
  return `${head}${page.map((e) => e.xml).join('')}</ListBucketResult>`;
}
