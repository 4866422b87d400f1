import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LakeLayout, parseTenantId } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localChange, remoteChange } from '../common/cache-changes.ts';
import { CostLakeRepository } from './cost-lake.repository.ts';

describe('CostLakeRepository.lakeVersion', () => {
  let dataDir: string;
  let layout: LakeLayout;
  const tenant = parseTenantId('version-t');

  const addPart = async (period: string, name: string) => {
    const dir = path.join(layout.rollupsTenantDir(tenant), `billing_period=${period}`, 'provider=aws', 'source=acct');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, name), `parquet bytes of ${period}/${name}`);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cost-lake-version-'));
    layout = new LakeLayout(dataDir);
    await addPart('2026-01', 'part-1.parquet');
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps a version until an announced lake change, here or in another process, or its TTL', async () => {
    const cached = new CostLakeRepository(layout, { versionCacheMs: 60_000 });
    const v1 = await cached.lakeVersion(tenant, 'rollups');
    await addPart('2026-02', 'part-1.parquet');
    // Files changed without an import are not seen until the TTL or a change is announced.
    expect(await cached.lakeVersion(tenant, 'rollups')).toBe(v1);
    remoteChange('lake');
    const v2 = await cached.lakeVersion(tenant, 'rollups');
    expect(v2).not.toBe(v1);
    await addPart('2026-03', 'part-1.parquet');
    localChange('lake');
    expect(await cached.lakeVersion(tenant, 'rollups')).not.toBe(v2);
  });

  it('walks the files on every call with a TTL of 0, ignoring in-flight temp files', async () => {
    const uncached = new CostLakeRepository(layout, { versionCacheMs: 0 });
    const before = await uncached.lakeVersion(tenant, 'rollups');
    await addPart('2026-03', '.part-2.parquet');
    expect(await uncached.lakeVersion(tenant, 'rollups')).toBe(before);
    await addPart('2026-03', 'part-2.parquet');
    expect(await uncached.lakeVersion(tenant, 'rollups')).not.toBe(before);
    // The detail dataset has a version of its own.
    expect(await uncached.lakeVersion(tenant, 'detail')).not.toBe(await uncached.lakeVersion(tenant, 'rollups'));
  });
});
