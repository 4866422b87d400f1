/**
 * Where AWS writes billing exports in S3 and what their manifests say. Pure functions (no SDK), unit-tested.
 *
 * CUR 1.0 (legacy Cost and Usage Reports):
 *   <prefix>/<name>/<yyyymmdd-yyyymmdd>/<name>-Manifest.json       assemblyId, billingPeriod, reportKeys (bucket keys)
 *   <prefix>/<name>/<yyyymmdd-yyyymmdd>/<assemblyId>/<name>-00001.csv.gz   (or directly in the period folder, overwrite mode)
 * Data Exports (CUR 2.0 and FOCUS 1.0 with AWS columns):
 *   <prefix>/<name>/metadata/BILLING_PERIOD=<yyyy-mm>/[<version>/]<name>-Manifest.json   executionId, dataFiles (s3:// URIs)
 *   <prefix>/<name>/data/BILLING_PERIOD=<yyyy-mm>/[<version>/]<name>-00001.csv.gz|.parquet
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export type AwsExportType = 'cur1' | 'cur2' | 'focus';

export const FORMAT_BY_EXPORT: Record<AwsExportType, string> = {
  cur1: 'aws-cur-v1',
  cur2: 'aws-cur-v2',
  focus: 'aws-focus',
};

/** Manifests are small JSON documents (column lists); anything bigger is not a manifest. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export function exportRoot(prefix: string, exportName: string): string {
  return [prefix.replace(/^\/+|\/+$/g, ''), exportName].filter(Boolean).join('/');
}

const CUR1_PERIOD_FOLDER = /^(\d{4})(\d{2})01-(\d{4})(\d{2})(\d{2})$/;

/** `20240101-20240201` (AWS) or `20240101-20240131` → `2024-01`; null for anything else in the export folder. */
export function cur1PeriodFromFolder(folder: string): string | null {
  const m = CUR1_PERIOD_FOLDER.exec(folder);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${m[2]}` : null;
}

const DATA_EXPORT_PERIOD_FOLDER = /^BILLING_PERIOD=(\d{4}-(0[1-9]|1[0-2]))$/;

export function dataExportPeriodFromFolder(folder: string): string | null {
  return DATA_EXPORT_PERIOD_FOLDER.exec(folder)?.[1] ?? null;
}

export function cur1ManifestKey(root: string, folder: string, exportName: string): string {
  return `${root}/${folder}/${exportName}-Manifest.json`;
}

export function isManifestKey(key: string): boolean {
  return /-Manifest\.json$/.test(key);
}

export interface ParsedManifest {
  /** assemblyId (CUR 1.0) or executionId (Data Exports): changes with every delivery of the period. */
  deliveryId: string;
  /** Bucket keys of the data files, in manifest order. */
  dataKeys: string[];
  /** `yyyy-mm` from billingPeriod.start when the manifest has it. */
  billingPeriod: string | null;
}

/** A manifest that cannot be used; the message names the manifest's s3:// location and the field. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

function parseJson(text: string, where: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ManifestError(`${where}: expected a JSON object`);
  return raw as Record<string, unknown>;
}

function stringList(value: unknown, field: string, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new ManifestError(`${where}: ${field} must be a non-empty list of strings`);
  }
  return value as string[];
}

function periodOf(manifest: Record<string, unknown>): string | null {
  const start = (manifest.billingPeriod as { start?: unknown } | undefined)?.start;
  const m = typeof start === 'string' ? /^(\d{4})-?(\d{2})/.exec(start) : null;
  return m ? `${m[1]}-${m[2]}` : null;
}

/** Keys must stay inside the bucket's normal key space: no traversal segments that could escape a staging path later. */
function checkKey(key: string, where: string): string {
  if (key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new ManifestError(`${where}: data file key ${JSON.stringify(key)} is not a plain S3 key`);
  }
  return key;
}

/** CUR 1.0: `assemblyId` + `reportKeys` (keys in the report's bucket). */
export function parseCur1Manifest(text: string, where: string): ParsedManifest {
  const m = parseJson(text, where);
  if (typeof m.assemblyId !== 'string' || m.assemblyId === '') throw new ManifestError(`${where}: assemblyId is missing`);
  return { deliveryId: m.assemblyId, dataKeys: stringList(m.reportKeys, 'reportKeys', where).map((k) => checkKey(k, where)), billingPeriod: periodOf(m) };
}

/** Data Exports: `executionId` + `dataFiles` (s3://bucket/key URIs, all in the export's bucket). */
export function parseDataExportManifest(text: string, where: string, bucket: string): ParsedManifest {
  const m = parseJson(text, where);
  if (typeof m.executionId !== 'string' || m.executionId === '') throw new ManifestError(`${where}: executionId is missing`);
  const keys = stringList(m.dataFiles, 'dataFiles', where).map((uri) => {
    const parsed = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!parsed) throw new ManifestError(`${where}: dataFiles entry ${JSON.stringify(uri)} is not an s3://bucket/key URI`);
    if (parsed[1] !== bucket) throw new ManifestError(`${where}: dataFiles entry ${uri} is in bucket ${parsed[1]}, not the export bucket ${bucket}`);
    return checkKey(parsed[2] as string, where);
  });
  return { deliveryId: m.executionId, dataKeys: keys, billingPeriod: periodOf(m) };
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string | null;
  lastModified: Date | null;
}

/**
 * The ETag is the MD5 of the bytes only for single-part uploads without KMS; multipart ETags carry `-<parts>`.
 * Returns the hex MD5 to verify against, or null when the ETag cannot be one.
 */
export function md5FromEtag(etag: string | null | undefined): string | null {
  const bare = (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(bare) ? bare : null;
}

/**
 * Version of a period as delivered: the delivery id plus each data file's key, size and ETag. A restatement gets a new
 * assemblyId/executionId; a file rewritten in place under the same id still changes the version through its ETag.
 */
export function periodVersion(deliveryId: string, objects: ReadonlyArray<{ key: string; size?: number; etag?: string | null }>): string {
  const hash = createHash('sha256');
  for (const o of [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    hash.update(`${o.key}\0${o.size ?? '?'}\0${o.etag ?? '?'}\n`);
  }
  return `${deliveryId}:${hash.digest('hex').slice(0, 16)}`;
}

/** Local file name for the n-th data file: unique even when two assemblies use the same base name. */
export function stagedFileName(index: number, key: string): string {
  const base = path.posix.basename(key).replace(/[^A-Za-z0-9._-]/g, '_');
  return `${String(index + 1).padStart(5, '0')}-${base}`;
}

/** `yyyy-mm` of `now` and of the month before, in UTC: the periods AWS may still restate. */
export function openPeriods(now: Date): { current: string; previous: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const fmt = (year: number, month: number) => `${year}-${String(month + 1).padStart(2, '0')}`;
  return { current: fmt(y, m), previous: m === 0 ? fmt(y - 1, 11) : fmt(y, m - 1) };
}
