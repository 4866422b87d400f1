/**
 * Deterministic synthetic AWS inventory for the checkers benchmark: instances, volumes and proportionate
 * Elastic IPs, snapshots, images and NAT gateways per account and region, written as lake snapshots with
 * `writeInventorySnapshot`. Same seed and sizes → byte-identical files. Not a fixture: the mix is tuned so
 * every inventory check finds something, not to match a real estate.
 */
import {
  type EbsSnapshotRecord,
  type EbsVolumeRecord,
  type Ec2ImageRecord,
  type Ec2InstanceRecord,
  type ElasticIpRecord,
  type InventoryKind,
  type NatGatewayRecord,
  writeInventorySnapshot,
} from '@openfinops/checkers';
import type { LakeLayout } from '@openfinops/tenants';

export interface GenerateOptions {
  tenantId: string;
  collectedDate: string;
  /** Instances in total, spread evenly over the accounts; volumes match this count. */
  instances: number;
  accounts: number;
  seed: number;
  /** The generated estate's "now": ages and stop times are counted back from it. */
  now: Date;
}

export interface GeneratedInventory {
  accountIds: string[];
  regions: readonly string[];
  records: Record<InventoryKind, number>;
  files: number;
}

/** The three regions of the shipped price tables (eu-west-1 prices fewer types, so some savings are "unknown"). */
export const BENCH_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/**
 * mulberry32: a 32-bit seeded PRNG. Inlined because the repo declares no seeded-random dependency
 * (pure-rand is only a transitive one) and adding a root dependency would run every postinstall.
 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;

function pick<T>(rand: Rand, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function weighted<T>(rand: Rand, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x < 0) return value;
  }
  const last = table[table.length - 1];
  if (!last) throw new Error('weighted pick from an empty table');
  return last[0];
}

function int(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** `prefix-` + 17 hex digits, unique per (account, kind, counter). */
function awsId(prefix: string, account: number, counter: number): string {
  return `${prefix}-0${account.toString(16).padStart(3, '0')}${counter.toString(16).padStart(13, '0')}`;
}

const DAY_MS = 86_400_000;
function daysBefore(now: Date, days: number, rand: Rand): Date {
  return new Date(now.getTime() - days * DAY_MS - Math.floor(rand() * DAY_MS));
}
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, '.000Z');
/** The form EC2 writes into StateTransitionReason: "User initiated (2026-01-31 12:34:56 GMT)". */
const gmt = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ') + ' GMT';

/**
 * Instance types with weights: Graviton-eligible current x86, previous generation (several also
 * Graviton-eligible), already-Graviton and storage families, plus sizes with no price or no equivalent.
 */
const INSTANCE_TYPES: readonly (readonly [string, number])[] = [
  ['m5.large', 8], ['m5.xlarge', 6], ['m5.2xlarge', 3], ['m6i.large', 5], ['m6i.xlarge', 4], ['m6a.large', 2],
  ['c5.large', 5], ['c5.xlarge', 4], ['c6i.large', 3], ['c6i.2xlarge', 2], ['c5a.large', 1],
  ['r5.large', 4], ['r5.xlarge', 3], ['r6i.large', 3], ['r6i.2xlarge', 1],
  ['t3.micro', 6], ['t3.small', 5], ['t3.medium', 5], ['t3.large', 3], ['t3a.medium', 3], ['t3a.small', 2],
  ['t2.micro', 4], ['t2.small', 3], ['t2.medium', 3], ['t2.large', 1],
  ['m4.large', 3], ['m4.xlarge', 2], ['m4.10xlarge', 1], ['c4.large', 2], ['c4.xlarge', 1], ['r4.large', 2], ['r4.xlarge', 1],
  ['m3.medium', 1], ['m3.large', 1], ['c3.large', 1], ['r3.large', 1], ['i2.xlarge', 1], ['d2.xlarge', 1],
  ['m7g.large', 4], ['m7g.xlarge', 2], ['c7g.large', 3], ['r7g.large', 2], ['t4g.small', 3], ['t4g.medium', 3],
  ['i3.large', 1], ['d3.xlarge', 1], ['m5.24xlarge', 1], ['x1.16xlarge', 1],
];

const VOLUME_TYPES: readonly (readonly [string, number])[] = [
  ['gp2', 35], ['gp3', 45], ['io1', 5], ['io2', 3], ['st1', 4], ['sc1', 3], ['standard', 5],
];

const TEAMS = ['payments', 'search', 'platform', 'data', 'web', 'ml', 'identity', 'billing'];
const ENVS = ['prod', 'staging', 'dev', 'test'];

function tags(rand: Rand, name: string, extra: { ignore: number; asg?: number; backup?: number }): { Key: string; Value: string }[] {
  const out = [
    { Key: 'Name', Value: name },
    { Key: 'env', Value: pick(rand, ENVS) },
    { Key: 'team', Value: pick(rand, TEAMS) },
    { Key: 'cost-center', Value: `cc-${int(rand, 100, 999)}` },
  ];
  if (rand() < extra.ignore) out.push({ Key: 'finops:ignore', Value: 'true' });
  if (extra.asg !== undefined && rand() < extra.asg) out.push({ Key: 'aws:autoscaling:groupName', Value: `asg-${pick(rand, TEAMS)}` });
  if (extra.backup !== undefined && rand() < extra.backup) out.push({ Key: 'aws:backup:source-resource', Value: 'vol' });
  return out;
}

interface AccountInventory {
  'ec2-instances': Ec2InstanceRecord[];
  'ebs-volumes': EbsVolumeRecord[];
  'elastic-ips': ElasticIpRecord[];
  'ebs-snapshots': EbsSnapshotRecord[];
  'ec2-images': Ec2ImageRecord[];
  'nat-gateways': NatGatewayRecord[];
}

/** One account's records; only this account is held in memory at a time so generation does not set the peak RSS. */
export function generateAccount(accountIndex: number, accountId: string, instances: number, seed: number, now: Date): AccountInventory {
  const rand = rng(seed * 1_000_003 + accountIndex);
  const a = accountIndex;
  const regionOf = (n: number): string => BENCH_REGIONS[n % BENCH_REGIONS.length] ?? 'us-east-1';
  const vpcsPerRegion = Math.max(2, Math.ceil(instances / 250));
  // VPCs with index ≥ busyVpcs get no instances, so NAT gateways placed there are idle.
  const busyVpcs = Math.max(1, Math.floor(vpcsPerRegion * 0.8));
  const vpcId = (region: number, n: number) => awsId('vpc', a, region * 10_000 + n);

  const snapshotCount = Math.round(instances * 0.4);
  const imageCount = Math.max(1, Math.round(instances * 0.03));
  const eipCount = Math.round(instances * 0.05);
  const natCount = Math.max(1, Math.round(instances * 0.002));

  const snapshots: EbsSnapshotRecord[] = [];
  for (let n = 0; n < snapshotCount; n++) {
    const id = awsId('snap', a, n);
    snapshots.push({
      SnapshotId: id,
      VolumeId: awsId('vol', a, int(rand, 0, instances - 1)),
      VolumeSize: pick(rand, [8, 20, 30, 50, 100, 200, 500, 1000]),
      State: rand() < 0.96 ? 'completed' : 'pending',
      Progress: '100%',
      StartTime: iso(daysBefore(now, int(rand, 1, 1000), rand)),
      Description: `Created by CreateImage or backup job ${n}`,
      OwnerId: accountId,
      Encrypted: rand() < 0.7,
      StorageTier: rand() < 0.1 ? 'archive' : 'standard',
      Tags: tags(rand, `snap-${n}`, { ignore: 0.02, backup: 0.08 }),
      Region: regionOf(n),
      AccountId: accountId,
    });
  }

  const images: Ec2ImageRecord[] = [];
  for (let n = 0; n < imageCount; n++) {
    const mappings = [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: awsId('snap', a, int(rand, 0, snapshotCount - 1)), VolumeSize: 30, VolumeType: 'gp3' as const, DeleteOnTermination: true } }];
    if (rand() < 0.3) mappings.push({ DeviceName: '/dev/xvdb', Ebs: { SnapshotId: awsId('snap', a, int(rand, 0, snapshotCount - 1)), VolumeSize: 100, VolumeType: 'gp3' as const, DeleteOnTermination: true } });
    images.push({
      ImageId: awsId('ami', a, n),
      Name: `app-${pick(rand, TEAMS)}-${n}`,
      State: rand() < 0.95 ? 'available' : 'disabled',
      CreationDate: iso(daysBefore(now, int(rand, 5, 900), rand)),
      OwnerId: accountId,
      Architecture: rand() < 0.8 ? 'x86_64' : 'arm64',
      RootDeviceType: 'ebs',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: mappings,
      Tags: tags(rand, `ami-${n}`, { ignore: 0.05 }),
      Region: regionOf(n),
      AccountId: accountId,
    });
  }

  const instanceRecords: Ec2InstanceRecord[] = [];
  for (let n = 0; n < instances; n++) {
    const region = n % BENCH_REGIONS.length;
    const type = weighted(rand, INSTANCE_TYPES);
    const family = type.slice(0, type.indexOf('.'));
    const arm = /\d+g[a-z]*$/.test(family);
    const windows = !arm && rand() < 0.08;
    const state = weighted(rand, [['running', 80], ['stopped', 15], ['pending', 1], ['stopping', 1], ['terminated', 3]] as const);
    const stoppedAt = daysBefore(now, int(rand, 1, 200), rand);
    const az = `${regionOf(region)}${pick(rand, ['a', 'b', 'c'])}`;
    const id = awsId('i', a, n);
    instanceRecords.push({
      InstanceId: id,
      ImageId: rand() < 0.7 ? awsId('ami', a, int(rand, 0, Math.max(0, Math.floor(imageCount / 2) - 1))) : `ami-0public${(n % 97).toString(16).padStart(10, '0')}`,
      InstanceType: type as Ec2InstanceRecord['InstanceType'],
      KeyName: `key-${pick(rand, TEAMS)}`,
      LaunchTime: iso(daysBefore(now, int(rand, 1, 1500), rand)),
      Monitoring: { State: rand() < 0.1 ? 'enabled' : 'disabled' },
      Placement: { AvailabilityZone: az, GroupName: '', Tenancy: 'default' },
      PrivateDnsName: `ip-10-${a}-${(n >> 8) & 255}-${n & 255}.ec2.internal`,
      PrivateIpAddress: `10.${a}.${(n >> 8) & 255}.${n & 255}`,
      State: { Code: state === 'running' ? 16 : state === 'stopped' ? 80 : 0, Name: state },
      StateTransitionReason:
        state === 'stopped' ? (rand() < 0.9 ? `User initiated (${gmt(stoppedAt)})` : 'Server.ScheduledStop') : '',
      SubnetId: awsId('subnet', a, region * 10_000 + (n % busyVpcs)),
      VpcId: vpcId(region, n % busyVpcs),
      Architecture: arm ? 'arm64' : 'x86_64',
      BlockDeviceMappings: [],
      EbsOptimized: true,
      EnaSupport: true,
      Hypervisor: 'xen',
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      VirtualizationType: 'hvm',
      PlatformDetails: windows ? 'Windows' : 'Linux/UNIX',
      ...(windows ? { Platform: 'Windows' as const } : {}),
      UsageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
      Tags: tags(rand, `${pick(rand, TEAMS)}-${n}`, { ignore: 0.03, asg: 0.1 }),
      OwnerId: accountId,
      ReservationId: awsId('r', a, n),
      Region: regionOf(region),
      AccountId: accountId,
    });
  }

  const volumes: EbsVolumeRecord[] = [];
  for (let n = 0; n < instances; n++) {
    const volumeType = weighted(rand, VOLUME_TYPES) as EbsVolumeRecord['VolumeType'];
    const size = volumeType === 'st1' || volumeType === 'sc1' ? int(rand, 125, 4000) : pick(rand, [8, 20, 30, 50, 100, 200, 500, 1000, 2000]);
    const iops = volumeType === 'io1' || volumeType === 'io2' ? Math.min(size * 50, pick(rand, [1000, 3000, 10_000, 20_000, 40_000])) : volumeType === 'gp3' ? 3000 : undefined;
    const id = awsId('vol', a, n);
    // 85% attached: the first 70% as root volumes of instances 0..0.7n, the rest as data volumes of random instances.
    const attached = rand() < 0.85;
    const owner = attached ? instanceRecords[n < instances * 0.7 ? n : int(rand, 0, instances - 1)] : undefined;
    const region = owner ? owner.Region : regionOf(n);
    if (owner) {
      const device = owner.BlockDeviceMappings?.length === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(102 + (owner.BlockDeviceMappings?.length ?? 0))}`;
      owner.BlockDeviceMappings?.push({ DeviceName: device, Ebs: { VolumeId: id, Status: 'attached', DeleteOnTermination: device === '/dev/xvda', AttachTime: owner.LaunchTime ?? '' } });
    }
    volumes.push({
      VolumeId: id,
      Size: size,
      VolumeType: volumeType,
      State: owner ? 'in-use' : 'available',
      ...(iops !== undefined ? { Iops: iops } : {}),
      ...(volumeType === 'gp3' ? { Throughput: 125 } : {}),
      AvailabilityZone: owner?.Placement?.AvailabilityZone ?? `${region}a`,
      CreateTime: iso(daysBefore(now, int(rand, 1, 900), rand)),
      Encrypted: rand() < 0.6,
      SnapshotId: rand() < 0.3 ? awsId('snap', a, int(rand, 0, snapshotCount - 1)) : '',
      MultiAttachEnabled: false,
      Attachments: owner
        ? [{ AttachTime: owner.LaunchTime ?? '', Device: '/dev/xvda', InstanceId: owner.InstanceId ?? '', State: 'attached', VolumeId: id, DeleteOnTermination: true }]
        : [],
      Tags: tags(rand, `vol-${n}`, { ignore: 0.03 }),
      Region: region,
      AccountId: accountId,
    });
  }

  const eips: ElasticIpRecord[] = [];
  for (let n = 0; n < eipCount; n++) {
    const associated = rand() < 0.5 ? instanceRecords[int(rand, 0, instances - 1)] : undefined;
    eips.push({
      AllocationId: awsId('eipalloc', a, n),
      PublicIp: `52.${a}.${(n >> 8) & 255}.${n & 255}`,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: associated?.Region ?? regionOf(n),
      ...(associated
        ? { AssociationId: awsId('eipassoc', a, n), InstanceId: associated.InstanceId, NetworkInterfaceId: awsId('eni', a, n), PrivateIpAddress: associated.PrivateIpAddress }
        : {}),
      Tags: tags(rand, `eip-${n}`, { ignore: 0.05 }),
      Region: associated?.Region ?? regionOf(n),
      AccountId: accountId,
    });
  }

  const nats: NatGatewayRecord[] = [];
  for (let n = 0; n < natCount; n++) {
    const region = n % BENCH_REGIONS.length;
    // One in three NAT gateways sits in a VPC without instances.
    const vpc = n % 3 === 0 ? busyVpcs + (n % Math.max(1, vpcsPerRegion - busyVpcs)) : n % busyVpcs;
    nats.push({
      NatGatewayId: awsId('nat', a, n),
      VpcId: vpcId(region, vpc),
      SubnetId: awsId('subnet', a, region * 10_000 + vpc),
      State: rand() < 0.9 ? 'available' : 'deleted',
      ConnectivityType: 'public',
      CreateTime: iso(daysBefore(now, int(rand, 1, 700), rand)),
      NatGatewayAddresses: [{ AllocationId: awsId('eipalloc', a, 1_000_000 + n), PublicIp: `54.${a}.${n >> 8}.${n & 255}`, IsPrimary: true, Status: 'succeeded' }],
      Tags: tags(rand, `nat-${n}`, { ignore: 0.02 }),
      Region: regionOf(region),
      AccountId: accountId,
    });
  }

  return {
    'ec2-instances': instanceRecords,
    'ebs-volumes': volumes,
    'elastic-ips': eips,
    'ebs-snapshots': snapshots,
    'ec2-images': images,
    'nat-gateways': nats,
  };
}

/** 12-digit account ids, stable for a given index. */
export function benchAccountId(index: number): string {
  return String(100_000_000_000 + index * 7_919_113);
}

/** Writes every account's snapshots into the lake; returns the record counts per kind. */
export async function generateInventory(layout: LakeLayout, opts: GenerateOptions): Promise<GeneratedInventory> {
  if (!Number.isInteger(opts.instances) || opts.instances < opts.accounts) {
    throw new Error(`instances must be an integer ≥ accounts (${opts.accounts}), got ${opts.instances}`);
  }
  const records = { 'ec2-instances': 0, 'ebs-volumes': 0, 'elastic-ips': 0, 'ebs-snapshots': 0, 'ec2-images': 0, 'nat-gateways': 0 };
  const accountIds: string[] = [];
  let files = 0;
  for (let i = 0; i < opts.accounts; i++) {
    const accountId = benchAccountId(i);
    accountIds.push(accountId);
    // The remainder goes to the first accounts so the total is exact.
    const count = Math.floor(opts.instances / opts.accounts) + (i < opts.instances % opts.accounts ? 1 : 0);
    const inventory = generateAccount(i, accountId, count, opts.seed, opts.now);
    for (const kind of Object.keys(inventory) as (keyof AccountInventory)[]) {
      await writeInventorySnapshot(layout, opts.tenantId, opts.collectedDate, kind, accountId, inventory[kind]);
      records[kind] += inventory[kind].length;
      files++;
    }
  }
  return { accountIds, regions: BENCH_REGIONS, records, files };
}
