import type { Address, Image, NatGateway, Snapshot, Volume } from '@aws-sdk/client-ec2';
import type { FakeInstance, FakeRegionData } from './ec2-query-server.ts';

/** Deterministic EC2 datasets for the fake: ids derive from region and index so regions never collide. */
function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function regionCode(region: string): number {
  let h = 0;
  for (const c of region) h = (h * 31 + c.charCodeAt(0)) & 0xfff;
  return h;
}

export function makeInstances(count: number, region: string, ownerId: string, perReservation = 3): FakeInstance[] {
  const rc = regionCode(region);
  return Array.from({ length: count }, (_, i) => ({
    ReservationId: `r-${hex(rc, 3)}${hex(Math.floor(i / perReservation), 14)}`,
    OwnerId: ownerId,
    InstanceId: `i-${hex(rc, 3)}${hex(i, 14)}`,
    ImageId: 'ami-0abcdef1234567890',
    InstanceType: i % 2 === 0 ? 'm5.xlarge' : 't3.micro',
    Architecture: 'x86_64',
    PlatformDetails: 'Linux/UNIX',
    State: { Code: 16, Name: 'running' },
    Placement: { AvailabilityZone: `${region}a`, Tenancy: 'default' },
    Tags: [{ Key: 'Name', Value: `node-${i}` }],
    LaunchTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)),
  }));
}

/** One of each kind with every field checkers read, plus records that `Owner=self` must filter out. */
export function sampleRegion(region: string, accountId: string, otherAccountId = '999999999999'): FakeRegionData {
  const rc = hex(regionCode(region), 3);
  const instance: FakeInstance = {
    ReservationId: `r-${rc}00000000000001`,
    OwnerId: accountId,
    RequesterId: '940372691376',
    InstanceId: `i-${rc}00000000000001`,
    ImageId: `ami-${rc}00000000000001`,
    InstanceType: 'm6i.2xlarge',
    Architecture: 'x86_64',
    // The API sends lowercase 'windows' although the SDK's enum type says 'Windows'.
    Platform: 'windows' as FakeInstance['Platform'],
    PlatformDetails: 'Windows',
    UsageOperation: 'RunInstances:0002',
    State: { Code: 80, Name: 'stopped' },
    Placement: { AvailabilityZone: `${region}b`, Tenancy: 'default' },
    Tags: [
      { Key: 'Name', Value: 'build & <test>' },
      { Key: 'team', Value: 'platform' },
    ],
    LaunchTime: new Date('2025-11-02T08:15:30.000Z'),
    SubnetId: 'subnet-0123456789abcdef0',
    VpcId: 'vpc-0123456789abcdef0',
    PrivateIpAddress: '10.0.3.7',
    PublicIpAddress: '203.0.113.10',
    InstanceLifecycle: 'spot',
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Monitoring: { State: 'disabled' },
    CpuOptions: { CoreCount: 4, ThreadsPerCore: 2 },
    BlockDeviceMappings: [
      {
        DeviceName: '/dev/sda1',
        Ebs: { VolumeId: `vol-${rc}00000000000001`, Status: 'attached', AttachTime: new Date('2025-11-02T08:15:31.000Z'), DeleteOnTermination: true },
      },
    ],
  };
  const volumes: Volume[] = [
    {
      VolumeId: `vol-${rc}00000000000001`,
      Size: 200,
      SnapshotId: `snap-${rc}00000000000001`,
      AvailabilityZone: `${region}b`,
      State: 'in-use',
      CreateTime: new Date('2025-11-02T08:15:00.000Z'),
      Attachments: [
        {
          VolumeId: `vol-${rc}00000000000001`,
          InstanceId: instance.InstanceId,
          Device: '/dev/sda1',
          State: 'attached',
          AttachTime: new Date('2025-11-02T08:15:31.000Z'),
          DeleteOnTermination: true,
        },
      ],
      VolumeType: 'gp3',
      Iops: 3000,
      Throughput: 125,
      Encrypted: true,
      MultiAttachEnabled: false,
      Tags: [{ Key: 'team', Value: 'platform' }],
    },
    {
      VolumeId: `vol-${rc}00000000000002`,
      Size: 1000,
      AvailabilityZone: `${region}a`,
      State: 'available',
      CreateTime: new Date('2024-02-29T23:59:59.000Z'),
      Attachments: [],
      VolumeType: 'io1',
      Iops: 5000,
      Encrypted: false,
      MultiAttachEnabled: false,
    },
  ];
  const addresses: Address[] = [
    {
      PublicIp: '203.0.113.10',
      AllocationId: `eipalloc-${rc}00000000000001`,
      Domain: 'vpc',
      AssociationId: `eipassoc-${rc}00000000000001`,
      InstanceId: instance.InstanceId,
      NetworkInterfaceId: `eni-${rc}00000000000001`,
      NetworkInterfaceOwnerId: accountId,
      PrivateIpAddress: '10.0.3.7',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: region,
    },
    { PublicIp: '198.51.100.20', AllocationId: `eipalloc-${rc}00000000000002`, Domain: 'vpc', PublicIpv4Pool: 'amazon', NetworkBorderGroup: region, Tags: [{ Key: 'Name', Value: 'idle' }] },
  ];
  const snapshots: Snapshot[] = [
    {
      SnapshotId: `snap-${rc}00000000000001`,
      VolumeId: `vol-${rc}00000000000001`,
      State: 'completed',
      StartTime: new Date('2025-06-01T03:00:00.000Z'),
      Progress: '100%',
      OwnerId: accountId,
      Description: 'Created by CreateImage for ami',
      VolumeSize: 200,
      Encrypted: true,
      StorageTier: 'standard',
    },
    {
      SnapshotId: `snap-${rc}00000000000002`,
      VolumeId: 'vol-ffffffff',
      State: 'completed',
      StartTime: new Date('2019-01-01T00:00:00.000Z'),
      Progress: '100%',
      OwnerId: otherAccountId,
      Description: 'public snapshot of another account',
      VolumeSize: 8,
      Encrypted: false,
    },
  ];
  const images: Image[] = [
    {
      ImageId: instance.ImageId,
      ImageLocation: `${accountId}/golden-windows`,
      State: 'available',
      OwnerId: accountId,
      CreationDate: '2025-06-01T03:00:00.000Z',
      Public: false,
      Architecture: 'x86_64',
      ImageType: 'machine',
      Platform: 'windows' as Image['Platform'],
      PlatformDetails: 'Windows',
      UsageOperation: 'RunInstances:0002',
      Name: 'golden-windows',
      RootDeviceType: 'ebs',
      RootDeviceName: '/dev/sda1',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: [
        { DeviceName: '/dev/sda1', Ebs: { SnapshotId: `snap-${rc}00000000000001`, VolumeSize: 200, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true } },
      ],
      LastLaunchedTime: '2025-11-02T08:15:30Z',
      DeprecationTime: '2027-06-01T03:00:00.000Z',
    },
    {
      ImageId: `ami-${rc}00000000000002`,
      State: 'available',
      OwnerId: otherAccountId,
      CreationDate: '2020-01-01T00:00:00.000Z',
      Public: true,
      Architecture: 'arm64',
      ImageType: 'machine',
      Name: 'someone-elses-ami',
    },
  ];
  const natGateways: NatGateway[] = [
    {
      NatGatewayId: `nat-${rc}00000000000001`,
      SubnetId: 'subnet-0123456789abcdef1',
      VpcId: 'vpc-0123456789abcdef0',
      State: 'available',
      CreateTime: new Date('2024-12-24T12:00:00.000Z'),
      ConnectivityType: 'public',
      NatGatewayAddresses: [
        {
          AllocationId: `eipalloc-${rc}00000000000003`,
          NetworkInterfaceId: `eni-${rc}00000000000003`,
          PrivateIp: '10.0.0.5',
          PublicIp: '192.0.2.55',
          AssociationId: `eipassoc-${rc}00000000000003`,
          IsPrimary: true,
          Status: 'succeeded',
        },
      ],
      Tags: [{ Key: 'Name', Value: 'egress' }],
    },
  ];
  return { instances: [instance], volumes, addresses, snapshots, images, natGateways };
}
