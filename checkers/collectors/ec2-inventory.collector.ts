import {
  DescribeAddressesCommand,
  EC2Client,
  paginateDescribeImages,
  paginateDescribeInstances,
  paginateDescribeNatGateways,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, ResponseMetadata } from '@smithy/types';
import { parseTenantId } from '@openfinops/tenants';
import { credentialProviderFor, parseAwsAccountId, validateAwsConnection, type AwsConnection } from './aws-credentials.ts';
import {
  INVENTORY_KINDS,
  parseInventoryKind,
  type InventoryKind,
  type InventoryRecordMap,
  type InventorySnapshots,
} from './inventory-kinds.ts';

export interface CollectInventoryInput {
  tenantId: string;
  accountId: string;
  regions: readonly string[];
  /** Defaults to every kind in INVENTORY_KINDS. */
  kinds?: readonly InventoryKind[];
  credentials: AwsConnection;
  /** EC2 endpoint override (tests, LocalStack); without it the SDK honours AWS_ENDPOINT_URL_EC2. */
  endpoint?: string;
  /** STS endpoint override for assume-role; without it the SDK honours AWS_ENDPOINT_URL_STS. */
  stsEndpoint?: string;
  /** Region whose STS endpoint serves AssumeRole; defaults to the first collected region. */
  stsRegion?: string;
  /** Credentials that call AssumeRole (assume-role only); the SDK default chain when absent. */
  sourceCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  clock?: () => Date;
  /** Attempts per API call including the first, for the SDK's standard retry strategy. Default 5. */
  maxAttempts?: number;
  /** Replaces the standard strategy's backoff (same retry decisions and quota); tests use it to keep retries fast. */
  retryDelayMs?: (attempt: number) => number;
  /** MaxResults per page, per kind; each kind has the API's own bounds. */
  pageSize?: Partial<Record<InventoryKind, number>>;
  /** Regions collected at once. EC2 throttles per account and region, so kinds of one region run in turn. */
  regionConcurrency?: number;
  requestTimeoutMs?: number;
  /**
   * Stops the collection: the EC2 request in flight is aborted, no further region, kind or page is fetched, and
   * collectInventory throws the signal's reason instead of returning a partial result (which would be written as a
   * snapshot missing the resources not fetched yet).
   */
  signal?: AbortSignal;
}

export interface InventoryCollectionError {
  region: string;
  kind: InventoryKind;
  error: { code: string; message: string; httpStatus?: number; requestId?: string; attempts?: number };
}

export interface InventoryCollectionStats {
  perKindCounts: Partial<Record<InventoryKind, number>>;
  /** API operations sent (each page counts once), successful or not, retries excluded. */
  calls: number;
  /** Extra attempts the SDK's retry strategy made across all calls. */
  retries: number;
  durationMs: number;
}

export interface InventoryCollectionResult {
  tenantId: string;
  accountId: string;
  regions: string[];
  kinds: InventoryKind[];
  collectedAt: string;
  /** UTC date of collectedAt, the lake partition the snapshot belongs to. */
  collectedDate: string;
  /**
   * One entry per requested kind. A (region, kind) that failed contributes no records at all rather than
   * the pages fetched before the failure; the failure is in `errors`.
   */
  snapshots: Partial<InventorySnapshots>;
  errors: InventoryCollectionError[];
  stats: InventoryCollectionStats;
}

export class InvalidCollectionInputError extends Error {
  readonly code = 'INVALID_COLLECTION_INPUT';
  constructor(readonly field: string, message: string) {
    super(`Invalid inventory collection input ${field}: ${message}`);
    this.name = 'InvalidCollectionInputError';
  }
}

// Commercial, GovCloud, China and ISO partitions: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** MaxResults bounds from the EC2 API reference; the larger bound is the default page size. */
const PAGE_LIMITS: Record<Exclude<InventoryKind, 'elastic-ips'>, { min: number; max: number }> = {
  'ec2-instances': { min: 5, max: 1000 },
  'ebs-volumes': { min: 5, max: 500 },
  'ebs-snapshots': { min: 5, max: 1000 },
  'ec2-images': { min: 5, max: 1000 },
  'nat-gateways': { min: 5, max: 1000 },
};

const ID_FIELD: { [K in InventoryKind]: (r: InventoryRecordMap[K]) => string | undefined } = {
  'ec2-instances': (r) => r.InstanceId,
  'ebs-volumes': (r) => r.VolumeId,
  'elastic-ips': (r) => r.AllocationId ?? r.PublicIp,
  'ebs-snapshots': (r) => r.SnapshotId,
  'ec2-images': (r) => r.ImageId,
  'nat-gateways': (r) => r.NatGatewayId,
};

interface Page {
  items: object[];
  metadata: ResponseMetadata;
}

/** What each call sends besides its input: the paginators hand these on to `client.send`. */
type SendOptions = { abortSignal?: AbortSignal };

/** Every call the collector makes, one function per kind; pages come from the SDK's own paginators. */
const FETCHERS: { [K in InventoryKind]: (client: EC2Client, pageSize: number | undefined, send: SendOptions) => AsyncIterable<Page> } = {
  'ec2-instances': async function* (client, pageSize, send) {
    for await (const page of paginateDescribeInstances({ client, pageSize }, {}, send)) {
      const items = (page.Reservations ?? []).flatMap((reservation) =>
        (reservation.Instances ?? []).map((instance) => ({
          ...instance,
          OwnerId: reservation.OwnerId,
          ReservationId: reservation.ReservationId,
          RequesterId: reservation.RequesterId,
        })),
      );
      yield { items, metadata: page.$metadata };
    }
  },
  'ebs-volumes': async function* (client, pageSize, send) {
    for await (const page of paginateDescribeVolumes({ client, pageSize }, {}, send)) {
      yield { items: page.Volumes ?? [], metadata: page.$metadata };
    }
  },
  // DescribeAddresses has no pagination: one call returns every address of the region.
  'elastic-ips': async function* (client, _pageSize, send) {
    const out = await client.send(new DescribeAddressesCommand({}), send);
    yield { items: out.Addresses ?? [], metadata: out.$metadata };
  },
  'ebs-snapshots': async function* (client, pageSize, send) {
    // Without OwnerIds the API also lists every public snapshot in the region.
    for await (const page of paginateDescribeSnapshots({ client, pageSize }, { OwnerIds: ['self'] }, send)) {
      yield { items: page.Snapshots ?? [], metadata: page.$metadata };
    }
  },
  'ec2-images': async function* (client, pageSize, send) {
    // Disabled AMIs still keep their snapshots (and their cost), so they belong in the inventory.
    for await (const page of paginateDescribeImages({ client, pageSize }, { Owners: ['self'], IncludeDisabled: true }, send)) {
      yield { items: page.Images ?? [], metadata: page.$metadata };
    }
  },
  'nat-gateways': async function* (client, pageSize, send) {
    for await (const page of paginateDescribeNatGateways({ client, pageSize }, {}, send)) {
      yield { items: page.NatGateways ?? [], metadata: page.$metadata };
    }
  },
};

export async function collectInventory(input: CollectInventoryInput): Promise<InventoryCollectionResult> {
  const settings = validateInput(input);
  const { signal } = input;
  signal?.throwIfAborted();
  const send: SendOptions = signal ? { abortSignal: signal } : {};
  const { tenantId, accountId, regions, kinds, clock } = settings;
  const startedAt = clock();
  const stats: InventoryCollectionStats = { perKindCounts: {}, calls: 0, retries: 0, durationMs: 0 };
  const errors: InventoryCollectionError[] = [];
  const byRegion = new Map<string, Partial<Record<InventoryKind, object[]>>>();

  const credentials = credentialProviderFor(input.credentials, {
    tenantId,
    stsRegion: input.stsRegion ?? regions[0]!,
    maxAttempts: settings.maxAttempts,
    ...(input.stsEndpoint ? { stsEndpoint: input.stsEndpoint } : {}),
    ...(input.sourceCredentials ? { sourceCredentials: input.sourceCredentials } : {}),
  });

  let credentialError: InventoryCollectionError['error'] | undefined;
  try {
    // Resolved once up front: a refused AssumeRole fails every region the same way, so no EC2 call is worth sending.
    await credentials();
  } catch (err) {
    credentialError = describeError(err);
  }
  signal?.throwIfAborted();

  if (credentialError) {
    for (const region of regions) for (const kind of kinds) errors.push({ region, kind, error: credentialError });
  } else {
    await forEachLimited(regions, settings.regionConcurrency, async (region) => {
      signal?.throwIfAborted();
      const client = new EC2Client({
        region,
        credentials,
        maxAttempts: settings.maxAttempts,
        ...(input.retryDelayMs ? { retryStrategy: new ConfiguredRetryStrategy(settings.maxAttempts, input.retryDelayMs) } : {}),
        ...(input.endpoint ? { endpoint: input.endpoint } : {}),
        requestHandler: { requestTimeout: settings.requestTimeoutMs, connectionTimeout: 10_000 },
      });
      try {
        const collected: Partial<Record<InventoryKind, object[]>> = {};
        for (const kind of kinds) {
          signal?.throwIfAborted();
          const items: object[] = [];
          try {
            for await (const page of FETCHERS[kind](client, input.pageSize?.[kind] ?? defaultPageSize(kind), send)) {
              stats.calls += 1;
              stats.retries += Math.max(0, (page.metadata.attempts ?? 1) - 1);
              items.push(...page.items);
              signal?.throwIfAborted();
            }
            collected[kind] = items;
          } catch (err) {
            // A stop is not a failure of this region and kind: the whole collection ends with the signal's reason.
            signal?.throwIfAborted();
            stats.calls += 1;
            const error = describeError(err);
            stats.retries += Math.max(0, (error.attempts ?? 1) - 1);
            errors.push({ region, kind, error });
          }
        }
        byRegion.set(region, collected);
      } finally {
        client.destroy();
      }
    });
  }

  const snapshots: Partial<InventorySnapshots> = {};
  for (const kind of kinds) {
    const records = mergeRegions(kind, regions, byRegion, accountId);
    (snapshots as Record<InventoryKind, object[]>)[kind] = records;
    stats.perKindCounts[kind] = records.length;
  }
  // Regions finish in any order; a stable order keeps reports and diffs readable.
  errors.sort((a, b) => a.region.localeCompare(b.region) || kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
  stats.durationMs = Math.max(0, clock().getTime() - startedAt.getTime());

  return {
    tenantId,
    accountId,
    regions: [...regions],
    kinds: [...kinds],
    collectedAt: startedAt.toISOString(),
    collectedDate: startedAt.toISOString().slice(0, 10),
    snapshots,
    errors,
    stats,
  };
}

function mergeRegions(
  kind: InventoryKind,
  regions: readonly string[],
  byRegion: Map<string, Partial<Record<InventoryKind, object[]>>>,
  accountId: string,
): object[] {
  const out: object[] = [];
  const idOf = ID_FIELD[kind] as (r: object) => string | undefined;
  for (const region of regions) {
    const items = byRegion.get(region)?.[kind];
    if (!items) continue;
    // A resource that moves between pages while paginating can be listed twice; the last sighting wins.
    const seen = new Map<string, number>();
    for (const item of items) {
      const record = { ...(toJsonValue(item) as object), Region: region, AccountId: accountId };
      const id = idOf(record);
      const earlier = id === undefined ? undefined : seen.get(id);
      if (earlier !== undefined) {
        out[earlier] = record;
      } else {
        if (id !== undefined) seen.set(id, out.length);
        out.push(record);
      }
    }
  }
  return out;
}

/** Dates become ISO strings and undefined members disappear, so the record equals its JSON round trip. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined || key === '$metadata') continue;
      out[key] = toJsonValue(member);
    }
    return out;
  }
  return value;
}

function describeError(err: unknown): InventoryCollectionError['error'] {
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    Code?: string;
    message?: string;
    $metadata?: ResponseMetadata;
  };
  const code = e.Code ?? (typeof e.code === 'string' ? e.code : undefined) ?? e.name ?? 'UnknownError';
  const error: InventoryCollectionError['error'] = { code, message: e.message || String(err) };
  if (e.$metadata?.httpStatusCode !== undefined) error.httpStatus = e.$metadata.httpStatusCode;
  if (e.$metadata?.requestId) error.requestId = e.$metadata.requestId;
  if (e.$metadata?.attempts !== undefined) error.attempts = e.$metadata.attempts;
  return error;
}

function defaultPageSize(kind: InventoryKind): number | undefined {
  return kind === 'elastic-ips' ? undefined : PAGE_LIMITS[kind].max;
}

interface Settings {
  tenantId: string;
  accountId: string;
  regions: string[];
  kinds: InventoryKind[];
  clock: () => Date;
  maxAttempts: number;
  regionConcurrency: number;
  requestTimeoutMs: number;
}

function validateInput(input: CollectInventoryInput): Settings {
  const tenantId = parseTenantId(input.tenantId);
  const accountId = parseAwsAccountId(input.accountId);
  validateAwsConnection(input.credentials, accountId);
  if (!Array.isArray(input.regions) || input.regions.length === 0) {
    throw new InvalidCollectionInputError('regions', 'expected at least one region');
  }
  for (const region of input.regions) {
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw new InvalidCollectionInputError('regions', `${JSON.stringify(region)} is not an AWS region name such as us-east-1`);
    }
  }
  if (input.stsRegion !== undefined && !REGION.test(input.stsRegion)) {
    throw new InvalidCollectionInputError('stsRegion', `${JSON.stringify(input.stsRegion)} is not an AWS region name`);
  }
  const kinds = [...new Set((input.kinds ?? INVENTORY_KINDS).map((k) => parseInventoryKind(k)))];
  if (kinds.length === 0) throw new InvalidCollectionInputError('kinds', 'expected at least one kind');
  for (const [kind, size] of Object.entries(input.pageSize ?? {})) {
    const k = parseInventoryKind(kind);
    if (k === 'elastic-ips') throw new InvalidCollectionInputError('pageSize.elastic-ips', 'DescribeAddresses is not paginated');
    const { min, max } = PAGE_LIMITS[k];
    if (!Number.isInteger(size) || size < min || size > max) {
      throw new InvalidCollectionInputError(`pageSize.${k}`, `expected an integer between ${min} and ${max}, got ${size}`);
    }
  }
  const maxAttempts = input.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new InvalidCollectionInputError('maxAttempts', `expected an integer between 1 and 20, got ${maxAttempts}`);
  }
  const regionConcurrency = input.regionConcurrency ?? 4;
  if (!Number.isInteger(regionConcurrency) || regionConcurrency < 1) {
    throw new InvalidCollectionInputError('regionConcurrency', `expected a positive integer, got ${regionConcurrency}`);
  }
  return {
    tenantId,
    accountId,
    regions: [...new Set(input.regions)],
    kinds,
    clock: input.clock ?? (() => new Date()),
    maxAttempts,
    regionConcurrency,
    requestTimeoutMs: input.requestTimeoutMs ?? 60_000,
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}
