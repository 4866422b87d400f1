import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FocusLakeRepository, ImportService, ImportStateRepository } from '@openfinops/api';
import { LakeLayout } from '@openfinops/tenants';
import { describeStores } from '../support/index.ts';
import { AWS_SAMPLES, expectedFor, expectedString, FOCUS_SAMPLE } from './import-fixtures.ts';

async function listParquet(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile() && e.name.endsWith('.parquet')) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

describeStores('import service', (suite) => {
  let dataDir: string;
  let layout: LakeLayout;
  let service: ImportService;
  let lake: FocusLakeRepository;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-import-'));
    layout = new LakeLayout(dataDir);
    service = new ImportService(suite.store, layout);
    lake = new FocusLakeRepository(layout);
    for (const id of ['acme', 'globex', 'initech']) await suite.store.prisma.tenant.create({ data: { id, name: id } });
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const sample of AWS_SAMPLES) {
    it(`imports, validates and reconciles ${sample.name}`, async () => {
      const expected = expectedFor(sample.folder, sample.file);
      const result = await service.import({ tenantId: 'acme', inputs: [sample.input] });
      expect(result.status).toBe('imported');
      expect(result.format).toBe(sample.format);
      expect(result.rows).toBe(expected.rows);
      expect(result.validation).not.toBeNull();
      const [period] = result.totals.filter((t) => t.billingPeriod === sample.billingPeriod);
      expect(period?.currency).toBe('USD');
      expect(period?.billedCost).toBe(expectedString(expected, 'expected_FOCUS_BilledCost_total'));
      expect(period?.effectiveCost).toBe(expectedString(expected, 'expected_FOCUS_EffectiveCost_total'));
      if (typeof expected['sum_pricing/publicOnDemandCost'] === 'string') {
        expect(period?.listCost).toBe(expected['sum_pricing/publicOnDemandCost']);
      }
      const back = await lake.totals('acme', { billingPeriod: sample.billingPeriod, provider: 'aws' });
      expect(back).toEqual([expect.objectContaining({ rows: expected.rows, billedCost: period?.billedCost, effectiveCost: period?.effectiveCost })]);
      const rollups = await listParquet(layout.rollupsTenantDir('acme'));
      expect(rollups.some((f) => f.includes(`billing_period=${sample.billingPeriod}`))).toBe(true);
    });
  }

  it('imports the FOCUS 1.0 sample into per-provider partitions with the expected totals', async () => {
    const expected = expectedFor(FOCUS_SAMPLE.folder, FOCUS_SAMPLE.file);
    const result = await service.import({ tenantId: 'globex', inputs: [FOCUS_SAMPLE.input] });
    expect(result.format).toBe('focus');
    expect(result.rows).toBe(expected.rows);
    const byProvider = expected.by_ProviderName as Record<string, { rows: number; BilledCost: string; EffectiveCost: string; ListCost: string }>;
    const lakeProvider: Record<string, string> = { AWS: 'aws', Microsoft: 'azure', Oracle: 'oci' };
    for (const [name, totals] of Object.entries(byProvider)) {
      const t = result.totals.find((x) => x.provider === lakeProvider[name]);
      expect(t).toEqual(expect.objectContaining({ rows: totals.rows, billedCost: totals.BilledCost, effectiveCost: totals.EffectiveCost, listCost: totals.ListCost }));
    }
    const back = await lake.totals('globex', { billingPeriod: '2024-09' });
    expect(back.map((r) => r.billedCost).sort()).toEqual(Object.values(byProvider).map((p) => p.BilledCost).sort());
  });

  it('keeps tenants apart: an import for one tenant never shows in another tenant\'s totals', async () => {
    expect(await lake.totals('initech')).toEqual([]);
    const acme = await lake.totals('acme');
    const globex = await lake.totals('globex');
    // acme holds only AWS CUR imports; globex only the FOCUS sample (445 rows, all in 2024-09).
    expect(acme.map((r) => r.provider)).toEqual(acme.map(() => 'aws'));
    expect(globex.reduce((n, r) => n + r.rows, 0)).toBe(445);
    expect(globex.every((r) => r.billingPeriod === '2024-09')).toBe(true);
    expect(acme.find((r) => r.billingPeriod === '2024-09')?.rows).toBe(4);
  });

  it('skips an unchanged source, replaces a changed one, and never duplicates rows', async () => {
    const sample = AWS_SAMPLES[1]!;
    const again = await service.import({ tenantId: 'acme', inputs: [sample.input] });
    expect(again.status).toBe('skipped');
    const before = await lake.totals('acme', { billingPeriod: sample.billingPeriod });
    expect(before[0]?.rows).toBe(2660);

    // Same source (payer account) and period, different content: the last 660 rows dropped.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'finops-changed-'));
    const lines = gunzipSync(await readFile(sample.input)).toString('utf8').split('\n').filter((l) => l.length > 0);
    const changed = path.join(dir, 'report.csv.gz');
    await writeFile(changed, gzipSync(`${lines.slice(0, 2001).join('\n')}\n`));
    const replaced = await service.import({ tenantId: 'acme', inputs: [changed] });
    expect(replaced.status).toBe('imported');
    expect(replaced.sourceKey).toBe(again.sourceKey);
    const after = await lake.totals('acme', { billingPeriod: sample.billingPeriod });
    expect(after[0]?.rows).toBe(2000);
    expect(after[0]?.billedCost).toBe(replaced.totals[0]?.billedCost);
    const files = await listParquet(layout.focusPartitionDir('acme', { billingPeriod: sample.billingPeriod, provider: 'aws', source: replaced.source }));
    expect(files.every((f) => path.basename(f).startsWith(`part-${replaced.runId}`))).toBe(true);

    const states = await new ImportStateRepository(suite.store.prisma).list('acme');
    const state = states.find((s) => s.sourceKey === replaced.sourceKey && s.billingPeriod === sample.billingPeriod);
    expect(state).toEqual(expect.objectContaining({ rowCount: 2000, version: replaced.version }));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an unknown tenant', async () => {
    await expect(service.import({ tenantId: 'nobody', inputs: [FOCUS_SAMPLE.input] })).rejects.toThrow(/nobody/);
  });
});
