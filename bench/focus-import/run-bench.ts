/**
 * `npm run bench:import -- [rows ...]` (default 1000000): times `finops import` of a generated CUR 1.0 CSV.gz against a
 * plain DuckDB COPY of the same file to parquet, and prints rows/s of both, their ratio, each peak RSS, the import's
 * per-phase timings and the machine's load average (the figures mean little on a busy machine).
 * Targets: ratio ≥ 0.6, import peak RSS ≤ 1 GB at 5 M rows. Not a test: run on demand.
 * BENCH_STORE=postgres keeps ImportState in a throwaway PostgreSQL database (FINOPS_TEST_PG_URL) instead of the embedded
 * PGlite store, whose WASM heap adds ~230 MB to the import process's RSS (open, assertMigrated and a query: 306 → 533 MB).
 * Peak RSS is the maximum resident set of each measured process itself (report-rss.mjs preloaded into it: the CLI
 * launcher runs the import in-process through tsx, so DuckDB's native memory is in that figure).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@openfinops/api';
import { REPO_ROOT } from '@openfinops/tenants';
import { createTestDatabase } from '../../test/support/index.ts';
import { generateCurCsvGz } from './generate-cur.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RSS = path.join(HERE, 'report-rss.mjs');

function runNode(args: string[], env: NodeJS.ProcessEnv): { ms: number; rssMb: number; cpuMs: number; stdout: string } {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', RSS, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Date.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const kb = Number(/PEAK_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 'NaN');
  const cpuMs = Number(/CPU_MS=(\d+)/.exec(r.stderr)?.[1] ?? 'NaN');
  return { ms, rssMb: Math.round(kb / 1024), cpuMs, stdout: r.stdout };
}

function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function benchOnce(rows: number): Promise<void> {
  const cache = path.join(os.tmpdir(), 'finops-bench-import');
  const file = path.join(cache, `cur1v2-${rows}.csv.gz`);
  if (!existsSync(file)) {
    await (await import('node:fs/promises')).mkdir(cache, { recursive: true });
    const t = Date.now();
    await generateCurCsvGz(rows, `${file}.tmp.csv.gz`);
    await (await import('node:fs/promises')).rename(`${file}.tmp.csv.gz`, file);
    process.stdout.write(`generated ${file} in ${Date.now() - t} ms\n`);
  }
  const storeKind = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'pglite';
  const db = storeKind === 'postgres' ? await createTestDatabase('postgres') : null;
  const work = await mkdtemp(path.join(os.tmpdir(), 'finops-bench-run-'));
  try {
    const store = await openStore({ dataDir: work, databaseUrl: db?.databaseUrl });
    await store.migrate();
    await store.prisma.tenant.create({ data: { id: 'bench', name: 'Benchmark' } });
    await store.close();

    const tsx = ['--import', 'tsx'];
    const loadBefore = load();
    const baseline = runNode([...tsx, path.join(HERE, 'baseline-copy.ts'), file, path.join(work, 'baseline.parquet')], process.env);
    const env = { ...process.env, FINOPS_DATA_DIR: work, DATABASE_URL: db?.databaseUrl ?? '' };
    const imported = runNode([path.join(REPO_ROOT, 'apps', 'cli', 'bin', 'finops.js'), 'import', file, '--tenant', 'bench', '--json'], env);
    const summary = JSON.parse(imported.stdout) as {
      rows: number;
      durationMs: number;
      phasesMs: Record<string, number>;
      validation: { valid: boolean } | null;
    };
    if (summary.rows !== rows) throw new Error(`imported ${summary.rows} rows, expected ${rows}`);
    const baseRate = Math.round((rows * 1000) / baseline.ms);
    const importRate = Math.round((rows * 1000) / imported.ms);
    const phases = Object.entries(summary.phasesMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stdout.write(
      [
        `rows: ${rows}  (${new Date().toISOString()}, ${os.availableParallelism()} cores, store ${storeKind}, load average before ${loadBefore}, after ${load()})`,
        `baseline DuckDB COPY csv.gz → parquet: ${baseline.ms} ms (CPU ${baseline.cpuMs} ms), ${baseRate} rows/s, peak RSS ${baseline.rssMb} MB`,
        `finops import (end to end, incl. process start, validation, rollups): ${imported.ms} ms (CPU ${imported.cpuMs} ms), ${importRate} rows/s, peak RSS ${imported.rssMb} MB`,
        `  pipeline inside the import: ${summary.durationMs} ms; phases (ms): ${phases}; FOCUS validation ${summary.validation?.valid ? 'passed' : 'reported errors'}`,
        `ratio import/baseline: ${(importRate / baseRate).toFixed(2)} (target ≥ 0.6); CPU-time ratio ${(baseline.cpuMs / imported.cpuMs).toFixed(2)}; peak RSS target ≤ 1024 MB at 5 M rows`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
    await db?.dispose();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
for (const rows of sizes.length ? sizes : [1_000_000]) await benchOnce(rows);
