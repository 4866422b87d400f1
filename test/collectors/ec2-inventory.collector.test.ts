import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  collectInventory,
  INVENTORY_KINDS,
  InvalidAwsConnectionError,
  InvalidCollectionInputError,
  toJsonValue,
  type CollectInventoryInput,
  type InventoryKind,
} from '@openfinops/checkers';
import { InvalidTenantIdError } from '@openfinops/tenants';
import { Ec2QueryServer, type FakeRegionData } from '../fakes/ec2/ec2-query-server.ts';
import { makeInstances, sampleRegion } from '../fakes/ec2/ec2-dataset.ts';
import { isolateAwsEnv, PLATFORM_ACCESS_KEY } from './aws-env.ts';

const ACCOUNT = '123456789012';
const FAST_RETRY = (_attempt: number) => 5;

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateAwsEnv();
});
afterAll(() => restoreEnv());

const servers: Ec2QueryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startFake(regions: Record<string, FakeRegionData>, expectedExternalId?: string): Promise<Ec2QueryServer> {
  const server = await Ec2QueryServer.start({ regions, selfAccountId: ACCOUNT, ...(expectedExternalId ? { expectedExternalId } : {}) });
  servers.push(server);
  return server;
}

function input(server: Ec2QueryServer, overrides: Partial<CollectInventoryInput> = {}): CollectInventoryInput {
  return {
    tenantId: 'acme',
    accountId: ACCOUNT,
    regions: ['us-east-1'],
    credentials: { kind: 'default-chain' },
    endpoint: server.endpoint,
    retryDelayMs: FAST_RETRY,
    ...overrides,
  };
}

function ec2Requests(server: Ec2QueryServer, action: string) {
  return server.requests.filter((r) => r.service === 'ec2' && r.action === action);
}

describe('collectInventory against the EC2 Query fake', () => {
  it('follows every page of DescribeInstances (250 instances, MaxResults 100 → 3 pages) without duplicates', async () => {
    const instances = makeInstances(250, 'us-east-1', ACCOUNT);
    const server = await startFake({ 'us-east-1': { instances } });

    const result = await collectInventory(input(server, { kinds: ['ec2-instances'], pageSize: { 'ec2-instances': 100 } }));

    expect(result.errors).toEqual([]);
    const records = result.snapshots['ec2-instances']!;
    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.InstanceId)).size).toBe(250);
    expect(records.map((r) => r.InstanceId)).toEqual(instances.map((i) => i.InstanceId));
    const calls = ec2Requests(server, 'DescribeInstances');
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.params.MaxResults)).toEqual(['100', '100', '100']);
    expect(calls[0]!.params.NextToken).toBeUndefined();
    expect(calls[1]!.params.NextToken).toBeTruthy();
    expect(calls[2]!.params.NextToken).not.toBe(calls[1]!.params.NextToken);
    expect(result.stats).toMatchObject({ calls: 3, retries: 0, perKindCounts: { 'ec2-instances': 250 } });
    // Reservation-level fields travel down onto each flattened instance.
    expect(records[4]).toMatchObject({ OwnerId: ACCOUNT, ReservationId: instances[4]!.ReservationId, Region: 'us-east-1', AccountId: ACCOUNT });
  });

  it('stops between pages and regions when its signal fires: no further page, region or kind, the signal\'s reason thrown', async () => {
    const server = await startFake({
      'us-east-1': { instances: makeInstances(250, 'us-east-1', ACCOUNT) },
      'us-west-2': { instances: makeInstances(5, 'us-west-2', ACCOUNT) },
    });
    const controller = new AbortController();
    // Page 1 of us-east-1 is answered; page 2 is held, and the stop comes while it waits.
    const page1 = server.hold('DescribeInstances');
    const collecting = collectInventory(
      input(server, { regions: ['us-east-1', 'us-west-2'], regionConcurrency: 1, kinds: ['ec2-instances', 'ebs-volumes'], pageSize: { 'ec2-instances': 100 }, signal: controller.signal }),
    ).catch((e: unknown) => e);
    await page1.reached;
    const page2 = server.hold('DescribeInstances');
    page1.release();
    const held = await page2.reached;
    expect(held.params.NextToken).toBeTruthy();
    controller.abort(new Error('stopped by the test'));
    const err = await collecting;
    page2.release();
    expect(err).toMatchObject({ message: 'stopped by the test' });
    const ec2 = server.requests.filter((r) => r.service === 'ec2');
    // Two pages asked for in the first region, nothing after: no page 3, no volumes, no second region.
    expect(ec2.map((r) => `${r.region} ${r.action}`)).toEqual(['us-east-1 DescribeInstances', 'us-east-1 DescribeInstances']);
  });

  it('asks for the API maximum page size by default', async () => {
    const server = await startFake({ 'us-east-1': { instances: makeInstances(12, 'us-east-1', ACCOUNT), volumes: [] } });
    const result = await collectInventory(input(server, { kinds: ['ec2-instances', 'ebs-volumes'] }));
    expect(result.snapshots['ec2-instances']).toHaveLength(12);
    expect(ec2Requests(server, 'DescribeInstances').map((r) => r.params.MaxResults)).toEqual(['1000']);
    expect(ec2Requests(server, 'DescribeVolumes').map((r) => r.params.MaxResults)).toEqual(['500']);
  });

  it('retries RequestLimitExceeded with the SDK standard strategy and counts the retries', async () => {
    const server = await startFake({ 'us-east-1': sampleRegion('us-east-1', ACCOUNT) });
    server.throttle = { remaining: 2, actions: ['DescribeVolumes'] };

    // No retryDelayMs: the SDK's own standard strategy with its throttling backoff.
    const result = await collectInventory(input(server, { kinds: ['ebs-volumes', 'nat-gateways'], maxAttempts: 4, retryDelayMs: undefined }));

    expect(result.errors).toEqual([]);
    expect(result.snapshots['ebs-volumes']).toHaveLength(2);
    expect(server.callsTo('DescribeVolumes')).toBe(3);
    expect(ec2Requests(server, 'DescribeVolumes').map((r) => r.status)).toEqual([503, 503, 200]);
    expect(result.stats.retries).toBe(2);
    expect(result.stats.calls).toBe(2);
  });

  it('reports throttling that outlasts maxAttempts as an error and carries on with other kinds', async () => {
    const server = await startFake({ 'us-east-1': sampleRegion('us-east-1', ACCOUNT) });
    server.throttle = { remaining: 100, actions: ['DescribeSnapshots'] };

    const result = await collectInventory(input(server, { kinds: ['ebs-snapshots', 'ec2-images'], maxAttempts: 3 }));

    expect(server.callsTo('DescribeSnapshots')).toBe(3);
    expect(result.errors).toEqual([
      {
        region: 'us-east-1',
        kind: 'ebs-snapshots',
        error: expect.objectContaining({ code: 'RequestLimitExceeded', httpStatus: 503, attempts: 3 }),
      },
    ]);
    expect(result.snapshots['ebs-snapshots']).toEqual([]);
    expect(result.snapshots['ec2-images']).toHaveLength(1);
    expect(result.stats.retries).toBe(2);
  });

  it('reports an unauthorized region per kind and still collects the other regions', async () => {
    const server = await startFake({
      'us-east-1': sampleRegion('us-east-1', ACCOUNT),
      'eu-west-1': sampleRegion('eu-west-1', ACCOUNT),
      'ap-southeast-2': sampleRegion('ap-southeast-2', ACCOUNT),
    });
    server.unauthorizedRegions.add('eu-west-1');

    const result = await collectInventory(input(server, { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }));

    expect(result.errors).toHaveLength(INVENTORY_KINDS.length);
    for (const [i, kind] of INVENTORY_KINDS.entries()) {
      expect(result.errors[i]).toEqual({
        region: 'eu-west-1',
        kind,
        error: expect.objectContaining({ code: 'UnauthorizedOperation', httpStatus: 403, attempts: 1 }),
      });
    }
    for (const kind of INVENTORY_KINDS) {
      const regions = new Set(result.snapshots[kind]!.map((r) => r.Region));
      expect([...regions].sort(), kind).toEqual(['ap-southeast-2', 'us-east-1']);
    }
    // Requests really went out per region, signed for that region.
    expect(new Set(ec2Requests(server, 'DescribeInstances').map((r) => r.region))).toEqual(
      new Set(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
    );
  });

  it('reports a region failing with 5xx after the retries are spent', async () => {
    const server = await startFake({ 'us-east-1': sampleRegion('us-east-1', ACCOUNT), 'us-west-2': sampleRegion('us-west-2', ACCOUNT) });
    server.failingRegions.add('us-west-2');

    const result = await collectInventory(input(server, { regions: ['us-east-1', 'us-west-2'], kinds: ['elastic-ips'], maxAttempts: 2 }));

    expect(result.errors).toEqual([
      { region: 'us-west-2', kind: 'elastic-ips', error: expect.objectContaining({ code: 'InternalError', httpStatus: 500, attempts: 2 }) },
    ]);
    expect(result.snapshots['elastic-ips']!.map((r) => r.Region)).toEqual(['us-east-1', 'us-east-1']);
    expect(result.stats.retries).toBe(1);
  });

  it('round-trips all six kinds with the fields checkers read, in the API shape plus Region and AccountId', async () => {
    const data = sampleRegion('eu-central-1', ACCOUNT);
    const server = await startFake({ 'eu-central-1': data });
    const clockTimes = [new Date('2026-03-04T23:59:58.000Z'), new Date('2026-03-05T00:00:01.500Z')];
    const result = await collectInventory(input(server, { regions: ['eu-central-1'], clock: () => clockTimes.shift()! }));

    expect(result.errors).toEqual([]);
    expect(result.collectedAt).toBe('2026-03-04T23:59:58.000Z');
    expect(result.collectedDate).toBe('2026-03-04');
    expect(result.stats.durationMs).toBe(3500);
    const origin = { Region: 'eu-central-1', AccountId: ACCOUNT };
    const own = <T extends { OwnerId?: string }>(xs: T[]) => xs.filter((x) => x.OwnerId === ACCOUNT);

    // Exact equality: every field the fake sent came back through the SDK's deserializer, no more, no less.
    expect(result.snapshots['ec2-instances']).toEqual(data.instances!.map((i) => ({ ...(toJsonValue(i) as object), ...origin })));
    expect(result.snapshots['ebs-volumes']).toEqual(data.volumes!.map((v) => ({ ...(toJsonValue(v) as object), ...origin })));
    expect(result.snapshots['elastic-ips']).toEqual(data.addresses!.map((a) => ({ ...(toJsonValue(a) as object), ...origin })));
    expect(result.snapshots['ebs-snapshots']).toEqual(own(data.snapshots!).map((s) => ({ ...(toJsonValue(s) as object), ...origin })));
    expect(result.snapshots['ec2-images']).toEqual(own(data.images!).map((s) => ({ ...(toJsonValue(s) as object), ...origin })));
    expect(result.snapshots['nat-gateways']).toEqual(data.natGateways!.map((n) => ({ ...(toJsonValue(n) as object), ...origin })));

    // Spot checks of the wire names that differ from the SDK member names.
    const [instance] = result.snapshots['ec2-instances']!;
    expect(instance).toMatchObject({
      InstanceType: 'm6i.2xlarge',
      Architecture: 'x86_64',
      PlatformDetails: 'Windows',
      State: { Name: 'stopped', Code: 80 },
      Placement: { AvailabilityZone: 'eu-central-1b' },
      Tags: [{ Key: 'Name', Value: 'build & <test>' }, { Key: 'team', Value: 'platform' }],
      LaunchTime: '2025-11-02T08:15:30.000Z',
      PublicIpAddress: '203.0.113.10',
    });
    expect(result.snapshots['ebs-volumes']![0]).toMatchObject({ State: 'in-use', Size: 200, Iops: 3000, Throughput: 125, Attachments: [{ State: 'attached' }] });
    expect(result.snapshots['ec2-images']![0]).toMatchObject({ OwnerId: ACCOUNT, Public: false, BlockDeviceMappings: [{ Ebs: { SnapshotId: expect.stringMatching(/^snap-/) } }], LastLaunchedTime: '2025-11-02T08:15:30Z' });
    expect(result.snapshots['ebs-snapshots']![0]).toMatchObject({ State: 'completed', VolumeSize: 200, StartTime: '2025-06-01T03:00:00.000Z' });
    expect(result.snapshots['nat-gateways']![0]).toMatchObject({ State: 'available', CreateTime: '2024-12-24T12:00:00.000Z' });

    // Only the account's own snapshots and images were asked for.
    expect(ec2Requests(server, 'DescribeSnapshots')[0]!.params).toMatchObject({ 'Owner.1': 'self' });
    expect(ec2Requests(server, 'DescribeImages')[0]!.params).toMatchObject({ 'Owner.1': 'self', IncludeDisabled: 'true' });
    // Records are plain JSON: what the lake stores is what the collector returned.
    expect(JSON.parse(JSON.stringify(result.snapshots))).toEqual(result.snapshots);
  });

  it('assumes the tenant role with its ExternalId through AWS_ENDPOINT_URL_STS and signs EC2 calls with the session', async () => {
    const server = await startFake(
      { 'us-east-1': sampleRegion('us-east-1', ACCOUNT), 'eu-west-1': sampleRegion('eu-west-1', ACCOUNT) },
      'ext-7f3a9c',
    );
    // Endpoints only through the environment: verifies the SDK honours both variables natively.
    process.env.AWS_ENDPOINT_URL_STS = server.endpoint;
    process.env.AWS_ENDPOINT_URL_EC2 = server.endpoint;
    try {
      const result = await collectInventory({
        tenantId: 'acme',
        accountId: ACCOUNT,
        regions: ['us-east-1', 'eu-west-1'],
        kinds: ['ec2-instances', 'elastic-ips'],
        credentials: { kind: 'assume-role', roleArn: `arn:aws:iam::${ACCOUNT}:role/OpenFinOpsReadOnly`, externalId: 'ext-7f3a9c' },
        retryDelayMs: FAST_RETRY,
      });

      expect(result.errors).toEqual([]);
      expect(result.snapshots['ec2-instances']).toHaveLength(2);
      const assume = server.requests.filter((r) => r.service === 'sts');
      expect(assume).toHaveLength(1);
      expect(assume[0]!.params).toMatchObject({
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/OpenFinOpsReadOnly`,
        ExternalId: 'ext-7f3a9c',
        RoleSessionName: 'openfinops-acme',
      });
      // The platform's own key calls STS; EC2 only ever sees the assumed session.
      expect(assume[0]!.accessKeyId).toBe(PLATFORM_ACCESS_KEY);
      const [session] = [...server.issuedSessions.entries()];
      const ec2 = server.requests.filter((r) => r.service === 'ec2');
      expect(ec2.length).toBe(4);
      for (const call of ec2) {
        expect(call.accessKeyId).toBe(session![0]);
        expect(call.sessionToken).toBe(session![1].sessionToken);
      }
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
      delete process.env.AWS_ENDPOINT_URL_EC2;
    }
  });

  it('reports a refused AssumeRole for every region and kind without calling EC2', async () => {
    const server = await startFake({ 'us-east-1': sampleRegion('us-east-1', ACCOUNT) }, 'the-right-id');
    const result = await collectInventory(
      input(server, {
        stsEndpoint: server.endpoint,
        kinds: ['ebs-volumes', 'nat-gateways'],
        credentials: { kind: 'assume-role', roleArn: `arn:aws:iam::${ACCOUNT}:role/OpenFinOpsReadOnly`, externalId: 'a-wrong-id' },
      }),
    );
    expect(server.requests.filter((r) => r.service === 'sts').map((r) => r.params.ExternalId)).toEqual(['a-wrong-id']);
    expect(result.errors.map((e) => [e.region, e.kind, e.error.code])).toEqual([
      ['us-east-1', 'ebs-volumes', 'AccessDenied'],
      ['us-east-1', 'nat-gateways', 'AccessDenied'],
    ]);
    expect(server.requests.filter((r) => r.service === 'ec2')).toHaveLength(0);
  });

  it('rejects bad input before any network call, naming the field', async () => {
    const server = await startFake({ 'us-east-1': {} });
    const bad: [Partial<CollectInventoryInput>, RegExp, new (...args: never[]) => Error][] = [
      [{ tenantId: '../other' }, /tenant id/, InvalidTenantIdError],
      [{ accountId: '12345' }, /accountId/, InvalidAwsConnectionError],
      [{ regions: ['us-east-1', 'mars-1'] }, /regions.*mars-1/, InvalidCollectionInputError],
      [{ regions: [] }, /regions/, InvalidCollectionInputError],
      [{ kinds: ['ec2-instances', 'rds' as InventoryKind] }, /rds/, Error],
      [{ pageSize: { 'ec2-instances': 2000 } }, /pageSize\.ec2-instances/, InvalidCollectionInputError],
      [
        { credentials: { kind: 'assume-role', roleArn: 'arn:aws:iam::210987654321:role/X', externalId: 'abc' } },
        /roleArn.*210987654321/,
        InvalidAwsConnectionError,
      ],
      [{ credentials: { kind: 'assume-role', roleArn: `arn:aws:iam::${ACCOUNT}:role/X`, externalId: '' } }, /externalId/, InvalidAwsConnectionError],
    ];
    for (const [overrides, message, type] of bad) {
      const attempt = collectInventory(input(server, overrides));
      await expect(attempt, JSON.stringify(overrides)).rejects.toThrow(message);
      await expect(attempt).rejects.toBeInstanceOf(type);
    }
    expect(server.requests).toHaveLength(0);
  });
});
