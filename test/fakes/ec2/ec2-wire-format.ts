/**
 * EC2 Query protocol response names, written from the EC2 API reference (Describe* "Response Elements"):
 * lists are `<xxxSet><item>…</item></xxxSet>`, members are lowerCamelCase and several differ from the SDK
 * field (Instance.State → instanceState, Volume.State → status, Image.OwnerId → imageOwnerId,
 * Instance.PublicIpAddress → ipAddress, Image.Public → isPublic). Kept independent of the SDK's own schema
 * on purpose: a round trip through the real deserializer is what the tests check.
 */
export type FieldSpec = string | { xml: string; struct: WireSpec } | { xml: string; list: WireSpec | 'string' };
export type WireSpec = Readonly<Record<string, FieldSpec>>;

const TAG: WireSpec = { Key: 'key', Value: 'value' };
const TAGS: FieldSpec = { xml: 'tagSet', list: TAG };

export const INSTANCE: WireSpec = {
  InstanceId: 'instanceId',
  ImageId: 'imageId',
  InstanceType: 'instanceType',
  Architecture: 'architecture',
  Platform: 'platform',
  PlatformDetails: 'platformDetails',
  UsageOperation: 'usageOperation',
  State: { xml: 'instanceState', struct: { Code: 'code', Name: 'name' } },
  Placement: { xml: 'placement', struct: { AvailabilityZone: 'availabilityZone', Tenancy: 'tenancy' } },
  Tags: TAGS,
  LaunchTime: 'launchTime',
  SubnetId: 'subnetId',
  VpcId: 'vpcId',
  PrivateIpAddress: 'privateIpAddress',
  PublicIpAddress: 'ipAddress',
  InstanceLifecycle: 'instanceLifecycle',
  RootDeviceType: 'rootDeviceType',
  VirtualizationType: 'virtualizationType',
  Monitoring: { xml: 'monitoring', struct: { State: 'state' } },
  CpuOptions: { xml: 'cpuOptions', struct: { CoreCount: 'coreCount', ThreadsPerCore: 'threadsPerCore' } },
  BlockDeviceMappings: {
    xml: 'blockDeviceMapping',
    list: {
      DeviceName: 'deviceName',
      Ebs: {
        xml: 'ebs',
        struct: { VolumeId: 'volumeId', Status: 'status', AttachTime: 'attachTime', DeleteOnTermination: 'deleteOnTermination' },
      },
    },
  },
};

/** Reservation-level members the fake keeps on each instance of its dataset. */
export const RESERVATION_FIELDS = ['ReservationId', 'OwnerId', 'RequesterId'] as const;

export const VOLUME: WireSpec = {
  VolumeId: 'volumeId',
  Size: 'size',
  SnapshotId: 'snapshotId',
  AvailabilityZone: 'availabilityZone',
  State: 'status',
  CreateTime: 'createTime',
  Attachments: {
    xml: 'attachmentSet',
    list: {
      VolumeId: 'volumeId',
      InstanceId: 'instanceId',
      Device: 'device',
      State: 'status',
      AttachTime: 'attachTime',
      DeleteOnTermination: 'deleteOnTermination',
    },
  },
  VolumeType: 'volumeType',
  Iops: 'iops',
  Throughput: 'throughput',
  Encrypted: 'encrypted',
  MultiAttachEnabled: 'multiAttachEnabled',
  Tags: TAGS,
};

export const ADDRESS: WireSpec = {
  PublicIp: 'publicIp',
  AllocationId: 'allocationId',
  Domain: 'domain',
  AssociationId: 'associationId',
  InstanceId: 'instanceId',
  NetworkInterfaceId: 'networkInterfaceId',
  NetworkInterfaceOwnerId: 'networkInterfaceOwnerId',
  PrivateIpAddress: 'privateIpAddress',
  PublicIpv4Pool: 'publicIpv4Pool',
  NetworkBorderGroup: 'networkBorderGroup',
  Tags: TAGS,
};

export const SNAPSHOT: WireSpec = {
  SnapshotId: 'snapshotId',
  VolumeId: 'volumeId',
  State: 'status',
  StartTime: 'startTime',
  Progress: 'progress',
  OwnerId: 'ownerId',
  Description: 'description',
  VolumeSize: 'volumeSize',
  Encrypted: 'encrypted',
  StorageTier: 'storageTier',
  Tags: TAGS,
};

export const IMAGE: WireSpec = {
  ImageId: 'imageId',
  ImageLocation: 'imageLocation',
  State: 'imageState',
  OwnerId: 'imageOwnerId',
  CreationDate: 'creationDate',
  Public: 'isPublic',
  Architecture: 'architecture',
  ImageType: 'imageType',
  Platform: 'platform',
  PlatformDetails: 'platformDetails',
  UsageOperation: 'usageOperation',
  Name: 'name',
  Description: 'description',
  RootDeviceType: 'rootDeviceType',
  RootDeviceName: 'rootDeviceName',
  VirtualizationType: 'virtualizationType',
  BlockDeviceMappings: {
    xml: 'blockDeviceMapping',
    list: {
      DeviceName: 'deviceName',
      Ebs: {
        xml: 'ebs',
        struct: {
          SnapshotId: 'snapshotId',
          VolumeSize: 'volumeSize',
          VolumeType: 'volumeType',
          DeleteOnTermination: 'deleteOnTermination',
          Encrypted: 'encrypted',
        },
      },
    },
  },
  Tags: TAGS,
  DeprecationTime: 'deprecationTime',
  LastLaunchedTime: 'lastLaunchedTime',
};

export const NAT_GATEWAY: WireSpec = {
  NatGatewayId: 'natGatewayId',
  SubnetId: 'subnetId',
  VpcId: 'vpcId',
  State: 'state',
  CreateTime: 'createTime',
  DeleteTime: 'deleteTime',
  ConnectivityType: 'connectivityType',
  NatGatewayAddresses: {
    xml: 'natGatewayAddressSet',
    list: {
      AllocationId: 'allocationId',
      NetworkInterfaceId: 'networkInterfaceId',
      PrivateIp: 'privateIp',
      PublicIp: 'publicIp',
      AssociationId: 'associationId',
      IsPrimary: 'isPrimary',
      Status: 'status',
    },
  },
  Tags: TAGS,
};

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function scalar(value: unknown, where: string): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`fake EC2: ${where} is not a scalar (${JSON.stringify(value)})`);
}

/**
 * Serialises a record in the SDK's PascalCase shape. A field without a wire name is an error, so a test
 * never believes it round-tripped a field the fake silently dropped.
 */
export function toXml(record: Record<string, unknown>, spec: WireSpec, where: string, skip: readonly string[] = []): string {
  let out = '';
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined || skip.includes(field)) continue;
    const fieldSpec = spec[field];
    if (fieldSpec === undefined) throw new Error(`fake EC2: no wire name for ${where}.${field}`);
    if (typeof fieldSpec === 'string') {
      out += `<${fieldSpec}>${scalar(value, `${where}.${field}`)}</${fieldSpec}>`;
    } else if ('struct' in fieldSpec) {
      out += `<${fieldSpec.xml}>${toXml(value as Record<string, unknown>, fieldSpec.struct, `${where}.${field}`)}</${fieldSpec.xml}>`;
    } else {
      const items = (value as unknown[]).map((item, i) =>
        fieldSpec.list === 'string'
          ? `<item>${scalar(item, `${where}.${field}[${i}]`)}</item>`
          : `<item>${toXml(item as Record<string, unknown>, fieldSpec.list, `${where}.${field}[${i}]`)}</item>`,
      );
      out += `<${fieldSpec.xml}>${items.join('')}</${fieldSpec.xml}>`;
    }
  }
  return out;
}
