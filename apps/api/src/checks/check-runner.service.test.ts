import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckRunInputError, loadInventoryFile, withLineColumn } from './check-runner.service.ts';

describe('loadInventoryFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'inventory-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a missing file', async () => {
    const file = path.join(dir, 'missing.json');
    await expect(loadInventoryFile(file)).rejects.toThrow(new CheckRunInputError(`Inventory file ${file} does not exist`));
  });

  it('names a directory given as a file', async () => {
    await expect(loadInventoryFile(dir)).rejects.toThrow(/is a directory/);
  });

  it('gives the line and column of bad JSON', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, '{\n  "Reservations": [\n    {"OwnerId": "1",}\n');
    await expect(loadInventoryFile(file)).rejects.toThrow(/bad\.json is not valid JSON: .*line 3 column 21/);
  });

  it('names the field of a bad record', async () => {
    const file = path.join(dir, 'shape.json');
    await writeFile(file, JSON.stringify({ Reservations: [{ OwnerId: '123456789012', Instances: [{ InstanceId: 'i-1' }] }] }));
    await expect(loadInventoryFile(file)).rejects.toThrow(/shape\.json: Reservations\[0\]\.Instances\[0\]\.InstanceType/);
  });

  it('loads a DescribeInstances snapshot', async () => {
    const file = path.join(dir, 'ok.json');
    const instance = { InstanceId: 'i-1', InstanceType: 'm5.large', State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' } };
    await writeFile(file, JSON.stringify({ Reservations: [{ OwnerId: '123456789012', Instances: [instance] }] }));
    const snapshot = await loadInventoryFile(file);
    expect(snapshot['ec2-instances']).toHaveLength(1);
    expect(snapshot['ec2-instances']?.[0]).toMatchObject({ Region: 'us-east-1', AccountId: '123456789012' });
  });
});

describe('withLineColumn', () => {
  it('adds line and column to a bare position', () => {
    expect(withLineColumn('Unexpected token at position 5', 'ab\ncdef')).toBe('Unexpected token at position 5 (line 2 column 3)');
  });

  it('leaves messages that already have them', () => {
    const msg = 'Unexpected token at position 5 (line 2 column 3)';
    expect(withLineColumn(msg, 'ab\ncdef')).toBe(msg);
  });
});
