/**
 * Builds AWS billing export deliveries in a (fake) S3 bucket the way AWS lays them out, from the repo's fixtures
 * (test/fixtures/billing: see each folder's PROVENANCE.md). Manifests start from the fixture's own manifest
 * (keboola-aws-cur-mock) with the delivery's ids and keys written in, as AWS writes them per delivery.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REPO_ROOT } from '@openfinops/tenants';

export const BILLING_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'billing');

export async function fixtureBytes(relative: string): Promise<Buffer> {
  return readFile(path.join(BILLING_FIXTURES, relative));
}

/**
 * The rows of a gzip CSV as several gzip CSVs, each with the header, cut before the given row indexes (ascending):
 * one delivery's rows spread over more files, as AWS splits large reports.
 */
export function splitCsvGz(body: Buffer, ...cuts: number[]): Buffer[] {
  const lines = gunzipSync(body).toString('utf8').replace(/\n$/, '').split('\n');
  const header = lines[0] as string;
  const rows = lines.slice(1);
  const bounds = [0, ...cuts, rows.length];
  return bounds.slice(1).map((end, i) => gzipSync(`${[header, ...rows.slice(bounds[i], end)].join('\n')}\n`));
}

export interface DeliveryFile {
  /** Base name of the data file (`<report>-00001.csv.gz`). */
  name: string;
  body: Buffer;
}

export interface ExportLocation {
  bucket: string;
  prefix: string;
  exportName: string;
}

function root(loc: ExportLocation): string {
  return [loc.prefix, loc.exportName].filter(Boolean).join('/');
}

async function put(s3: S3Client, bucket: string, key: string, body: Buffer | string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** What CloudAccountService.create takes for an AWS account reading the CUR 1.0 export `cur/hourly` through `endpoint` with static keys. */
export function cur1AccountInput(a: { name: string; bucket: string; endpoint: string; accessKeyId: string; secretAccessKey: string }) {
  return {
    provider: 'aws' as const,
    name: a.name,
    options: { accountId: '111122223333', bucket: a.bucket, prefix: 'cur', exportName: 'hourly', exportType: 'cur1', endpoint: a.endpoint },
    secret: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
  };
}

/** `2023-11` → `20231101-20231201` (AWS names CUR 1.0 period folders by first day and first day of the next month). */
export function cur1Folder(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}01` : `${y}${String(m + 1).padStart(2, '0')}`;
  return `${y}${String(m).padStart(2, '0')}01-${next}01`;
}

export interface Cur1Delivery extends ExportLocation {
  period: string;
  assemblyId: string;
  account: string;
  files: DeliveryFile[];
  /** Keys listed in the manifest but not uploaded (a broken delivery). */
  missing?: string[];
}

/** Writes `<root>/<folder>/<assemblyId>/<files>` and `<root>/<folder>/<name>-Manifest.json`; returns the data keys. */
export async function putCur1Delivery(s3: S3Client, d: Cur1Delivery): Promise<{ manifestKey: string; dataKeys: string[] }> {
  const folder = `${root(d)}/${cur1Folder(d.period)}`;
  const template = JSON.parse(await fixtureBytes('keboola-aws-cur-mock/cur_1_0/MockTestReport-Manifest.json').then(String)) as Record<string, unknown>;
  const dataKeys = d.files.map((f) => `${folder}/${d.assemblyId}/${f.name}`);
  for (const [i, f] of d.files.entries()) await put(s3, d.bucket, dataKeys[i] as string, f.body, 'application/octet-stream');
  const missingKeys = (d.missing ?? []).map((name) => `${folder}/${d.assemblyId}/${name}`);
  const [y, m] = d.period.split('-') as [string, string];
  const manifest = {
    ...template,
    assemblyId: d.assemblyId,
    account: d.account,
    reportName: d.exportName,
    bucket: d.bucket,
    compression: 'GZIP',
    billingPeriod: { start: `${y}${m}01T000000.000Z`, end: `${cur1Folder(d.period).slice(9)}T000000.000Z` },
    reportKeys: [...dataKeys, ...missingKeys],
  };
  const manifestKey = `${folder}/${d.exportName}-Manifest.json`;
  await put(s3, d.bucket, manifestKey, JSON.stringify(manifest, null, 2), 'application/json');
  return { manifestKey, dataKeys: [...dataKeys, ...missingKeys] };
}

export interface DataExportDelivery extends ExportLocation {
  period: string;
  executionId: string;
  account: string;
  files: DeliveryFile[];
}

/** Data Exports (CUR 2.0 / FOCUS): `<root>/data/BILLING_PERIOD=<p>/<files>` + `<root>/metadata/BILLING_PERIOD=<p>/<name>-Manifest.json`. */
export async function putDataExportDelivery(s3: S3Client, d: DataExportDelivery): Promise<{ manifestKey: string; dataKeys: string[] }> {
  const template = JSON.parse(await fixtureBytes('keboola-aws-cur-mock/cur_2_0/MockTestReportV2-Manifest.json').then(String)) as Record<string, unknown>;
  const dataKeys = d.files.map((f) => `${root(d)}/data/BILLING_PERIOD=${d.period}/${f.name}`);
  for (const [i, f] of d.files.entries()) await put(s3, d.bucket, dataKeys[i] as string, f.body, 'application/octet-stream');
  const manifest = {
    ...template,
    account: d.account,
    reportName: d.exportName,
    executionId: d.executionId,
    exportArn: `arn:aws:bcm-data-exports:us-east-1:${d.account}:export/${d.exportName}`,
    dataFiles: dataKeys.map((k) => `s3://${d.bucket}/${k}`),
  };
  const manifestKey = `${root(d)}/metadata/BILLING_PERIOD=${d.period}/${d.exportName}-Manifest.json`;
  await put(s3, d.bucket, manifestKey, JSON.stringify(manifest, null, 2), 'application/json');
  return { manifestKey, dataKeys };
}
