import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { describeStores } from '../../../../test/support/store-harness.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { ImportService } from './import.service.ts';
import { ImportStateRepository } from './import-state.repository.ts';

const TENANT = 'cancel-import';
const INPUT = path.join(REPO_ROOT, 'test', 'fixtures', 'billing', 'focus-converters', 'aws-cur1_sample-anonymous-aws-export-dataset.csv.gz');
const PERIOD = '2023-11';
const SOURCE = { sourceKey: 'aws:cancel:hourly', sourceId: '123456789012' };

/** Every file of the tenant's FOCUS and rollup partitions with its inode: a swap would show as new names and inodes. */
async function lakeFiles(layout: LakeLayout, dataDir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const root of [layout.focusTenantDir(TENANT), layout.rollupsTenantDir(TENANT)]) {
    for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const file = path.join(e.parentPath, e.name);
      out.set(path.relative(dataDir, file), (await stat(file)).ino);
    }
  }
  return out;
}

/**
 * The phase boundaries an import checks its signal at, each reached by aborting from the progress line that opens the
 * phase before it (the line is printed as that phase starts, so the abort lands while it runs).
 */
const BOUNDARIES = [
  { during: 'Reading headers', boundary: 'after detection' },
  { during: 'Converting to FOCUS 1.2', boundary: 'after conversion and the source totals (both DuckDB statements interrupted)' },
  { during: 'Validating FOCUS 1.2 conformance', boundary: 'after validation' },
  { during: 'Reconciling totals', boundary: 'after reconciliation' },
  { during: 'Materialising daily rollups', boundary: 'before the swap' },
];

describeStores('import cancellation', (suite) => {
  let dataDir: string;
  let layout: LakeLayout;
  let service: ImportService;
  let states: ImportStateRepository;
  let before: Map<string, number>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-import-cancel-'));
    layout = new LakeLayout(dataDir);
    service = new ImportService(suite.store, layout);
    states = new ImportStateRepository(suite.store.prisma);
    await new TenantRepository(suite.store.prisma).create({ id: TENANT, name: 'Cancel' });
    const first = await service.import({ tenantId: TENANT, inputs: [INPUT], source: { ...SOURCE, version: 'v1' } });
    expect(first.status).toBe('imported');
    before = await lakeFiles(layout, dataDir);
    expect(before.size).toBeGreaterThan(0);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  for (const { during, boundary } of BOUNDARIES) {
    it(`stops ${boundary}: partition, ImportState and staging as before`, async () => {
      const recorded = await states.find(TENANT, SOURCE.sourceKey, PERIOD);
      const controller = new AbortController();
      const seen: string[] = [];
      const onProgress = (message: string): void => {
        seen.push(message);
        if (message.startsWith(during)) controller.abort();
      };
      const err = await service
        .import({ tenantId: TENANT, inputs: [INPUT], source: { ...SOURCE, version: 'v2' }, signal: controller.signal, onProgress })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'AbortError' });
      // The abort fired where it was meant to and nothing after that boundary started.
      expect(seen.at(-1)).toMatch(new RegExp(`^${during}`));
      expect(await lakeFiles(layout, dataDir)).toEqual(before);
      expect(await states.find(TENANT, SOURCE.sourceKey, PERIOD)).toEqual(recorded);
      expect(recorded?.version).toBe('v1');
      // The import's work dir (staged parquet, DuckDB temp files) and the tenant lock are gone.
      expect(await readdir(layout.stagingDir(TENANT))).toEqual([]);
    });
  }

  it('an abort once the swap has started is too late: the swap and its ImportState complete', async () => {
    const controller = new AbortController();
    const onProgress = (message: string): void => {
      if (message.startsWith('Swapping partitions')) controller.abort();
    };
    const result = await service.import({ tenantId: TENANT, inputs: [INPUT], source: { ...SOURCE, version: 'v3' }, signal: controller.signal, onProgress });
    expect(controller.signal.aborted).toBe(true);
    expect(result.status).toBe('imported');
    expect((await states.find(TENANT, SOURCE.sourceKey, PERIOD))?.version).toBe('v3');
    const after = await lakeFiles(layout, dataDir);
    expect([...after.keys()].every((f) => !before.has(f))).toBe(true);
    expect([...after.keys()].some((f) => f.includes(`part-${result.runId}-`))).toBe(true);
  });
});
