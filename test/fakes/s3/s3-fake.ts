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

  async close(): Promise<void> {
    this.proxy.closeAllConnections();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    await this.s3rver.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
