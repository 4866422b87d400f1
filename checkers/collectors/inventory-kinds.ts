import type { Address, Image, Instance, NatGateway, Snapshot, Volume } from '@aws-sdk/client-ec2';

/** Names shared with the checker SDK: a check declares which of these it reads. */
export const INVENTORY_KINDS = [
  'ec2-instances',
  'ebs-volumes',
  'elastic-ips',
  'ebs-snapshots',
  'ec2-images',
  'nat-gateways',
] as const;

export type InventoryKind = (typeof INVENTORY_KINDS)[number];

export function isInventoryKind(value: unknown): value is InventoryKind {
  return typeof value === 'string' && (INVENTORY_KINDS as readonly string[]).includes(value);
}

export class InvalidInventoryKindError extends Error {
  readonly code = 'INVALID_INVENTORY_KIND';
  constructor(readonly value: unknown) {
    super(`Invalid inventory kind ${JSON.stringify(value)}: expected one of ${INVENTORY_KINDS.join(', ')}`);
    this.name = 'InvalidInventoryKindError';
  }
}

export function parseInventoryKind(value: unknown): InventoryKind {
  if (!isInventoryKind(value)) throw new InvalidInventoryKindError(value);
  return value;
}

/**
 * The SDK's output type as it looks once serialised to JSON: timestamps become ISO 8601 strings
 * (the same form `aws ec2 describe-* --output json` prints), so a record read back from the lake
 * and a record fresh from the collector have one shape.
 */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Where a record came from; every kind carries both so files can be concatenated freely. */
export interface InventoryOrigin {
  Region: string;
  AccountId: string;
}

export type Ec2InstanceRecord = Jsonified<Instance> &
  InventoryOrigin & { OwnerId?: string; ReservationId?: string; RequesterId?: string };
export type EbsVolumeRecord = Jsonified<Volume> & InventoryOrigin;
export type ElasticIpRecord = Jsonified<Address> & InventoryOrigin;
export type EbsSnapshotRecord = Jsonified<Snapshot> & InventoryOrigin;
export type Ec2ImageRecord = Jsonified<Image> & InventoryOrigin;
export type NatGatewayRecord = Jsonified<NatGateway> & InventoryOrigin;

export interface InventoryRecordMap {
  'ec2-instances': Ec2InstanceRecord;
  'ebs-volumes': EbsVolumeRecord;
  'elastic-ips': ElasticIpRecord;
  'ebs-snapshots': EbsSnapshotRecord;
  'ec2-images': Ec2ImageRecord;
  'nat-gateways': NatGatewayRecord;
}

export type InventoryRecord<K extends InventoryKind = InventoryKind> = InventoryRecordMap[K];

export type InventorySnapshots = { [K in InventoryKind]: InventoryRecordMap[K][] };
