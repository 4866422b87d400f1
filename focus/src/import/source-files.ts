/**
 * Turns the paths given to `finops import` into readable source files: directories are walked, AWS manifests pick
 * the files they list (a CUR delivery folder may also hold copies), zip archives are extracted to the work dir, and
 * each CSV's header is read here (BOM stripped, encoding checked) so detection never depends on DuckDB's sniffer.
 * JSON sources (`.ndjson`, `.jsonl`, `.json`, each optionally `.gz`) are probed from their first line: the top-level
 * keys of the first record are the columns detection sees.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { SourceFileKind } from '../formats/format.ts';

export class SourceInputError extends Error {
  readonly code = 'SOURCE_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'SourceInputError';
  }
}

export interface SourceFile {
  /** Path DuckDB reads (an extracted copy for zip members). */
  path: string;
  /** Path the user gave (or `archive.zip!member.csv`), used in every error message. */
  displayName: string;
  kind: SourceFileKind;
  compression: 'gzip' | 'none';
  /** Header columns for CSV (BOM stripped), top-level keys of the first NDJSON record; empty for parquet and JSON arrays until probed by DuckDB. */
  columns: string[];
  /** How `read_json` reads a JSON source: one record per line, or one top-level array of records. */
  jsonFormat?: 'newline_delimited' | 'array';
}

/** What an AWS CUR / Data Exports manifest says about the delivery it describes. */
export interface SourceManifest {
  path: string;
  /** assemblyId (CUR 1.0) or executionId (CUR 2.0): changes with every delivery of a period. */
  deliveryId: string | null;
  account: string | null;
  reportName: string | null;
  /** 'yyyy-mm' from billingPeriod.start when present. */
  billingPeriod: string | null;
  dataFiles: string[];
}

export interface CollectedSources {
  files: SourceFile[];
  manifests: SourceManifest[];
}

const DATA_FILE = /\.(csv|csv\.gz|csv\.zip|parquet|ndjson|ndjson\.gz|jsonl|jsonl\.gz|json|json\.gz)$/i;
const PLAIN_JSON_FILE = /\.json(\.gz)?$/i;
const MANIFEST_FILE = /manifest\.json$/i;

function kindOf(name: string): { kind: SourceFileKind; compression: 'gzip' | 'none' } | null {
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const compression = gzip ? 'gzip' : 'none';
  if (lower.endsWith('.parquet')) return { kind: 'parquet', compression: 'none' };
  if (base.endsWith('.csv')) return { kind: 'csv', compression };
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl')) return { kind: 'ndjson', compression };
  if (base.endsWith('.json')) return { kind: 'json', compression };
  return null;
}

function isManifest(name: string): boolean {
  return MANIFEST_FILE.test(name);
}

async function parseManifest(file: string): Promise<SourceManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new SourceInputError(`${file}: not a readable JSON manifest (${(err as Error).message})`);
  }
  const m = raw as Record<string, unknown>;
  const keys = Array.isArray(m.reportKeys) ? m.reportKeys : Array.isArray(m.dataFiles) ? m.dataFiles : [];
  const start = (m.billingPeriod as { start?: unknown } | undefined)?.start;
  const period = typeof start === 'string' ? /^(\d{4})-?(\d{2})/.exec(start) : null;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return {
    path: file,
    deliveryId: str(m.assemblyId) ?? str(m.executionId),
    account: str(m.account),
    reportName: str(m.reportName),
    billingPeriod: period ? `${period[1]}-${period[2]}` : null,
    dataFiles: keys.filter((k): k is string => typeof k === 'string').map((k) => path.posix.basename(k)),
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/** Splits one CSV header line (RFC 4180 quoting). Headers never span lines in the exports we read. */
export function parseCsvHeader(line: string): string[] {
  const cols: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cols.push(cur);
      cur = '';
    } else cur += ch;
  }
  cols.push(cur);
  return cols.map((c) => c.trim());
}

async function readFirstLine(file: string, gzip: boolean, displayName: string, what = 'a CSV export'): Promise<Buffer> {
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) {
        chunks.push(chunk.subarray(0, nl));
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size > 4 * 1024 * 1024) throw new SourceInputError(`${displayName}: no line break in the first 4 MiB; not ${what}`);
    }
  } catch (err) {
    if (err instanceof SourceInputError) throw err;
    throw new SourceInputError(`${displayName}: cannot read (${(err as Error).message})`);
  } finally {
    raw.destroy();
  }
  return Buffer.concat(chunks);
}

/** Header columns of a CSV file; refuses UTF-16/32 and invalid UTF-8 with a message naming the file. */
export async function readCsvHeader(file: string, gzip: boolean, displayName = file): Promise<string[]> {
  const buf = stripBom(await readFirstLine(file, gzip, displayName), displayName);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new SourceInputError(`${displayName}: header is not valid UTF-8; export or convert the file as UTF-8`);
  }
  text = text.replace(/\r$/, '');
  if (text.trim() === '') throw new SourceInputError(`${displayName}: empty file (no header line)`);
  return parseCsvHeader(text);
}

function stripBom(buf: Buffer, displayName: string): Buffer {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new SourceInputError(`${displayName}: file is UTF-16 encoded; export or convert it as UTF-8`);
  }
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
}

export interface JsonProbe {
  jsonFormat: 'newline_delimited' | 'array';
  /** Top-level keys of the first record (NDJSON); empty for an array, which DuckDB probes. */
  columns: string[];
}

/**
 * Classifies a JSON source from its first line: `[` opens an array of records; a first line holding one complete
 * JSON object is newline-delimited (as `bq extract` writes, whatever the extension). A first line that is not a
 * complete object (a pretty-printed document, or a malformed record) is refused naming the file and line 1.
 */
export async function probeJsonFile(file: string, gzip: boolean, displayName = file): Promise<JsonProbe> {
  const buf = stripBom(await readFirstLine(file, gzip, displayName, 'newline-delimited JSON'), displayName);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf).trim();
  } catch {
    throw new SourceInputError(`${displayName}: line 1 is not valid UTF-8; export or convert the file as UTF-8`);
  }
  if (text === '') throw new SourceInputError(`${displayName}: empty first line (expected a JSON record per line or a JSON array of records)`);
  if (text.startsWith('[')) return { jsonFormat: 'array', columns: [] };
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    throw new SourceInputError(
      `${displayName}: line 1: not a complete JSON record (${(err as Error).message}); expected one JSON object per line or a JSON array of records`,
    );
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new SourceInputError(`${displayName}: line 1: expected a JSON object (one record per line), found ${Array.isArray(record) ? 'an array' : typeof record}`);
  }
  return { jsonFormat: 'newline_delimited', columns: Object.keys(record) };
}

/** A directory may hold metadata `.json` (schemas, expected totals): only newline-delimited row files are taken. */
async function isJsonRowFile(file: string): Promise<boolean> {
  const probe = await probeJsonFile(file, /\.gz$/i.test(file)).catch(() => null);
  return probe?.jsonFormat === 'newline_delimited';
}

/**
 * The first line of an NDJSON file that is not a JSON object, numbered from 1 (blank lines are skipped, as DuckDB
 * does), or null. Only called after DuckDB reported malformed JSON, to name the line exactly.
 */
export async function findMalformedJsonLine(file: string, gzip: boolean): Promise<{ line: number; message: string } | null> {
  const raw = createReadStream(file);
  const lines = createInterface({ input: gzip ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const text = n === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (text.trim() === '') continue;
      try {
        const v: unknown = JSON.parse(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return { line: n, message: 'not a JSON object' };
      } catch (err) {
        return { line: n, message: (err as Error).message };
      }
    }
  } finally {
    lines.close();
    raw.destroy();
  }
  return null;
}

async function extractZip(file: string, workDir: string): Promise<Array<{ path: string; displayName: string }>> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(file)), { filter: (f) => /\.csv$/i.test(f.name) });
  } catch (err) {
    throw new SourceInputError(`${file}: not a readable zip archive (${(err as Error).message})`);
  }
  const out: Array<{ path: string; displayName: string }> = [];
  const dir = await mkdtemp(path.join(workDir, 'unzip-'));
  let n = 0;
  for (const [name, data] of Object.entries(entries)) {
    const target = path.join(dir, `${n++}-${path.basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}`);
    await writeFile(target, data);
    out.push({ path: target, displayName: `${file}!${name}` });
  }
  if (out.length === 0) throw new SourceInputError(`${file}: zip archive holds no .csv file`);
  return out;
}

/**
 * Expands inputs into data files. A directory holding a manifest imports exactly the files the manifest lists;
 * otherwise every data file under it. `workDir` receives extracted zip members.
 */
export async function collectSourceFiles(inputs: readonly string[], workDir: string): Promise<CollectedSources> {
  if (inputs.length === 0) throw new SourceInputError('No input files given');
  const dataPaths: string[] = [];
  const manifests: SourceManifest[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    const info = await stat(abs).catch(() => null);
    if (!info) throw new SourceInputError(`${input}: no such file or directory`);
    if (info.isDirectory()) {
      const all = await walk(abs);
      const found = await Promise.all(all.filter((f) => isManifest(path.basename(f))).map(parseManifest));
      const listed = new Set(found.flatMap((m) => m.dataFiles));
      manifests.push(...found);
      const candidates: string[] = [];
      for (const f of all.filter((f) => DATA_FILE.test(f) && !isManifest(path.basename(f)))) {
        if (!PLAIN_JSON_FILE.test(f) || (await isJsonRowFile(f))) candidates.push(f);
      }
      dataPaths.push(...(listed.size > 0 ? candidates.filter((f) => listed.has(path.basename(f))) : candidates));
      if (listed.size > 0 && !dataPaths.length) {
        throw new SourceInputError(`${input}: the manifest lists ${[...listed].join(', ')} but none is in the directory`);
      }
    } else if (isManifest(path.basename(abs))) {
      const m = await parseManifest(abs);
      manifests.push(m);
      const dir = path.dirname(abs);
      const present = (await readdir(dir)).filter((f) => m.dataFiles.includes(f));
      if (present.length === 0) throw new SourceInputError(`${input}: none of the files it lists (${m.dataFiles.join(', ')}) is beside it`);
      dataPaths.push(...present.map((f) => path.join(dir, f)));
    } else {
      dataPaths.push(abs);
    }
  }
  const files: SourceFile[] = [];
  for (const p of [...new Set(dataPaths)]) {
    if (/\.zip$/i.test(p)) {
      for (const member of await extractZip(p, workDir)) {
        files.push({ ...member, kind: 'csv', compression: 'none', columns: await readCsvHeader(member.path, false, member.displayName) });
      }
      continue;
    }
    const k = kindOf(p);
    if (!k) {
      throw new SourceInputError(`${p}: unsupported file type (expected .csv, .csv.gz, .csv.zip, .parquet, .ndjson, .jsonl or .json, optionally .gz)`);
    }
    if (k.kind === 'ndjson' || k.kind === 'json') {
      const probe = await probeJsonFile(p, k.compression === 'gzip', p);
      // A `.json` file holding one record per line is read as NDJSON; kind follows the content, not the extension.
      files.push({ path: p, displayName: p, kind: probe.jsonFormat === 'array' ? 'json' : 'ndjson', compression: k.compression, columns: probe.columns, jsonFormat: probe.jsonFormat });
      continue;
    }
    const columns = k.kind === 'csv' ? await readCsvHeader(p, k.compression === 'gzip', p) : [];
    files.push({ path: p, displayName: p, ...k, columns });
  }
  if (files.length === 0) throw new SourceInputError(`No data files found in ${inputs.join(', ')}`);
  return { files, manifests };
}
