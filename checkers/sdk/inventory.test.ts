import { describe, expect, it } from 'vitest';
import { InventoryError, inventoryAccountIds, parseInventoryDocument, regionFromAvailabilityZone } from './inventory.ts';

const instance = { InstanceId: 'i-1', InstanceType: 'm5.large', State: { Name: 'running' }, Placement: { AvailabilityZone: 'eu-west-1b' } };

describe('parseInventoryDocument', () => {
  it('flattens DescribeInstances reservations and derives Region and AccountId', () => {
    const snapshot = parseInventoryDocument({ Reservations: [{ OwnerId: '123456789012', Instances: [instance] }] }, 'f.json');
    expect(snapshot['ec2-instances']).toEqual([{ ...instance, OwnerId: '123456789012', Region: 'eu-west-1', AccountId: '123456789012' }]);
    expect(inventoryAccountIds(snapshot)).toEqual(['123456789012']);
  });

  it('accepts other Describe* responses and kind-keyed documents', () => {
    const snapshot = parseInventoryDocument(
      {
        Volumes: [{ VolumeId: 'vol-1', AvailabilityZone: 'us-east-1a' }],
        'elastic-ips': [{ AllocationId: 'eipalloc-1', Region: 'us-west-2', AccountId: '111111111111' }],
      },
      'f.json',
      { accountId: '123456789012' },
    );
    expect(snapshot['ebs-volumes']?.[0]).toMatchObject({ Region: 'us-east-1', AccountId: '123456789012' });
    expect(snapshot['elastic-ips']?.[0]).toMatchObject({ Region: 'us-west-2', AccountId: '111111111111' });
  });

  it('names the file and the field path of a bad record', () => {
    const bad = { Reservations: [{ OwnerId: '1', Instances: [instance, { ...instance, InstanceType: 42 }] }] };
    expect(() => parseInventoryDocument(bad, 'snap.json')).toThrow(InventoryError);
    expect(() => parseInventoryDocument(bad, 'snap.json')).toThrow(/^snap\.json: Reservations\[0\]\.Instances\[1\]\.InstanceType: /);
  });

  it('requires a region and an account for every record', () => {
    expect(() => parseInventoryDocument({ Addresses: [{ AllocationId: 'a' }] }, 'f.json')).toThrow(/Addresses\[0\]: no Region/);
    expect(() => parseInventoryDocument({ 'ec2-instances': [instance] }, 'f.json')).toThrow(/ec2-instances\[0\]: no AccountId/);
  });

  it('rejects documents with no inventory', () => {
    expect(() => parseInventoryDocument([], 'f.json')).toThrow(/f\.json: \$: expected a JSON object/);
    expect(() => parseInventoryDocument({ Foo: [] }, 'f.json')).toThrow(/no inventory found/);
  });

  it.each([
    ['us-east-1a', 'us-east-1'],
    ['ap-southeast-2c', 'ap-southeast-2'],
    ['us-east-1-bos-1a', 'us-east-1'],
    ['us-gov-west-1a', 'us-gov-west-1'],
    ['nowhere', undefined],
  ])('region of %s is %s', (az, region) => {
    expect(regionFromAvailabilityZone(az)).toBe(region);
  });
});
