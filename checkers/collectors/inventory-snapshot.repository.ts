import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type LakeLayout, partitionValues } from '@openfinops/tenants';
import { parseAwsAccountId } from './aws-credentials.ts';
import { parseInventoryKind, type InventoryKind, type InventoryRecordMap } from './inventory-kinds.ts';
import type { InventoryCollectionResult } from './ec2-inventory.collector.ts';

/**
 * Inventory snapshots are NDJSON, one file per account under
 * `inventory/tenant_id=<t>/collected_date=<d>/kind=<k>/account=<id>.ndjson`: the nested API shape survives
 * as is, and DuckDB reads it with `read_json(..., format = 'newline_delimited', hive_partitioning = true)`.
 */
const ACCOUNT_FILE = /^account=(\d{12})\.ndjson$/;
const DATE_DIR = /^collected_date=(\d{4}-\d{2}-\d{2})$/;
const WRITE_CHUNK_BYTES = 1 << 20;

export class InventorySnapshotError extends Error {
  readonly code = 'INVALID_INVENTORY_SNAPSHOT';
  constructor(message: string) {
    super(message);
    this.name = 'InventorySnapshotError';
  }
}

export function inventorySnapshotFile(
  layout: LakeLayout,
  tenantId: string,
  collectedDate: string,
  kind: InventoryKind,
  accountId: string,
): string {
  return path.join(
    layout.inventoryPartitionDir(tenantId, collectedDate, parseInventoryKind(kind)),
    `account=${parseAwsAccountId(accountId)}.ndjson`,
  );
}

/**
 * Replaces the account's snapshot for that date and kind atomically: readers see the old file or the new
 * one, never a half-written one. An empty list is written too, since "collected, found nothing" differs from
 * "not collected".
 */
export async function writeInventorySnapshot<K extends InventoryKind>(
  layout: LakeLayout,
  tenantId: string,
  collectedDate: string,
  kind: K,
  accountId: string,
  records: readonly InventoryRecordMap[K][],
): Promise<string> {
  const file = inventorySnapshotFile(layout, tenantId, collectedDate, kind, accountId);
  records.forEach((record, index) => {
    const owner = (record as { AccountId?: unknown }).AccountId;
    if (owner !== accountId) {
      throw new InventorySnapshotError(
        `Record ${index} of ${kind} has AccountId ${JSON.stringify(owner)}, expected ${accountId}: refusing to file it under another account`,
      );
    }
  });
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  // Leading '.' keeps readers and DuckDB globs (`*.ndjson`) from ever picking up a partial file.
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o640);
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const record of records) {
      const line = JSON.stringify(record) + '\n';
      chunk.push(line);
      size += line.length;
      if (size >= WRITE_CHUNK_BYTES) {
        await handle.write(chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) await handle.write(chunk.join(''));
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return file;
}

export interface WrittenInventorySnapshot {
  kind: InventoryKind;
  file: string;
  records: number;
}

export interface WriteInventoryResultOutcome {
  written: WrittenInventorySnapshot[];
  /** Kinds with an error in any region are not written, so the latest snapshot is never a partial one. */
  skipped: { kind: InventoryKind; regions: string[] }[];
}

/** Files every kind of a collection run that completed in all regions, under the run's collected date. */
export async function writeInventoryResult(
  layout: LakeLayout,
  result: InventoryCollectionResult,
): Promise<WriteInventoryResultOutcome> {
  const outcome: WriteInventoryResultOutcome = { written: [], skipped: [] };
  for (const kind of result.kinds) {
    const failedRegions = [...new Set(result.errors.filter((e) => e.kind === kind).map((e) => e.region))];
    if (failedRegions.length > 0) {
      outcome.skipped.push({ kind, regions: failedRegions });
      continue;
    }
    const records = result.snapshots[kind] ?? [];
    const file = await writeInventorySnapshot(layout, result.tenantId, result.collectedDate, kind, result.accountId, records);
    outcome.written.push({ kind, file, records: records.length });
  }
  return outcome;
}

export interface ReadInventoryOptions {
  accountId?: string;
  /** A date yyyy-mm-dd; without it each account's latest snapshot of the kind is read. */
  collectedDate?: string;
}

interface SnapshotFile {
  accountId: string;
  collectedDate: string;
  file: string;
}

/**
 * Reads one tenant's snapshots of a kind. Only that tenant's directory is listed, and every file is
 * checked to resolve inside it (a planted symlink cannot pull another tenant's data in).
 */
export async function readInventorySnapshot<K extends InventoryKind>(
  layout: LakeLayout,
  tenantId: string,
  kind: K,
  options: ReadInventoryOptions = {},
): Promise<InventoryRecordMap[K][]> {
  const files = await listInventorySnapshots(layout, tenantId, kind, options);
  if (files.length === 0) return [];
  // Compared after resolving both sides, so a data dir reached through a symlink still matches itself.
  const tenantDir = await realpath(layout.inventoryTenantDir(tenantId));
  const records: InventoryRecordMap[K][] = [];
  for (const entry of files) {
    const real = await realpath(entry.file);
    const rel = path.relative(tenantDir, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new InventorySnapshotError(`Inventory file ${entry.file} resolves outside tenant ${tenantId}'s lake directory`);
    }
    records.push(...parseSnapshotFile<K>(await readFile(real, 'utf8'), entry));
  }
  return records;
}

/** The files `readInventorySnapshot` would read, latest-per-account unless a date is given. */
export async function listInventorySnapshots(
  layout: LakeLayout,
  tenantId: string,
  kind: InventoryKind,
  options: ReadInventoryOptions = {},
): Promise<SnapshotFile[]> {
  const k = parseInventoryKind(kind);
  const wantedAccount = options.accountId === undefined ? undefined : parseAwsAccountId(options.accountId);
  const wantedDate = options.collectedDate === undefined ? undefined : partitionValues.runDate(options.collectedDate);
  const tenantDir = layout.inventoryTenantDir(tenantId);

  const dates = (await readdirOrEmpty(tenantDir))
    .map((name) => DATE_DIR.exec(name)?.[1])
    .filter((d): d is string => d !== undefined && isCalendarDate(d) && (wantedDate === undefined || d === wantedDate))
    .sort()
    .reverse();

  const latest = new Map<string, SnapshotFile>();
  for (const date of dates) {
    const dir = layout.inventoryPartitionDir(tenantId, date, k);
    for (const name of await readdirOrEmpty(dir)) {
      const account = ACCOUNT_FILE.exec(name)?.[1];
      if (account === undefined || (wantedAccount !== undefined && account !== wantedAccount)) continue;
      // Dates are visited newest first, so the first file seen per account is its latest.
      if (!latest.has(account)) latest.set(account, { accountId: account, collectedDate: date, file: path.join(dir, name) });
    }
  }
  return [...latest.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
}

function parseSnapshotFile<K extends InventoryKind>(text: string, entry: SnapshotFile): InventoryRecordMap[K][] {
  const out: InventoryRecordMap[K][] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InventorySnapshotError(`${entry.file} line ${index + 1}: not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InventorySnapshotError(`${entry.file} line ${index + 1}: expected a JSON object`);
    }
    const owner = (value as { AccountId?: unknown }).AccountId;
    if (owner !== entry.accountId) {
      throw new InventorySnapshotError(
        `${entry.file} line ${index + 1}: AccountId ${JSON.stringify(owner)} does not match the file's account ${entry.accountId}`,
      );
    }
    if (typeof (value as { Region?: unknown }).Region !== 'string') {
      throw new InventorySnapshotError(`${entry.file} line ${index + 1}: missing Region`);
    }
    out.push(value as InventoryRecordMap[K]);
  });
  return out;
}

/** Stray directories such as `collected_date=2026-13-01` are ignored rather than failing every read. */
function isCalendarDate(value: string): boolean {
  try {
    partitionValues.runDate(value);
    return true;
  } catch {
    return false;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Makes the rename itself durable; some platforms refuse fsync on directories, which is harmless there. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // Directory fsync is best effort (unsupported on some filesystems).
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
