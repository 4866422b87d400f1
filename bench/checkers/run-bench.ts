/**
 * `npm run bench:checkers -- [--instances N] [--accounts N] [--seed N] [--repeat N] [--pipeline pool|inline] [--workers N] [--writer single|per-run] [--cast thread|batch|records] [--keep]`
 * Generates N instances + N volumes (default 100,000 each, plus proportionate EIPs/snapshots/images/NAT
 * gateways) over 20 accounts and 3 regions as lake inventory snapshots in a temp data dir, then times in
 * this one process (a) reading every snapshot with `readInventorySnapshot` and (b) every inventory checker over
 * every account with its findings written. `--pipeline pool` (default): as `CheckRunnerService.runAll` with lake
 * snapshots, one `InventoryCheckPool` job per account on `--workers` threads (default: FINOPS_CHECK_WORKERS' default,
 * one per CPU up to 4), each job reading, checking, casting and writing one parquet file per run. `--pipeline inline`:
 * everything on this thread, each run cast into a `FindingsParquetWriter` (`castAndAppend`; `--cast batch`:
 * `castFindingsToBatch` + `appendBatch`; `--cast records`: `castFindings` + a record batch) and closed (one file of
 * all findings by default; `--writer per-run`: one file per run). Target: full ≤ 2 × read.
 * Not a test: run on demand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  awsPricing,
  builtinCheckers,
  type Checker,
  collectFindings,
  createCheckerContext,
  fixedClock,
  INVENTORY_KINDS,
  InventoryCheckPool,
  type InventoryKind,
  type InventorySnapshot,
  readInventorySnapshot,
  silentLogger,
} from '@openfinops/checkers';
import { castFindings, castFindingsToBatch, type FindingRejection, FindingsParquetWriter, utcDay } from '@openfinops/contracts';
import { LakeLayout } from '@openfinops/tenants';
import { generateInventory } from './generate-inventory.ts';

const TENANT = 'bench';
const COLLECTED_DATE = '2026-11-20';
const NOW = new Date('2026-11-22T00:00:00.000Z');

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '100000' },
    accounts: { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261122' },
    repeat: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    writer: { type: 'string', default: 'single' },
    cast: { type: 'string', default: 'thread' },
    pipeline: { type: 'string', default: 'pool' },
    workers: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const instances = positiveInt('instances', args.instances);
const accounts = positiveInt('accounts', args.accounts);
const seed = positiveInt('seed', args.seed);
const repeat = positiveInt('repeat', args.repeat);
/**
 * `single`: every run's findings in one parquet file (what the issue measures), appended run by run as record batches.
 * `per-run`: one file per (check, account) run, as `CheckRunnerService` writes today: two fsyncs each.
 */
const writer = args.writer;
if (writer !== 'single' && writer !== 'per-run') throw new Error(`--writer must be single or per-run, got ${JSON.stringify(writer)}`);
/**
 * `thread`: `FindingsParquetWriter.castAndAppend` with the lifecycle's `onAccepted`, as `CheckRunnerService` casts
 * (validation and fingerprints here, finding ids and Arrow buffers on the encoder thread). `batch`: `castFindingsToBatch`
 * + `appendBatch` (the whole cast on this thread, the runner's path before this option). `records`: `castFindings`,
 * then the records become a batch.
 */
const cast = args.cast;
if (cast !== 'thread' && cast !== 'batch' && cast !== 'records') throw new Error(`--cast must be thread, batch or records, got ${JSON.stringify(cast)}`);

/**
 * `pool`: what `CheckRunnerService.runAll` does with lake snapshots and FINOPS_CHECK_WORKERS (default: one thread per
 * CPU, at most 4): one `InventoryCheckPool` job per account (read, checks, cast, one parquet file per run, written
 * atomically), at most one job per thread plus one queued, the lifecycle's sighting columns coming back per run.
 * `inline`: everything on this thread (FINOPS_CHECK_WORKERS=0, or plugins), with `--writer` and `--cast`.
 */
const pipeline = args.pipeline;
if (pipeline !== 'pool' && pipeline !== 'inline') throw new Error(`--pipeline must be pool or inline, got ${JSON.stringify(pipeline)}`);
const workers = positiveInt('workers', args.workers);

const checkers: readonly Checker<unknown>[] = builtinCheckers.filter((c) => (c.inputs.inventory?.length ?? 0) > 0);
const kinds: InventoryKind[] = INVENTORY_KINDS.filter((k) => checkers.some((c) => c.inputs.inventory?.includes(k)));

/** One account's snapshots of every kind a checker reads; the read both measurements share. */
async function readAccount(layout: LakeLayout, accountId: string): Promise<{ snapshot: InventorySnapshot; rows: number }> {
  const snapshot: Record<string, unknown[]> = {};
  let rows = 0;
  for (const kind of kinds) {
    const records = await readInventorySnapshot(layout, TENANT, kind, { accountId });
    snapshot[kind] = records;
    rows += records.length;
  }
  return { snapshot: snapshot as InventorySnapshot, rows };
}

interface Phases {
  readMs: number;
  checkMs: number;
  castMs: number;
  writeMs: number;
  /** The same phases in CPU time (all threads of the process, so GC helpers count). */
  readCpuMs: number;
  checkCpuMs: number;
  castCpuMs: number;
  writeCpuMs: number;
}

interface FullResult {
  totalMs: number;
  cpuMs: number;
  phases: Phases;
  rows: number;
  perCheck: Map<string, { emitted: number; valid: number; rejected: number }>;
  files: number;
}

/** User + system CPU time of the process (all threads, so GC helpers count), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function readOnly(layout: LakeLayout, accountIds: readonly string[]): Promise<{ ms: number; cpuMs: number; rows: number }> {
  const started = performance.now();
  const cpuStarted = cpuMs();
  let rows = 0;
  for (const accountId of accountIds) rows += (await readAccount(layout, accountId)).rows;
  return { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted, rows };
}

async function fullRun(layout: LakeLayout, accountIds: readonly string[], iteration: number): Promise<FullResult> {
  const pricing = awsPricing();
  const phases: Phases = { readMs: 0, checkMs: 0, castMs: 0, writeMs: 0, readCpuMs: 0, checkCpuMs: 0, castCpuMs: 0, writeCpuMs: 0 };
  const perCheck = new Map<string, { emitted: number; valid: number; rejected: number }>();
  let rows = 0;
  let files = 0;
  const started = performance.now();
  const cpuStarted = cpuMs();
  let closing: Promise<void> = Promise.resolve();
  const single = writer === 'single' ? new FindingsParquetWriter(layout.findingsFile(TENANT, utcDay(NOW), `bench-${iteration}`)) : undefined;
  for (const accountId of accountIds) {
    let t = performance.now();
    let c = cpuMs();
    const { snapshot, rows: n } = await readAccount(layout, accountId);
    rows += n;
    phases.readMs += performance.now() - t;
    phases.readCpuMs += cpuMs() - c;
    for (const checker of checkers) {
      const runId = `bench-${iteration}-${checker.id.replace('/', '-')}-${accountId}`;
      t = performance.now();
      c = cpuMs();
      const ctx = createCheckerContext(checker, { tenantId: TENANT, accountId, inventory: snapshot, pricing, clock: fixedClock(NOW), logger: silentLogger });
      const emitted = await collectFindings(checker, ctx);
      phases.checkMs += performance.now() - t;
      phases.checkCpuMs += cpuMs() - c;

      // Each run's findings become one Arrow record batch at once, so no finding object outlives its run.
      t = performance.now();
      c = cpuMs();
      const runWriter = single ?? new FindingsParquetWriter(layout.findingsFile(TENANT, utcDay(NOW), runId));
      let valid: number;
      let rejected: FindingRejection[];
      if (cast === 'thread') {
        // The runner turns each accepted finding into a lifecycle sighting; a counter stands in for that here.
        let sightings = 0;
        const result = runWriter.castAndAppend(emitted, { tenantId: TENANT, runId, observedAt: NOW }, { onAccepted: () => sightings++ });
        valid = result.rows;
        rejected = result.rejected;
        if (sightings !== valid) throw new Error(`${checker.id} in ${accountId}: ${sightings} accepted findings for ${valid} rows`);
      } else if (cast === 'batch') {
        const result = castFindingsToBatch(emitted, { tenantId: TENANT, runId, observedAt: NOW });
        runWriter.appendBatch(result.batch);
        valid = result.batch.numRows;
        rejected = result.rejected;
      } else {
        const result = castFindings(emitted, { tenantId: TENANT, runId, observedAt: NOW });
        runWriter.append(result.records);
        valid = result.records.length;
        rejected = result.rejected;
      }
      phases.castMs += performance.now() - t;
      phases.castCpuMs += cpuMs() - c;
      if (rejected.length > 0) {
        const first = rejected[0];
        throw new Error(`${checker.id} in ${accountId}: ${rejected.length} finding(s) rejected, first: #${first?.index} ${first?.field}: ${first?.reason}`);
      }

      if (!single) {
        // As CheckRunnerService.runAll: one run's file is still being encoded and written while the next run's
        // checks go on; the wait for it is the parquet phase.
        t = performance.now();
        c = cpuMs();
        await closing;
        closing = runWriter.close();
        phases.writeMs += performance.now() - t;
        phases.writeCpuMs += cpuMs() - c;
        files++;
      }

      const counts = perCheck.get(checker.id) ?? { emitted: 0, valid: 0, rejected: 0 };
      counts.emitted += emitted.length;
      counts.valid += valid;
      counts.rejected += rejected.length;
      perCheck.set(checker.id, counts);
    }
  }
  {
    const t = performance.now();
    const c = cpuMs();
    await closing;
    await single?.close();
    phases.writeMs += performance.now() - t;
    phases.writeCpuMs += cpuMs() - c;
    if (single) files++;
  }
  return { totalMs: performance.now() - started, cpuMs: cpuMs() - cpuStarted, phases, rows, perCheck, files };
}

/** The pooled full run: every account's job on the pool, as `CheckRunnerService.runAll` submits them. */
async function pooledRun(dataDir: string, layout: LakeLayout, pool: InventoryCheckPool, accountIds: readonly string[], iteration: number): Promise<FullResult> {
  const phases: Phases = { readMs: 0, checkMs: 0, castMs: 0, writeMs: 0, readCpuMs: 0, checkCpuMs: 0, castCpuMs: 0, writeCpuMs: 0 };
  const perCheck = new Map<string, { emitted: number; valid: number; rejected: number }>();
  let files = 0;
  const started = performance.now();
  const cpuStarted = cpuMs();
  const inFlight: Promise<void>[] = [];
  for (const accountId of accountIds) {
    if (inFlight.length > pool.size) await inFlight.shift();
    const runs = checkers.map((checker) => {
      const runId = `bench-${iteration}-${checker.id.replace('/', '-')}-${accountId}`;
      return { checkerId: checker.id, checkerVersion: checker.version, runId, config: undefined, parquetPath: layout.findingsFile(TENANT, utcDay(NOW), runId) };
    });
    inFlight.push(
      pool.run({ dataDir, tenantId: TENANT, accountId, now: NOW.toISOString(), runs }).then((outcomes) => {
        for (const outcome of outcomes) {
          if (!outcome.ok) throw new Error(`${outcome.checkerId} in ${accountId}: ${outcome.error}`);
          if (outcome.rejected > 0) throw new Error(`${outcome.checkerId} in ${accountId}: ${outcome.rejected} finding(s) rejected, first: ${JSON.stringify(outcome.rejections[0])}`);
          // The runner turns these columns into the lifecycle's sightings; their length stands in for that here.
          if (outcome.sightings.fingerprint.length !== outcome.rows) throw new Error(`${outcome.checkerId} in ${accountId}: sightings do not match rows`);
          const counts = perCheck.get(outcome.checkerId) ?? { emitted: 0, valid: 0, rejected: 0 };
          counts.emitted += outcome.emitted;
          counts.valid += outcome.rows;
          perCheck.set(outcome.checkerId, counts);
          files++;
        }
      }),
    );
  }
  await Promise.all(inFlight);
  return { totalMs: performance.now() - started, cpuMs: cpuMs() - cpuStarted, phases, rows: 0, perCheck, files };
}

const SETTLE_MS = 1500;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

const fmt = (ms: number): string => `${Math.round(ms)} ms`;
const rate = (rows: number, ms: number): string => `${Math.round((rows * 1000) / ms).toLocaleString('en-US')} rows/s`;
const mb = (kb: number): string => `${Math.round(kb / 1024)} MB`;
const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-bench-checkers-'));
try {
  const layout = new LakeLayout(dataDir);
  const t = performance.now();
  const generated = await generateInventory(layout, { tenantId: TENANT, collectedDate: COLLECTED_DATE, instances, accounts, seed, now: NOW });
  out(`generated ${generated.files} snapshot files in ${fmt(performance.now() - t)} under ${dataDir} (seed ${seed})`);
  out(`inventory: ${INVENTORY_KINDS.map((k) => `${k} ${generated.records[k].toLocaleString('en-US')}`).join(', ')}`);
  out(`${pipeline === 'pool' ? `pipeline: pool of ${workers} thread(s), one file per run` : `pipeline: inline, writer: ${writer}, cast: ${cast}`}; accounts ${generated.accountIds.length}, regions ${generated.regions.join(', ')}; ${checkers.length} inventory checkers: ${checkers.map((c) => c.id).join(', ')}`);
  const rssAfterGenerate = process.resourceUsage().maxRSS;

  // Warm-up so neither measurement pays for first-call JIT and module-level price table loading, nor for the
  // encoder thread's start and its TypeScript import (once per process, as in the CLI or the worker).
  await readOnly(layout, generated.accountIds);
  awsPricing();
  const warmUp = new FindingsParquetWriter(path.join(dataDir, 'warm-up.parquet'));
  warmUp.castAndAppend([], { tenantId: TENANT, runId: 'warm-up', observedAt: NOW });
  await warmUp.close();
  // The pool's threads start and load the checkers once per process (as in the API's worker or the CLI).
  const pool = pipeline === 'pool' ? new InventoryCheckPool(workers) : undefined;
  if (pool) {
    const empty = { dataDir, tenantId: TENANT, accountId: generated.accountIds[0]!, now: NOW.toISOString(), runs: [] };
    await Promise.all(Array.from({ length: workers }, () => pool.run(empty)));
    await pooledRun(dataDir, layout, pool, generated.accountIds, -1);
  }

  const reads: number[] = [];
  const readCpus: number[] = [];
  const fulls: FullResult[] = [];
  let rowsRead = 0;
  for (let i = 0; i < repeat; i++) {
    // Each phase starts on a quiet process: the previous phase's threads may still be collecting garbage (V8 shrinks
    // an idle heap in the background), which would slow the next phase and flatter or spoil the ratio.
    await settle();
    const r = await readOnly(layout, generated.accountIds);
    reads.push(r.ms);
    readCpus.push(r.cpuMs);
    rowsRead = r.rows;
    await settle();
    const f = pool ? await pooledRun(dataDir, layout, pool, generated.accountIds, i) : await fullRun(layout, generated.accountIds, i);
    // The pool's threads read the same snapshots; their row counts are not sent back.
    if (pool) f.rows = r.rows;
    if (f.rows !== r.rows) throw new Error(`full run read ${f.rows} rows, read-only run ${r.rows}`);
    fulls.push(f);
    const detail = pool ? '' : `; read ${fmt(f.phases.readMs)}, checks ${fmt(f.phases.checkMs)}, cast ${fmt(f.phases.castMs)}, parquet ${fmt(f.phases.writeMs)}`;
    out(`iteration ${i + 1}/${repeat}: read ${fmt(r.ms)} (cpu ${fmt(r.cpuMs)}), full ${fmt(f.totalMs)} (cpu ${fmt(f.cpuMs)}${detail}, ${f.files} files)`);
  }

  const last = fulls[fulls.length - 1];
  if (!last) throw new Error('no iterations ran');
  out();
  out('findings per check (one run per account):');
  let totalFindings = 0;
  for (const checker of checkers) {
    const c = last.perCheck.get(checker.id) ?? { emitted: 0, valid: 0, rejected: 0 };
    totalFindings += c.valid;
    out(`  ${checker.id.padEnd(30)} ${String(c.emitted).padStart(8)} emitted, ${c.valid} valid, ${c.rejected} rejected${c.emitted === 0 ? '  (none: the generator mix misses this check)' : ''}`);
  }
  const readMs = median(reads);
  const fullMs = median(fulls.map((f) => f.totalMs));
  const ratio = fullMs / readMs;
  const phase = (key: keyof Phases) => fmt(median(fulls.map((f) => f.phases[key])));
  out();
  out(`rows read: ${rowsRead.toLocaleString('en-US')} (${kinds.join(', ')}); findings written: ${totalFindings.toLocaleString('en-US')}`);
  out(`read only (median of ${repeat}): ${fmt(readMs)}, ${rate(rowsRead, readMs)}`);
  const phaseLine = pool ? `  [${workers} thread(s)]` : `  [read ${phase('readMs')}, checks ${phase('checkMs')}, cast ${phase('castMs')}, parquet ${phase('writeMs')}]`;
  out(`full run  (median of ${repeat}): ${fmt(fullMs)}, ${rate(rowsRead, fullMs)}${phaseLine}`);
  out(`ratio full/read: ${ratio.toFixed(2)}× (target ≤ 2×) ${ratio <= 2 ? 'MET' : 'MISSED'}`);
  // CPU time is steadier than wall time on a shared machine: other processes' load does not count in it.
  const cpuRatio = median(fulls.map((f) => f.cpuMs)) / median(readCpus);
  out(
    `cpu time: read ${fmt(median(readCpus))}, full ${fmt(median(fulls.map((f) => f.cpuMs)))}${pool ? '' : ` [read ${phase('readCpuMs')}, checks ${phase('checkCpuMs')}, cast ${phase('castCpuMs')}, parquet ${phase('writeCpuMs')}]`}; ratio ${cpuRatio.toFixed(2)}×`,
  );
  out(`peak RSS: ${mb(process.resourceUsage().maxRSS)} (after generation: ${mb(rssAfterGenerate)}; all threads)`);
  await pool?.close();
} finally {
  if (args.keep) out(`kept ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });
}
