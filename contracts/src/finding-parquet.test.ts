import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castFindings } from './finding-cast.ts';
import { describeArrowSchema, findingRecordsFromTable } from './finding-arrow.ts';
import { readFindingsParquet, readParquetArrowSchema, writeFindingsParquet } from './finding-parquet.ts';
import { FINDING_STORAGE_VERSION, FINDING_STORAGE_VERSION_KEY, findingArrowSchema, type FindingRecord } from './finding-storage.schema.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'finding-parquet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = { tenantId: 'acme', runId: 'run-1', observedAt: new Date('2024-06-01T10:20:30.456Z') };

function edgeRecords(): FindingRecord[] {
  const { records, rejected } = castFindings(
    [
      sampleWireFinding({ resourceId: 'tiny', estimatedMonthlySavings: '0.000001', observedMonthlyCost: '-12.345678', tags: {} }),
      sampleWireFinding({
        resourceId: 'huge',
        estimatedMonthlySavings: '999999999999.999999',
        observedMonthlyCost: null,
        discriminator: 'gp2→gp3',
        exclusionGroup: 'huge-alt',
        tags: { 'z-last': 'ünïcode', env: 'prod', 'a first': '' },
        evidence: { nested: { b: 2, a: [1, 'x'] } },
      }),
      sampleWireFinding({ resourceId: 'zero', estimatedMonthlySavings: '0', observedMonthlyCost: '-999999999999.999999' }),
    ],
    ctx,
  );
  expect(rejected).toEqual([]);
  return records;
}

describe('writeFindingsParquet / readFindingsParquet', () => {
  it('round-trips the schema exactly: names, types, precision/scale, timezone, nullability, metadata', async () => {
    const file = join(dir, 'schema', 'findings.parquet');
    await writeFindingsParquet(edgeRecords(), file);

    for (const schema of [await readParquetArrowSchema(file), (await readFindingsParquet(file)).schema]) {
      expect(describeArrowSchema(schema)).toEqual(describeArrowSchema(findingArrowSchema));
      expect(schema.metadata.get(FINDING_STORAGE_VERSION_KEY)).toBe(FINDING_STORAGE_VERSION);
    }
    // Spot-check the facts the description encodes, so a bug in describeArrowSchema cannot hide one.
    const schema = await readParquetArrowSchema(file);
    const field = (name: string) => schema.fields.find((f) => f.name === name)!;
    expect(field('estimated_monthly_savings').type).toMatchObject({ precision: 18, scale: 6, bitWidth: 128 });
    expect(field('estimated_monthly_savings').nullable).toBe(false);
    expect(field('observed_monthly_cost').nullable).toBe(true);
    expect(field('observed_at').type).toMatchObject({ timezone: 'UTC' });
    expect(String(field('observed_at').type)).toBe('Timestamp<MILLISECOND, UTC>');
    expect(String(field('run_date').type)).toBe('Date32<DAY>');
    expect(String(field('tags').type)).toBe('Map<{key:Utf8, value:Utf8}>');
    expect(schema.fields.map((f) => f.name)).toEqual(findingArrowSchema.fields.map((f) => f.name));
  });

  it('round-trips values exactly, including decimal edges and nulls', async () => {
    const records = edgeRecords();
    const file = join(dir, 'values.parquet');
    await writeFindingsParquet(records, file);
    const back = findingRecordsFromTable(await readFindingsParquet(file), file);
    expect(back).toEqual(records);
    expect(back.map((r) => [r.estimated_monthly_savings, r.observed_monthly_cost])).toEqual([
      ['0.000001', '-12.345678'],
      ['999999999999.999999', null],
      ['0.000000', '-999999999999.999999'],
    ]);
    expect(back[1]?.tags).toEqual({ 'a first': '', env: 'prod', 'z-last': 'ünïcode' });
    expect(back[1]?.evidence).toBe('{"nested":{"a":[1,"x"],"b":2}}');
  });

  it('writes and reads an empty file with the full schema', async () => {
    const file = join(dir, 'empty.parquet');
    await writeFindingsParquet([], file);
    const table = await readFindingsParquet(file);
    expect(table.numRows).toBe(0);
    expect(describeArrowSchema(table.schema)).toEqual(describeArrowSchema(findingArrowSchema));
  });

  it('is readable by DuckDB as DECIMAL(18,6), DATE, TIMESTAMPTZ and MAP with LZ4_RAW pages and row-group statistics where they prune', async () => {
    const records = edgeRecords();
    const file = join(dir, 'duck.parquet');
    await writeFindingsParquet(records, file);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const rows = await connection.runAndReadAll(
        'SELECT check_id, estimated_monthly_savings, observed_monthly_cost, run_date, observed_at, tags[$2] AS env FROM read_parquet($1) ORDER BY resource_id',
        [file, 'env'],
      );
      const types = rows.columnTypes().map(String);
      expect(types.slice(1, 5)).toEqual(['DECIMAL(18,6)', 'DECIMAL(18,6)', 'DATE', 'TIMESTAMP WITH TIME ZONE']);
      expect(rows.getRowObjectsJson()).toEqual([
        { check_id: 'aws/idle-ec2', estimated_monthly_savings: '999999999999.999999', observed_monthly_cost: null, run_date: '2024-06-01', observed_at: '2024-06-01 10:20:30.456+00', env: 'prod' },
        { check_id: 'aws/idle-ec2', estimated_monthly_savings: '0.000001', observed_monthly_cost: '-12.345678', run_date: '2024-06-01', observed_at: '2024-06-01 10:20:30.456+00', env: null },
        { check_id: 'aws/idle-ec2', estimated_monthly_savings: '0.000000', observed_monthly_cost: '-999999999999.999999', run_date: '2024-06-01', observed_at: '2024-06-01 10:20:30.456+00', env: 'prod' },
      ]);
      const sum = await connection.runAndReadAll('SELECT sum(estimated_monthly_savings)::VARCHAR AS total FROM read_parquet($1)', [file]);
      // DuckDB widens sum(DECIMAL(18,6)) to DECIMAL(38,6), so the total stays exact past the column range.
      expect(sum.getRowObjectsJson()).toEqual([{ total: '1000000000000.000000' }]);
      const codecs = await connection.runAndReadAll('SELECT DISTINCT compression FROM parquet_metadata($1)', [file]);
      expect(codecs.getRowObjectsJson()).toEqual([{ compression: 'LZ4_RAW' }]);
      const stats = await connection.runAndReadAll(
        "SELECT path_in_schema AS col, stats_min_value AS min, stats_max_value AS max FROM parquet_metadata($1) WHERE path_in_schema IN ('check_id', 'resource_id', 'fingerprint', 'evidence') ORDER BY col",
        [file],
      );
      expect(stats.getRowObjectsJson()).toEqual([
        { col: 'check_id', min: 'aws/idle-ec2', max: 'aws/idle-ec2' },
        { col: 'evidence', min: null, max: null },
        { col: 'fingerprint', min: null, max: null },
        { col: 'resource_id', min: expect.any(String), max: expect.any(String) },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('replaces an existing file and leaves no temp files behind', async () => {
    const sub = join(dir, 'replace');
    const file = join(sub, 'findings.parquet');
    await writeFindingsParquet(edgeRecords(), file);
    await writeFindingsParquet(edgeRecords().slice(0, 1), file);
    expect((await readFindingsParquet(file)).numRows).toBe(1);
    expect(await readdir(sub)).toEqual(['findings.parquet']);
  });

  it('refuses a bad record naming its index and column, and writes nothing', async () => {
    const sub = join(dir, 'bad');
    const records = edgeRecords();
    records[2] = { ...records[2]!, estimated_monthly_savings: '1.1234567' };
    await expect(writeFindingsParquet(records, join(sub, 'x.parquet'))).rejects.toThrow(
      /finding record 2 \(resource_id "zero"\) column estimated_monthly_savings: .*7 fractional digits/,
    );
    expect(existsSync(sub) ? await readdir(sub) : []).toEqual([]);
  });

  it('refuses to read a parquet file that is not a findings file, naming it', async () => {
    const file = join(dir, 'other.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`COPY (SELECT 1 AS x) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    await expect(readFindingsParquet(file)).rejects.toThrow(`${file} is not a findings file: column 0 "x"`);
    await writeFile(join(dir, 'garbage.parquet'), 'not parquet');
    await expect(readFindingsParquet(join(dir, 'garbage.parquet'))).rejects.toThrow(/garbage.parquet is not a readable parquet file/);
  });
});

describe('encoder thread', () => {
  it('lets the process exit on its own when a writer was never closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'finops-unclosed-writer-'));
    try {
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', join(here, 'testing', 'unclosed-writer.child.ts'), dir], { cwd: repoRoot, timeout: 120_000 });
      expect(stdout).toBe('CLOSED 1, left open 1\n');
      expect(await readdir(dir)).toEqual(['closed.parquet']);
      expect(findingRecordsFromTable(await readFindingsParquet(join(dir, 'closed.parquet'))).map((r) => r.resource_id)).toEqual(['written']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('crash atomicity', () => {
  function runChildUntilReady(target: string): Promise<{ tempPath: string; kill: () => Promise<NodeJS.Signals | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testing', 'crash-writer.child.ts'), target], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.once('exit', (_code, signal) => resolveExit(signal)));
    return new Promise((resolveReady, rejectReady) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /READY (.+)\n/.exec(out);
        if (match) {
          resolveReady({
            tempPath: match[1]!,
            kill: async () => {
              child.kill('SIGKILL');
              return exited;
            },
          });
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('exit', (code) => rejectReady(new Error(`crash writer exited (${code}) before READY: ${err}`)));
    });
  }

  it('a writer killed between fsync and rename leaves no file under the final name', async () => {
    const sub = join(dir, 'crash-new');
    const target = join(sub, 'findings.parquet');
    const { tempPath, kill } = await runChildUntilReady(target);
    // The temp file is complete and fsynced at this point: only the rename is missing.
    expect((await stat(tempPath)).size).toBeGreaterThan(0);
    expect(await kill()).toBe('SIGKILL');

    expect(existsSync(target)).toBe(false);
    const names = await readdir(sub);
    expect(names.filter((n) => n.endsWith('.parquet') && !n.startsWith('.'))).toEqual([]);
    // The leftover is dot-prefixed so `*.parquet` globs skip it.
    expect(names).toEqual([tempPath.slice(sub.length + 1)]);
    expect(names[0]).toMatch(/^\.findings\.parquet\.tmp-[0-9a-f]{16}$/);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await expect(connection.runAndReadAll('SELECT count(*) FROM read_parquet($1)', [join(sub, '*.parquet')])).rejects.toThrow(/No files found/);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('a writer killed before rename leaves the previous file intact', async () => {
    const sub = join(dir, 'crash-existing');
    const target = join(sub, 'findings.parquet');
    const previous = edgeRecords();
    await writeFindingsParquet(previous, target);
    const { kill } = await runChildUntilReady(target);
    await kill();
    expect(findingRecordsFromTable(await readFindingsParquet(target))).toEqual(previous);
  });
});
