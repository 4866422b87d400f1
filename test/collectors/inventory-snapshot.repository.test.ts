import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  collectInventory,
  inventorySnapshotFile,
  InventorySnapshotError,
  readInventorySnapshot,
  writeInventoryResult,
  writeInventorySnapshot,
  type Ec2InstanceRecord,
  type EbsVolumeRecord,
} from '@openfinops/checkers';
import { InvalidTenantIdError, LakeLayout } from '@openfinops/tenants';
import { Ec2QueryServer } from '../fakes/ec2/ec2-query-server.ts';
import { sampleRegion } from '../fakes/ec2/ec2-dataset.ts';
import { isolateAwsEnv } from './aws-env.ts';

const A = '111111111111';
const B = '222222222222';

function instance(id: string, accountId: string, region = 'us-east-1'): Ec2InstanceRecord {
  return {
    InstanceId: id,
    InstanceType: 'm5.large',
    State: { Code: 16, Name: 'running' },
    Placement: { AvailabilityZone: `${region}a` },
    Tags: [{ Key: 'Name', Value: id }],
    LaunchTime: '2026-01-02T03:04:05.000Z',
    OwnerId: accountId,
    Region: region,
    AccountId: accountId,
  };
}

let dataDir: string;
let layout: LakeLayout;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'openfinops-inventory-'));
  layout = new LakeLayout(dataDir);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('inventory snapshots in the lake', () => {
  it('writes one NDJSON file per account under the inventory partition and reads it back', async () => {
    const records = [instance('i-1', A), instance('i-2', A, 'eu-west-1')];
    const file = await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, records);

    expect(file).toBe(path.join(layout.inventoryPartitionDir('acme', '2026-03-01', 'ec2-instances'), `account=${A}.ndjson`));
    expect((await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(records);
    expect(await readInventorySnapshot(layout, 'acme', 'ec2-instances')).toEqual(records);
    // No temporary file is left beside the snapshot.
    expect(await readdir(path.dirname(file))).toEqual([`account=${A}.ndjson`]);
  });

  it('reads each account at its latest date unless a date is given', async () => {
    await writeInventorySnapshot(layout, 'acme', '2026-02-27', 'ec2-instances', A, [instance('i-old', A)]);
    await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-new', A)]);
    await writeInventorySnapshot(layout, 'acme', '2026-02-28', 'ec2-instances', B, [instance('i-b', B)]);
    await writeInventorySnapshot(layout, 'acme', '2026-03-02', 'ebs-volumes', A, []);

    const ids = (records: { InstanceId?: string }[]) => records.map((r) => r.InstanceId);
    expect(ids(await readInventorySnapshot(layout, 'acme', 'ec2-instances'))).toEqual(['i-new', 'i-b']);
    expect(ids(await readInventorySnapshot(layout, 'acme', 'ec2-instances', { accountId: A }))).toEqual(['i-new']);
    expect(ids(await readInventorySnapshot(layout, 'acme', 'ec2-instances', { collectedDate: '2026-02-27' }))).toEqual(['i-old']);
    expect(await readInventorySnapshot(layout, 'acme', 'ec2-instances', { collectedDate: '2026-03-02' })).toEqual([]);
    expect(await readInventorySnapshot(layout, 'acme', 'ebs-volumes', { accountId: A })).toEqual([]);
    expect(await readInventorySnapshot(layout, 'acme', 'nat-gateways')).toEqual([]);
  });

  it('replaces a snapshot atomically and ignores dot-files such as an interrupted write', async () => {
    await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-1', A)]);
    const file = await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-2', A)]);
    await writeFile(path.join(path.dirname(file), `.account=${A}.ndjson.deadbeef.tmp`), '{"half": ');
    expect((await readInventorySnapshot(layout, 'acme', 'ec2-instances')).map((r) => r.InstanceId)).toEqual(['i-2']);
  });

  it("keeps tenants apart: tenant B's reader never sees tenant A's files", async () => {
    await writeInventorySnapshot(layout, 'tenant-a', '2026-03-01', 'ec2-instances', A, [instance('i-a', A)]);
    expect(await readInventorySnapshot(layout, 'tenant-b', 'ec2-instances')).toEqual([]);
    expect(await readInventorySnapshot(layout, 'tenant-b', 'ec2-instances', { accountId: A })).toEqual([]);

    // A symlink planted in B's partition that points at A's file is refused, not followed.
    const aFile = inventorySnapshotFile(layout, 'tenant-a', '2026-03-01', 'ec2-instances', A);
    const bDir = layout.inventoryPartitionDir('tenant-b', '2026-03-01', 'ec2-instances');
    await mkdir(bDir, { recursive: true });
    await symlink(aFile, path.join(bDir, `account=${A}.ndjson`));
    await expect(readInventorySnapshot(layout, 'tenant-b', 'ec2-instances')).rejects.toThrow(/outside tenant tenant-b/);

    // Same for a whole date directory linked across tenants.
    await rm(layout.inventoryTenantDir('tenant-b'), { recursive: true });
    await mkdir(layout.inventoryTenantDir('tenant-b'), { recursive: true });
    await symlink(path.dirname(path.dirname(aFile)), path.join(layout.inventoryTenantDir('tenant-b'), 'collected_date=2026-03-01'));
    await expect(readInventorySnapshot(layout, 'tenant-b', 'ec2-instances')).rejects.toThrow(/outside tenant tenant-b/);
  });

  it('rejects malicious tenant ids, account ids, kinds and dates before touching the disk', async () => {
    for (const tenant of ['../tenant-a', 'tenant-a/../../x', 'TENANT', '']) {
      await expect(readInventorySnapshot(layout, tenant, 'ec2-instances')).rejects.toBeInstanceOf(InvalidTenantIdError);
      await expect(writeInventorySnapshot(layout, tenant, '2026-03-01', 'ec2-instances', A, [])).rejects.toBeInstanceOf(
        InvalidTenantIdError,
      );
    }
    await expect(writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', '../1', [])).rejects.toThrow(/accountId/);
    await expect(readInventorySnapshot(layout, 'acme', 'ec2-instances', { accountId: '*' })).rejects.toThrow(/accountId/);
    await expect(readInventorySnapshot(layout, 'acme', '../focus' as 'ec2-instances')).rejects.toThrow(/inventory kind/);
    await expect(readInventorySnapshot(layout, 'acme', 'ec2-instances', { collectedDate: '../..' })).rejects.toThrow(/run_date/);
    await expect(readdir(dataDir)).resolves.toEqual([]);
  });

  it('refuses to file a record under another account, and names file and line of a corrupt snapshot', async () => {
    await expect(
      writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-1', A), instance('i-2', B)]),
    ).rejects.toThrow(/Record 1 of ec2-instances has AccountId "222222222222"/);

    const file = await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-1', A)]);
    await writeFile(file, `${JSON.stringify(instance('i-1', A))}\n{not json\n`);
    const failure = readInventorySnapshot(layout, 'acme', 'ec2-instances');
    await expect(failure).rejects.toBeInstanceOf(InventorySnapshotError);
    await expect(failure).rejects.toThrow(`${file} line 2: not valid JSON`);

    await writeFile(file, `${JSON.stringify(instance('i-1', B))}\n`);
    await expect(readInventorySnapshot(layout, 'acme', 'ec2-instances')).rejects.toThrow(/line 1: AccountId "222222222222" does not match/);
  });

  it('is readable by DuckDB with the nested API shape and hive partitions intact', async () => {
    const volume: EbsVolumeRecord = {
      VolumeId: 'vol-1',
      Size: 500,
      VolumeType: 'gp2',
      State: 'available',
      Attachments: [],
      CreateTime: '2025-01-01T00:00:00.000Z',
      Region: 'us-east-1',
      AccountId: A,
    };
    await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-1', A), instance('i-2', A)]);
    await writeInventorySnapshot(layout, 'acme', '2026-03-01', 'ebs-volumes', A, [volume]);

    const rows = await runningInstancesByState(path.join(layout.inventoryTenantDir('acme'), '*', 'kind=ec2-instances', '*.ndjson'));
    expect(rows).toEqual([{ instance_id: 'i-1', state: 'running', kind: 'ec2-instances', collected_date: '2026-03-01' }, { instance_id: 'i-2', state: 'running', kind: 'ec2-instances', collected_date: '2026-03-01' }]);
  });
});

/** The query a DuckDB-side checker would run over the tenant's inventory glob. */
async function runningInstancesByState(glob: string): Promise<{ instance_id: string; state: string; kind: string; collected_date: string }[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT InstanceId AS instance_id, State.Name AS state, kind, CAST(collected_date AS VARCHAR) AS collected_date
         FROM read_json($1, format = 'newline_delimited', hive_partitioning = true)
        ORDER BY instance_id`,
      [glob],
    );
    return reader.getRowObjectsJson() as { instance_id: string; state: string; kind: string; collected_date: string }[];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

describe('collect then store', () => {
  let restoreEnv: () => void;
  let server: Ec2QueryServer;
  beforeAll(async () => {
    restoreEnv = isolateAwsEnv();
    server = await Ec2QueryServer.start({
      regions: { 'us-east-1': sampleRegion('us-east-1', A), 'eu-west-1': sampleRegion('eu-west-1', A) },
      selfAccountId: A,
    });
  });
  afterAll(async () => {
    await server.close();
    restoreEnv();
  });

  it('files every complete kind and skips kinds with a failed region, so checks can re-run offline', async () => {
    server.unauthorizedRegions.add('eu-west-1');
    const result = await collectInventory({
      tenantId: 'acme',
      accountId: A,
      regions: ['us-east-1'],
      credentials: { kind: 'default-chain' },
      endpoint: server.endpoint,
      retryDelayMs: () => 1,
      clock: () => new Date('2026-03-05T10:00:00.000Z'),
    });
    const partial = await collectInventory({
      tenantId: 'acme',
      accountId: A,
      regions: ['us-east-1', 'eu-west-1'],
      kinds: ['ec2-instances'],
      credentials: { kind: 'default-chain' },
      endpoint: server.endpoint,
      retryDelayMs: () => 1,
      clock: () => new Date('2026-03-06T10:00:00.000Z'),
    });

    const written = await writeInventoryResult(layout, result);
    expect(written.skipped).toEqual([]);
    expect(written.written.map((w) => [w.kind, w.records])).toEqual([
      ['ec2-instances', 1],
      ['ebs-volumes', 2],
      ['elastic-ips', 2],
      ['ebs-snapshots', 1],
      ['ec2-images', 1],
      ['nat-gateways', 1],
    ]);
    const second = await writeInventoryResult(layout, partial);
    expect(second).toEqual({ written: [], skipped: [{ kind: 'ec2-instances', regions: ['eu-west-1'] }] });

    // The latest complete snapshot (2026-03-05) is what a re-run reads, equal to what was collected.
    expect(await readInventorySnapshot(layout, 'acme', 'ec2-instances')).toEqual(result.snapshots['ec2-instances']);
    expect(await readInventorySnapshot(layout, 'acme', 'ec2-images', { accountId: A })).toEqual(result.snapshots['ec2-images']);
    expect(await readInventorySnapshot(layout, 'acme', 'ebs-volumes', { collectedDate: '2026-03-05' })).toEqual(result.snapshots['ebs-volumes']);
  });
});

describe('a data dir reached through a symlink', () => {
  it('still reads its own files', async () => {
    const link = `${dataDir}-link`;
    await symlink(dataDir, link);
    try {
      const viaLink = new LakeLayout(link);
      await writeInventorySnapshot(viaLink, 'acme', '2026-03-01', 'ec2-instances', A, [instance('i-1', A)]);
      expect((await readInventorySnapshot(viaLink, 'acme', 'ec2-instances')).map((r) => r.InstanceId)).toEqual(['i-1']);
    } finally {
      await rm(link, { force: true });
    }
  });
});
