import { z } from 'zod';
import {
  INVENTORY_KINDS,
  isInventoryKind,
  type Ec2InstanceRecord,
  type InventoryKind,
  type InventoryRecord,
} from '../collectors/inventory-kinds.ts';

export { INVENTORY_KINDS, isInventoryKind, type Ec2InstanceRecord, type InventoryKind, type InventoryRecord };

/** Records per kind, each in the EC2 Describe* API shape plus `Region` and `AccountId` (what the collectors write). */
export type InventorySnapshot = Partial<{ [K in InventoryKind]: InventoryRecord<K>[] }>;

export class InventoryError extends Error {
  readonly code = 'INVENTORY_INVALID';
  constructor(readonly source: string, readonly field: string, reason: string) {
    super(`${source}: ${field}: ${reason}`);
    this.name = 'InventoryError';
  }
}

/** The top-level list key of each Describe* response, so a raw AWS response can be used as a snapshot. */
const DESCRIBE_KEYS: Readonly<Record<string, InventoryKind>> = {
  Volumes: 'ebs-volumes',
  Addresses: 'elastic-ips',
  Snapshots: 'ebs-snapshots',
  Images: 'ec2-images',
  NatGateways: 'nat-gateways',
};

const tag = z.object({ Key: z.string(), Value: z.string() }).loose();

/** Only the fields checkers rely on are enforced; every other Describe* field passes through untouched. */
const instanceSchema = z
  .object({
    InstanceId: z.string().min(1),
    InstanceType: z.string().min(1),
    Architecture: z.string().optional(),
    Platform: z.string().optional(),
    PlatformDetails: z.string().optional(),
    State: z.object({ Name: z.string() }).loose(),
    Placement: z.object({ AvailabilityZone: z.string().optional() }).loose().optional(),
    Tags: z.array(tag).optional(),
    LaunchTime: z.string().optional(),
    Region: z.string().optional(),
    AccountId: z.string().optional(),
    OwnerId: z.string().optional(),
  })
  .loose();

const reservationSchema = z.object({ OwnerId: z.string().optional(), Instances: z.array(instanceSchema) }).loose();
const genericRecord = z
  .object({ Region: z.string().optional(), AccountId: z.string().optional(), AvailabilityZone: z.string().optional() })
  .loose();

/** `us-east-1a` → `us-east-1`; Local Zones (`us-east-1-bos-1a`) belong to their parent region. */
export function regionFromAvailabilityZone(az: string): string | undefined {
  return /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(az)?.[1];
}

function issuePath(prefix: string, issue: z.core.$ZodIssue): string {
  return prefix + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

function firstIssue(source: string, prefix: string, error: z.ZodError): InventoryError {
  const issue = error.issues[0];
  return issue ? new InventoryError(source, issuePath(prefix, issue), issue.message) : new InventoryError(source, prefix, 'invalid');
}

export interface ParseInventoryOptions {
  /** Used for records that carry neither AccountId nor OwnerId. */
  accountId?: string;
  /** Used for records that carry neither Region nor an availability zone. */
  region?: string;
}

/**
 * Turns a snapshot document into records per kind. Accepts a DescribeInstances response
 * (`{ "Reservations": [...] }`, flattened to instances), other Describe* responses by their list key
 * (`Volumes`, `Addresses`, ...), or an object keyed by inventory kind (the collectors' form).
 * Every record ends up with `Region` and `AccountId`, derived from the availability zone and OwnerId when absent.
 */
export function parseInventoryDocument(doc: unknown, source: string, opts: ParseInventoryOptions = {}): InventorySnapshot {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InventoryError(source, '$', 'expected a JSON object such as a DescribeInstances response { "Reservations": [...] }');
  }
  const out: Partial<Record<InventoryKind, Record<string, unknown>[]>> = {};

  const withOrigin = (record: Record<string, unknown>, field: string, ownerId: string | undefined, az: string | undefined) => {
    const region = (record.Region as string | undefined) ?? (az ? regionFromAvailabilityZone(az) : undefined) ?? opts.region;
    if (!region) throw new InventoryError(source, field, 'no Region: add "Region" or an availability zone to the record');
    const accountId = (record.AccountId as string | undefined) ?? ownerId ?? opts.accountId;
    if (!accountId) throw new InventoryError(source, field, 'no AccountId: add "AccountId"/"OwnerId" or pass the account id');
    return { ...record, Region: region, AccountId: accountId };
  };
  const add = (kind: InventoryKind, records: Record<string, unknown>[]) => {
    (out[kind] ??= []).push(...records);
  };
  const addInstances = (field: string, instances: z.infer<typeof instanceSchema>[], ownerId: string | undefined) => {
    add(
      'ec2-instances',
      instances.map((i, n) =>
        withOrigin(ownerId && !i.OwnerId ? { ...i, OwnerId: ownerId } : i, `${field}[${n}]`, i.OwnerId ?? ownerId, i.Placement?.AvailabilityZone),
      ),
    );
  };

  let recognised = 0;
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'Reservations') {
      recognised++;
      const parsed = z.array(reservationSchema).safeParse(value);
      if (!parsed.success) throw firstIssue(source, key, parsed.error);
      parsed.data.forEach((r, n) => addInstances(`Reservations[${n}].Instances`, r.Instances, r.OwnerId));
    } else if (key === 'ec2-instances') {
      recognised++;
      const parsed = z.array(instanceSchema).safeParse(value);
      if (!parsed.success) throw firstIssue(source, key, parsed.error);
      addInstances(key, parsed.data, undefined);
    } else if (key in DESCRIBE_KEYS || isInventoryKind(key)) {
      recognised++;
      const kind = DESCRIBE_KEYS[key] ?? (key as InventoryKind);
      const parsed = z.array(genericRecord).safeParse(value);
      if (!parsed.success) throw firstIssue(source, key, parsed.error);
      add(
        kind,
        parsed.data.map((r, n) => withOrigin(r, `${key}[${n}]`, (r as { OwnerId?: string }).OwnerId, r.AvailabilityZone)),
      );
    }
  }
  if (recognised === 0) {
    throw new InventoryError(
      source,
      '$',
      `no inventory found: expected "Reservations" (DescribeInstances) or one of ${[...Object.keys(DESCRIBE_KEYS), ...INVENTORY_KINDS].join(', ')}`,
    );
  }
  // Shape checked above for the fields checkers read; the rest is the Describe* payload as given.
  return out as InventorySnapshot;
}

/** Distinct AWS account ids found in a snapshot. */
export function inventoryAccountIds(snapshot: InventorySnapshot): string[] {
  const ids = new Set<string>();
  for (const records of Object.values(snapshot)) {
    for (const record of records ?? []) ids.add(record.AccountId);
  }
  return [...ids].sort();
}
