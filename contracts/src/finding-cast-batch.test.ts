import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Table, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDING_DECIMAL_SCALE, formatDecimal, toDecimal18_6 } from './decimal.ts';
import { type AcceptedFinding, castFindings, castFindingsToBatch } from './finding-cast.ts';
import { type FindingColumns, findingRecordsFromTable, findingsToRecordBatch } from './finding-arrow.ts';
import { arrowTableToParquet, FindingsParquetWriter, readFindingsParquet, writeFindingsBatch, writeFindingsParquet } from './finding-parquet.ts';
import { findingArrowSchema } from './finding-storage.schema.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

const ctx = { tenantId: 'Acme', runId: 'run-7', observedAt: new Date('2026-11-22T10:20:30.456Z') };

/** Valid, zod-only, rejected and duplicate findings, with unicode, nulls, unsorted and numeric tag keys. */
function mixedInputs(): unknown[] {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  // Deeper than the fast validator goes: accepted through zod.
  let deep: unknown = 'leaf';
  for (let i = 0; i < 40; i++) deep = { d: deep, [`k${i}`]: i };
  return [
    sampleWireFinding({ resourceId: 'a', tags: { zeta: '1', alpha: '2', '10': 'x', '9': 'y' }, discriminator: ' gp2 ' }),
    sampleWireFinding({ resourceId: 'b', title: 'Größe → 日本 🚀', evidence: { 'é': ['ü', 1.5e-7, null, true], a: { '2': 2, '10': 10 } }, observedMonthlyCost: null }),
    sampleWireFinding({ resourceId: 'c', evidence: { when: new Date(0) } }),
    sampleWireFinding({ resourceId: 'd', evidence: { s: 'lone \ud800' } }),
    sampleWireFinding({ resourceId: 'e', title: 'broken \udc00 title', estimatedMonthlySavings: '0', exclusionGroup: ' g-1 ' }),
    sampleWireFinding({ resourceId: 'a', tags: {}, discriminator: 'gp2' }),
    sampleWireFinding({ resourceId: 'f', estimatedMonthlySavings: '1e3' }),
    sampleWireFinding({ resourceId: 'g', provider: 'oracle' }),
    sampleWireFinding({ resourceId: ' h ', region: ' EU-West-1 ', estimatedMonthlySavings: '999999999999.999999', observedMonthlyCost: '-0.000001' }),
    sampleWireFinding({ resourceId: 'i', evidence: cyclic }),
    'not an object',
    { ...sampleWireFinding({ resourceId: 'j' }), unknownField: 1 },
    sampleWireFinding({ resourceId: 'k', evidence: { deep }, estimatedMonthlySavings: ' 7.25 ' }),
  ];
}

function ipcOf(batch: ReturnType<typeof findingsToRecordBatch>): Uint8Array {
  return tableToIPC(new Table(findingArrowSchema, [batch]), 'stream');
}

describe('castFindingsToBatch', () => {
  it('yields the rejections of castFindings and a batch byte-identical to the reference path', () => {
    const inputs = mixedInputs();
    const reference = castFindings(inputs, ctx);
    const fast = castFindingsToBatch(inputs, ctx);
    expect(reference.records.length).toBe(5);
    expect(reference.rejected.map((r) => r.index)).toEqual([2, 3, 5, 6, 7, 9, 10, 11]);
    expect(fast.rejected).toEqual(reference.rejected);
    expect(fast.batch.numRows).toBe(reference.records.length);
    expect(Buffer.from(ipcOf(fast.batch)).equals(Buffer.from(ipcOf(findingsToRecordBatch(reference.records))))).toBe(true);
    // Same fingerprints, ids and values, read back as records.
    expect(findingRecordsFromTable(new Table(findingArrowSchema, [fast.batch]))).toEqual(
      findingRecordsFromTable(new Table(findingArrowSchema, [findingsToRecordBatch(reference.records)])),
    );
    expect(fast.batch.getChild('fingerprint')?.toArray()).toEqual(reference.records.map((r) => r.fingerprint));
  });

  it('reports each row it accepted, in row order, with the facts of the record castFindings makes', () => {
    const inputs = mixedInputs();
    const reference = castFindings(inputs, ctx).records;
    const accepted: AcceptedFinding[] = [];
    const { batch } = castFindingsToBatch(inputs, ctx, { onAccepted: (finding) => accepted.push(finding) });
    expect(accepted).toHaveLength(batch.numRows);
    expect(
      accepted.map(({ fingerprint, wire, savings }) => ({
        fingerprint,
        check_id: wire.checkId,
        account_id: wire.accountId,
        resource_id: wire.resourceId,
        title: wire.title,
        exclusion_group: wire.exclusionGroup ?? null,
        estimated_monthly_savings: formatDecimal(savings, FINDING_DECIMAL_SCALE),
      })),
    ).toEqual(
      reference.map((r) => ({
        fingerprint: r.fingerprint,
        check_id: r.check_id,
        account_id: r.account_id,
        resource_id: r.resource_id,
        title: r.title,
        exclusion_group: r.exclusion_group,
        estimated_monthly_savings: r.estimated_monthly_savings,
      })),
    );
    expect(() => castFindingsToBatch(inputs, ctx, { onAccepted: () => { throw new Error('caller bug'); } })).toThrow('caller bug');
  });

  it('hands onColumns the column values the batch was built from, once', () => {
    const inputs = mixedInputs();
    const seen: FindingColumns[] = [];
    const { batch } = castFindingsToBatch(inputs, ctx, { onColumns: (columns) => seen.push(columns) });
    expect(seen).toHaveLength(1);
    const columns = seen[0]!;
    expect(columns.length).toBe(batch.numRows);
    // The values as validated (the batch's UTF-8 holds U+FFFD where a title had a lone surrogate, as castFindings' records do not).
    const records = castFindings(inputs, ctx).records;
    for (const name of ['fingerprint', 'finding_id', 'resource_id', 'title', 'check_id'] as const) {
      expect(columns.text[name].values).toEqual(records.map((r) => r[name]));
    }
    const groups = columns.text.exclusion_group;
    expect(groups.values.map((v, i) => (groups.valid?.[i] === false ? null : v))).toEqual(records.map((r) => r.exclusion_group));
    expect([...columns.savings]).toEqual(records.map((r) => toDecimal18_6(r.estimated_monthly_savings)));
    expect(() => castFindingsToBatch(inputs, ctx, { onColumns: () => { throw new Error('caller bug'); } })).toThrow('caller bug');
  });

  it('matches the reference path on random mutations of a finding', () => {
    const value = fc.oneof(
      fc.constantFrom(undefined, null, '', ' x ', 'aws', 'gcp', '12.5', '-1', '0.1234567', 'USD', ' 1.0.0', 'a\ud800'),
      fc.string(),
      fc.dictionary(fc.string(), fc.string()),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    const keys = ['resourceId', 'region', 'title', 'estimatedMonthlySavings', 'observedMonthlyCost', 'evidence', 'tags', 'discriminator', 'exclusionGroup', 'provider', 'currency'];
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 3 }), { minLength: 1, maxLength: 6 }), (mutations) => {
        const inputs = mutations.map((changes, i) => {
          const input = sampleWireFinding({ resourceId: `r-${i % 3}` });
          for (const [key, v] of changes) input[key] = v;
          return input;
        });
        let reference: ReturnType<typeof castFindings>;
        try {
          reference = castFindings(inputs, ctx);
        } catch (error) {
          // A lone surrogate in an identity part makes the fingerprint itself throw; both paths must agree.
          expect(() => castFindingsToBatch(inputs, ctx)).toThrow((error as Error).message);
          return;
        }
        const fast = castFindingsToBatch(inputs, ctx);
        expect(fast.rejected).toEqual(reference.rejected);
        expect(Buffer.from(ipcOf(fast.batch)).equals(Buffer.from(ipcOf(findingsToRecordBatch(reference.records))))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('FindingsParquetWriter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-findings-writer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes batches of several runs as the same rows writeFindingsParquet writes for all records at once', async () => {
    const runs = [0, 1, 2].map((n) => ({ ...ctx, runId: `run-${n}` }));
    const inputs = runs.map((_, n) => mixedInputs().map((f) => (typeof f === 'object' && f !== null ? { ...f, checkId: `aws/check-${n}` } : f)));

    const writer = new FindingsParquetWriter(path.join(dir, 'batches.parquet'));
    runs.forEach((run, n) => writer.appendBatch(castFindingsToBatch(inputs[n]!, run).batch));
    writer.append([]);
    expect(writer.rowCount).toBe(15);
    await writer.close();
    await expect(writer.close()).rejects.toThrow(/closed/);

    const all = runs.flatMap((run, n) => castFindings(inputs[n]!, run).records);
    await writeFindingsParquet(all, path.join(dir, 'records.parquet'));

    const fromBatches = findingRecordsFromTable(await readFindingsParquet(path.join(dir, 'batches.parquet')));
    const fromRecords = findingRecordsFromTable(await readFindingsParquet(path.join(dir, 'records.parquet')));
    expect(fromBatches).toHaveLength(15);
    expect(fromBatches).toEqual(fromRecords);
    expect(fromBatches.map((r) => r.fingerprint)).toEqual(all.map((r) => r.fingerprint));
  });

  it('writes on its encoder thread exactly the bytes arrowTableToParquet makes of all the batches at once', async () => {
    const batches = [0, 1, 2].map((n) => castFindingsToBatch(mixedInputs(), { ...ctx, runId: `run-${n}` }).batch);
    const writer = new FindingsParquetWriter(path.join(dir, 'threaded.parquet'));
    for (const batch of batches) writer.appendBatch(batch);
    await writer.close();
    const expected = arrowTableToParquet(new Table(findingArrowSchema, batches));
    expect(Buffer.from(await readFile(path.join(dir, 'threaded.parquet'))).equals(Buffer.from(expected))).toBe(true);

    const empty = new FindingsParquetWriter(path.join(dir, 'threaded-empty.parquet'));
    await empty.close();
    const expectedEmpty = arrowTableToParquet(new Table(findingArrowSchema, [findingsToRecordBatch([])]));
    expect(Buffer.from(await readFile(path.join(dir, 'threaded-empty.parquet'))).equals(Buffer.from(expectedEmpty))).toBe(true);
  });

  it('keeps writers apart on the shared encoder thread, and an aborted writer leaves no file', async () => {
    const sub = await mkdtemp(path.join(dir, 'interleaved-'));
    const first = new FindingsParquetWriter(path.join(sub, 'first.parquet'));
    const aborted = new FindingsParquetWriter(path.join(sub, 'aborted.parquet'));
    const second = new FindingsParquetWriter(path.join(sub, 'second.parquet'));
    const inputs = mixedInputs();
    first.appendBatch(castFindingsToBatch(inputs, { ...ctx, runId: 'first' }).batch);
    aborted.appendBatch(castFindingsToBatch(inputs, { ...ctx, runId: 'aborted' }).batch);
    second.appendBatch(castFindingsToBatch(inputs, { ...ctx, runId: 'second' }).batch);
    aborted.abort();
    expect(() => aborted.appendBatch(castFindingsToBatch(inputs, ctx).batch)).toThrow(/closed/);
    await Promise.all([second.close(), first.close()]);

    expect((await readdir(sub)).sort()).toEqual(['first.parquet', 'second.parquet']);
    for (const run of ['first', 'second']) {
      const rows = findingRecordsFromTable(await readFindingsParquet(path.join(sub, `${run}.parquet`)));
      expect(rows.map((r) => r.run_id)).toEqual(castFindings(inputs, { ...ctx, runId: run }).records.map(() => run));
      expect(rows).toHaveLength(5);
    }
  });

  it('writes an empty findings file when nothing was appended, and refuses a batch of another schema', async () => {
    const writer = new FindingsParquetWriter(path.join(dir, 'empty.parquet'));
    const other = castFindingsToBatch([sampleWireFinding()], ctx).batch.selectAt([0, 1]);
    expect(() => writer.appendBatch(other)).toThrow(/not a findings batch/);
    await writer.close();
    expect((await readFindingsParquet(path.join(dir, 'empty.parquet'))).numRows).toBe(0);
    expect((await readFile(path.join(dir, 'empty.parquet'))).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('writeFindingsBatch writes on the calling thread the bytes a writer given the same batch writes, and refuses another schema', async () => {
    const { batch } = castFindingsToBatch(mixedInputs(), ctx);
    const viaWriter = new FindingsParquetWriter(path.join(dir, 'one-batch-writer.parquet'));
    viaWriter.appendBatch(batch);
    await viaWriter.close();
    await writeFindingsBatch(batch, path.join(dir, 'one-batch-here.parquet'));
    const here = await readFile(path.join(dir, 'one-batch-here.parquet'));
    expect(Buffer.compare(here, await readFile(path.join(dir, 'one-batch-writer.parquet')))).toBe(0);
    expect((await readFindingsParquet(path.join(dir, 'one-batch-here.parquet'))).numRows).toBe(batch.numRows);

    const refused = path.join(dir, 'refused.parquet');
    await expect(writeFindingsBatch(batch.selectAt([0, 1]), refused)).rejects.toThrow(`findings file ${refused}: batch is not a findings batch`);
    expect((await readdir(dir)).filter((f) => f.includes('refused'))).toEqual([]);
  });
});

describe('FindingsParquetWriter.castAndAppend', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-findings-cast-append-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The file the in-process path writes: castFindingsToBatch per run, appendBatch, one close. */
  async function referenceFile(name: string, runs: { inputs: unknown[]; ctx: typeof ctx }[]): Promise<Buffer> {
    const writer = new FindingsParquetWriter(path.join(dir, name));
    for (const run of runs) writer.appendBatch(castFindingsToBatch(run.inputs, run.ctx).batch);
    await writer.close();
    return readFile(path.join(dir, name));
  }

  it('returns the rejections and accepted findings of castFindingsToBatch, and the thread writes the same bytes', async () => {
    const runs = [
      // Empty runs first and in between: only a writer's first batch may be empty, whichever path sent it.
      { inputs: [] as unknown[], ctx: { ...ctx, runId: 'empty-0' } },
      { inputs: mixedInputs(), ctx: { ...ctx, runId: 'run-1' } },
      { inputs: ['not an object', { bad: true }], ctx: { ...ctx, runId: 'all-rejected' } },
      { inputs: mixedInputs().reverse(), ctx: { ...ctx, tenantId: 'other', runId: 'run-2' } },
    ];
    const writer = new FindingsParquetWriter(path.join(dir, 'cast-append.parquet'));
    for (const run of runs) {
      const reference: AcceptedFinding[] = [];
      const expected = castFindingsToBatch(run.inputs, run.ctx, { onAccepted: (f) => reference.push(f) });
      const accepted: AcceptedFinding[] = [];
      let fingerprints: string[] | undefined;
      const result = writer.castAndAppend(run.inputs, run.ctx, { onAccepted: (f) => accepted.push(f), onColumns: (c) => (fingerprints = [...c.text.fingerprint.values]) });
      expect(result.rejected).toEqual(expected.rejected);
      expect(result.rows).toBe(expected.batch.numRows);
      expect(accepted).toEqual(reference);
      expect(fingerprints).toEqual(reference.map((f) => f.fingerprint));
    }
    expect(writer.rowCount).toBe(10);
    await writer.close();
    const written = await readFile(path.join(dir, 'cast-append.parquet'));
    expect(written.equals(await referenceFile('cast-append-reference.parquet', runs))).toBe(true);
    expect(findingRecordsFromTable(await readFindingsParquet(path.join(dir, 'cast-append.parquet'))).map((r) => r.run_id)).toEqual([
      ...Array<string>(5).fill('run-1'),
      ...Array<string>(5).fill('run-2'),
    ]);
  });

  it('keeps the order of casts and batches appended by either path', async () => {
    const inputs = (runId: string) => mixedInputs().map((f) => (typeof f === 'object' && f !== null ? { ...f, title: `${runId} title` } : f));
    const writer = new FindingsParquetWriter(path.join(dir, 'mixed-paths.parquet'));
    writer.castAndAppend(inputs('a'), { ...ctx, runId: 'a' });
    writer.appendBatch(castFindingsToBatch(inputs('b'), { ...ctx, runId: 'b' }).batch);
    writer.castAndAppend(inputs('c'), { ...ctx, runId: 'c' });
    await writer.close();
    const reference = await referenceFile(
      'mixed-paths-reference.parquet',
      ['a', 'b', 'c'].map((runId) => ({ inputs: inputs(runId), ctx: { ...ctx, runId } })),
    );
    expect((await readFile(path.join(dir, 'mixed-paths.parquet'))).equals(reference)).toBe(true);
  });

  it('throws what castFindingsToBatch throws and appends nothing then: a bad ctx, a bad identity part, a throwing callback', async () => {
    const writer = new FindingsParquetWriter(path.join(dir, 'throws.parquet'));
    const good = mixedInputs();
    const badIdentity = [sampleWireFinding({ resourceId: 'ok' }), sampleWireFinding({ accountId: 'acct \ud800' })];
    const failures: [unknown[], typeof ctx, Parameters<typeof castFindingsToBatch>[2]][] = [
      [good, { ...ctx, runId: ' ' }, {}],
      [good, { ...ctx, observedAt: new Date(Number.NaN) }, {}],
      [badIdentity, ctx, {}],
      [good, ctx, { onAccepted: () => { throw new Error('caller bug'); } }],
      [good, ctx, { onColumns: () => { throw new Error('caller bug in onColumns'); } }],
    ];
    for (const [inputs, runCtx, options] of failures) {
      let expected: Error | undefined;
      try {
        castFindingsToBatch(inputs, runCtx, options);
      } catch (error) {
        expected = error as Error;
      }
      expect(expected).toBeInstanceOf(Error);
      expect(() => writer.castAndAppend(inputs, runCtx, options)).toThrow(expected!.message);
    }
    expect(writer.rowCount).toBe(0);
    writer.castAndAppend(good, { ...ctx, runId: 'after' });
    await writer.close();
    const reference = await referenceFile('throws-reference.parquet', [{ inputs: good, ctx: { ...ctx, runId: 'after' } }]);
    expect((await readFile(path.join(dir, 'throws.parquet'))).equals(reference)).toBe(true);
  });

  it('matches the in-process file on random runs of valid, unusual and invalid findings', async () => {
    const finding = fc.record({
      resourceId: fc.constantFrom('a', 'b', ' c ', 'd\u00e9'),
      title: fc.oneof(fc.string({ minLength: 1 }), fc.constant('Größe → 日本 🚀')),
      estimatedMonthlySavings: fc.constantFrom('0', '12.5', ' 7.25 ', '-1', '1e3', '999999999999.999999'),
      evidence: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      tags: fc.dictionary(fc.string(), fc.string()),
      discriminator: fc.constantFrom(undefined, '', ' gp2 '),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(finding, { maxLength: 5 }), { minLength: 1, maxLength: 3 }), async (runs) => {
        n++;
        const cases = runs.map((changes, i) => ({
          inputs: changes.map((c) => {
            const input: Record<string, unknown> = sampleWireFinding();
            for (const [key, value] of Object.entries(c)) if (value !== undefined) input[key] = value;
            return input;
          }),
          ctx: { ...ctx, runId: `run-${i}` },
        }));
        const writer = new FindingsParquetWriter(path.join(dir, `random-${n}.parquet`));
        for (const run of cases) {
          let expected: ReturnType<typeof castFindingsToBatch>;
          try {
            expected = castFindingsToBatch(run.inputs, run.ctx);
          } catch (error) {
            expect(() => writer.castAndAppend(run.inputs, run.ctx)).toThrow((error as Error).message);
            run.inputs = [];
            continue;
          }
          expect(writer.castAndAppend(run.inputs, run.ctx).rejected).toEqual(expected.rejected);
        }
        await writer.close();
        const reference = await referenceFile(`random-${n}-reference.parquet`, cases);
        expect((await readFile(path.join(dir, `random-${n}.parquet`))).equals(reference)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
