import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCurV1Format, importFocusFiles, ReconciliationError, SourceInputError, UnknownFormatError } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { BILLING } from './import-fixtures.ts';

const KEBOOLA_CSV = path.join(BILLING, 'keboola-aws-cur-mock', 'cur_1_0', 'sample_billing_data.csv');

describe('import: bad input', () => {
  let dir: string;
  let layout: LakeLayout;
  let header: string;
  let rows: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-bad-input-'));
    layout = new LakeLayout(path.join(dir, 'data'));
    const lines = (await readFile(KEBOOLA_CSV, 'utf8')).split('\n').filter((l) => l.length > 0);
    header = lines[0] as string;
    rows = lines.slice(1);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: string | Buffer): Promise<string> {
    const p = path.join(dir, name);
    await writeFile(p, content);
    return p;
  }

  const run = (inputs: string[], tenantId = 'bad-input') => importFocusFiles({ tenantId, inputs, layout });

  it('names the columns seen and the formats known for an unknown format', async () => {
    const p = await file('mystery.csv', 'Foo,Bar,Amount\n1,2,3\n');
    const err = await run([p]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownFormatError);
    expect((err as Error).message).toContain('mystery.csv');
    expect((err as Error).message).toContain('Columns seen: Foo, Bar, Amount');
    expect((err as Error).message).toMatch(/Known formats: .*aws-cur-v1.*aws-cur-v2.*focus/);
  });

  it('reports file and line of a row with the wrong number of fields', async () => {
    const broken = [header, rows[0], `${rows[1]},extra`, rows[2]].join('\n');
    const p = await file('broken-row.csv', `${broken}\n`);
    const err = await run([p]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceInputError);
    expect((err as Error).message).toMatch(/broken-row\.csv: line 3: expected 30 columns, found 31/);
  });

  it('reports file, line and column of a cost that is not a number', async () => {
    const bad = (rows[1] as string).replace(',0.0108,0.0108,0.0108,0.0108,', ',0.0108,not-a-cost,0.0108,0.0108,');
    const p = await file('bad-cost.csv', `${[header, rows[0], bad, rows[2]].join('\n')}\n`);
    const err = await run([p]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceInputError);
    expect((err as Error).message).toMatch(/bad-cost\.csv: line 3, column lineItem\/UnblendedCost: "not-a-cost"/);
  });

  it('strips a UTF-8 BOM', async () => {
    const p = await file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await readFile(KEBOOLA_CSV)]));
    const result = await run([p], 'bom-tenant');
    expect(result.format).toBe('aws-cur-v1');
    expect(result.totals).toEqual([expect.objectContaining({ rows: 3, billedCost: '0.045152' })]);
  });

  it('refuses UTF-16 clearly', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n${rows[0]}\n`, 'utf16le')]);
    const p = await file('utf16.csv', utf16);
    await expect(run([p])).rejects.toThrow(/utf16\.csv: file is UTF-16 encoded/);
  });

  it('imports a header-only AWS CUR as zero rows, valid, writing nothing', async () => {
    const p = await file('header-only.csv', `${header}\n`);
    const result = await run([p], 'empty-tenant');
    expect(result).toEqual(expect.objectContaining({ status: 'imported', format: 'aws-cur-v1', rows: 0, totals: [], partitions: [] }));
    expect(await readdir(layout.focusTenantDir('empty-tenant')).catch(() => [])).toEqual([]);
  });

  it('keeps currencies apart, never summing them', async () => {
    const eur = (rows[2] as string).replace(',USD,', ',EUR,');
    const p = await file('mixed.csv', `${[header, rows[0], rows[1], eur].join('\n')}\n`);
    const result = await run([p], 'mixed-tenant');
    expect(result.totals.map((t) => [t.currency, t.rows, t.billedCost])).toEqual([
      ['EUR', 1, '0.023552'],
      ['USD', 2, '0.0216'],
    ]);
  });

  it('fails on a reconciliation mismatch, names period, totals and difference, and replaces nothing', async () => {
    const ok = await run([KEBOOLA_CSV], 'recon-tenant');
    expect(ok.rows).toBe(3);
    const sql = await readFile(awsCurV1Format.sqlFile, 'utf8');
    // A deliberately wrong conversion: it loses every row after the first.
    const lossySql = await file('lossy.sql', `SELECT * FROM (${sql}) LIMIT 1`);
    const lossy = { ...awsCurV1Format, id: 'aws-cur-v1-lossy', sqlFile: lossySql };
    const err = await importFocusFiles({ tenantId: 'recon-tenant', inputs: [KEBOOLA_CSV], layout, formats: [lossy] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconciliationError);
    const message = (err as Error).message;
    expect(message).toContain('2024-01 USD BilledCost: source 0.045152');
    expect(message).toMatch(/difference -0\.0/);
    expect(message).toContain('nothing was replaced');
    const files = await readdir(layout.focusPartitionDir('recon-tenant', { billingPeriod: '2024-01', provider: 'aws', source: ok.source }));
    expect(files).toEqual([expect.stringMatching(new RegExp(`^part-${ok.runId}`))]);
  });
});
