import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { castFindings, type FindingWireInput, writeFindingsParquet } from '@openfinops/contracts';
import { InvalidTenantIdError, LakeLayout } from '@openfinops/tenants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingsLakeQueryError, FindingsLakeRepository } from './findings-lake.repository.ts';

function finding(resourceId: string, savings: string): FindingWireInput {
  return {
    provider: 'aws',
    accountId: '123456789012',
    region: 'us-east-1',
    resourceType: 'ec2-instance',
    resourceId,
    checkId: 'aws/ec2-graviton',
    checkVersion: '1.0.0',
    category: 'modernization',
    severity: 'medium',
    title: `Move ${resourceId}`,
    recommendation: 'Switch to Graviton',
    estimatedMonthlySavings: savings,
    currency: 'USD',
    savingsBasis: 'estimated',
    evidence: { note: resourceId },
  };
}

/** Records every path-building call, so tests can prove a bad tenant id is refused before any path exists. */
class SpyLayout extends LakeLayout {
  calls: string[] = [];
  override findingsTenantDir(tenantId: string): string {
    this.calls.push(`dir:${tenantId}`);
    return super.findingsTenantDir(tenantId);
  }
  override findingsGlob(tenantId: string): string {
    this.calls.push(`glob:${tenantId}`);
    return super.findingsGlob(tenantId);
  }
}

describe('FindingsLakeRepository', () => {
  let dataDir: string;
  let layout: SpyLayout;
  let repo: FindingsLakeRepository;

  async function writeRun(tenantId: string, runId: string, day: string, findings: FindingWireInput[]) {
    const observedAt = new Date(`${day}T10:00:00Z`);
    const { records, rejected } = castFindings(findings, { tenantId, runId, observedAt });
    expect(rejected).toEqual([]);
    await writeFindingsParquet(records, layout.findingsFile(tenantId, day, runId));
    return records;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'findings-lake-'));
    layout = new SpyLayout(dataDir);
    repo = new FindingsLakeRepository(layout);
    await writeRun('tenant-a', 'run_a1', '2026-11-01', [finding('i-a1', '10.5'), finding('i-a2', '3')]);
    await writeRun('tenant-a', 'run_a2', '2026-11-02', [finding('i-a1', '10.5')]);
    await writeRun('tenant-b', 'run_b1', '2026-11-01', [finding('i-b1', '99'), finding('i-a1', '7')]);
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("returns only the requesting tenant's observations", async () => {
    const a = await repo.listObservations('tenant-a');
    expect(a.map((o) => [o.runId, o.resourceId]).sort()).toEqual([
      ['run_a1', 'i-a1'],
      ['run_a1', 'i-a2'],
      ['run_a2', 'i-a1'],
    ]);
    expect(a.every((o) => o.tenantId === 'tenant-a')).toBe(true);
    const b = await repo.listObservations('tenant-b');
    expect(b.map((o) => o.resourceId).sort()).toEqual(['i-a1', 'i-b1']);
    expect(b.every((o) => o.tenantId === 'tenant-b')).toBe(true);
  });

  it('filters by fingerprint and run, keeping money exact with its currency', async () => {
    const all = await repo.listObservations('tenant-a');
    const fp = all.find((o) => o.resourceId === 'i-a1')!.fingerprint;
    const history = await repo.listObservations('tenant-a', { fingerprint: fp });
    expect(history.map((o) => o.runId)).toEqual(['run_a2', 'run_a1']);
    expect(history[0]).toMatchObject({ estimatedMonthlySavings: '10.500000', currency: 'USD', runDate: '2026-11-02', evidence: { note: 'i-a1' } });
    expect(history[0]?.observedAt.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    // The same resource in tenant B has another fingerprint and never shows up for A.
    const bFp = (await repo.listObservations('tenant-b')).find((o) => o.resourceId === 'i-a1')!.fingerprint;
    expect(bFp).not.toBe(fp);
    expect(await repo.listObservations('tenant-a', { fingerprint: bFp })).toEqual([]);
    expect((await repo.listObservations('tenant-a', { runId: 'run_a1' })).map((o) => o.resourceId).sort()).toEqual(['i-a1', 'i-a2']);
    expect(await repo.listObservations('tenant-a', { runId: 'run_b1' })).toEqual([]);
  });

  it('summarizes savings per run as decimal text', async () => {
    expect(await repo.summarizeRuns('tenant-a')).toEqual([
      { runId: 'run_a2', runDate: '2026-11-02', findings: 1, currency: 'USD', estimatedMonthlySavings: '10.500000' },
      { runId: 'run_a1', runDate: '2026-11-01', findings: 2, currency: 'USD', estimatedMonthlySavings: '13.500000' },
    ]);
  });

  it('returns nothing for a tenant with no findings directory', async () => {
    expect(await repo.listObservations('tenant-new')).toEqual([]);
    expect(await repo.summarizeRuns('tenant-new')).toEqual([]);
  });

  it.each(['../tenant-b', 'A', 'tenant-a/../tenant-b', "tenant-a' OR 1=1 --", '*', ''])('rejects tenant id %j before touching any path', async (bad) => {
    layout.calls = [];
    await expect(repo.listObservations(bad)).rejects.toThrow(InvalidTenantIdError);
    await expect(repo.summarizeRuns(bad)).rejects.toThrow(InvalidTenantIdError);
    expect(layout.calls).toEqual([]);
  });

  it('rejects malformed filters', async () => {
    await expect(repo.listObservations('tenant-a', { fingerprint: "x' OR '1'='1" })).rejects.toThrow(FindingsLakeQueryError);
    await expect(repo.listObservations('tenant-a', { runId: '../run' })).rejects.toThrow(FindingsLakeQueryError);
    await expect(repo.listObservations('tenant-a', { limit: 0 })).rejects.toThrow(/limit/);
  });

  it("refuses a layout whose glob would leave the tenant's directory", async () => {
    class Escaping extends LakeLayout {
      override findingsGlob(): string {
        return super.findingsGlob('tenant-b');
      }
    }
    const leaky = new FindingsLakeRepository(new Escaping(dataDir));
    await expect(leaky.listObservations('tenant-a')).rejects.toThrow(/escapes tenant tenant-a/);
  });

  it("confines DuckDB to the tenant's directory even if the path check were bypassed", async () => {
    class Bypassing extends LakeLayout {
      override findingsGlob(): string {
        return super.findingsGlob('tenant-b');
      }
      override isInsideTenant(): boolean {
        return true;
      }
    }
    const leaky = new FindingsLakeRepository(new Bypassing(dataDir));
    await expect(leaky.listObservations('tenant-a')).rejects.toThrow(/Permission Error/);
  });
});
