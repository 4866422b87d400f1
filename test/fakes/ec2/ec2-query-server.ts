import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address, Image, Instance, NatGateway, Snapshot, Volume } from '@aws-sdk/client-ec2';
import {
  ADDRESS,
  escapeXml,
  IMAGE,
  INSTANCE,
  NAT_GATEWAY,
  RESERVATION_FIELDS,
  SNAPSHOT,
  toXml,
  VOLUME,
  type WireSpec,
} from './ec2-wire-format.ts';

/**
 * A local EC2 (and STS AssumeRole) endpoint speaking the Query protocol the real SDK sends:
 * form-encoded POST bodies in, EC2 XML out. The region comes from the SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`), so one server serves every region.
 */
export type FakeInstance = Instance & { ReservationId: string; OwnerId: string; RequesterId?: string };

export interface FakeRegionData {
  instances?: FakeInstance[];
  volumes?: Volume[];
  addresses?: Address[];
  snapshots?: Snapshot[];
  images?: Image[];
  natGateways?: NatGateway[];
}

export interface FakeEc2Options {
  regions: Record<string, FakeRegionData>;
  /** The caller's account: what `Owner.1=self` means for snapshots and images. */
  selfAccountId?: string;
  /** When set, AssumeRole refuses any other ExternalId with AccessDenied, as a tenant's trust policy would. */
  expectedExternalId?: string;
}

export interface RecordedRequest {
  service: 'ec2' | 'sts';
  action: string;
  region: string;
  params: Record<string, string>;
  accessKeyId: string;
  sessionToken: string | undefined;
  status: number;
}

interface ActionDef {
  spec: WireSpec;
  setName: string;
  /** MaxResults bounds from the API reference; undefined when the action is not paginated. */
  page?: { min: number; max: number };
  allowed: RegExp;
  records: (data: FakeRegionData) => object[];
  ownerField?: 'OwnerId';
}

const COMMON = ['Action', 'Version', 'DryRun'];
const allowed = (...names: string[]) =>
  new RegExp(`^(${[...COMMON, ...names].map((n) => n.replace('.N', '\\.\\d+')).join('|')})$`);

const ACTIONS: Record<string, ActionDef> = {
  DescribeInstances: {
    spec: INSTANCE,
    setName: 'reservationSet',
    page: { min: 5, max: 1000 },
    allowed: allowed('MaxResults', 'NextToken', 'InstanceId.N'),
    records: (d) => d.instances ?? [],
  },
  DescribeVolumes: {
    spec: VOLUME,
    setName: 'volumeSet',
    page: { min: 5, max: 500 },
    allowed: allowed('MaxResults', 'NextToken', 'VolumeId.N'),
    records: (d) => d.volumes ?? [],
  },
  DescribeAddresses: {
    spec: ADDRESS,
    setName: 'addressesSet',
    allowed: allowed('PublicIp.N', 'AllocationId.N'),
    records: (d) => d.addresses ?? [],
  },
  DescribeSnapshots: {
    spec: SNAPSHOT,
    setName: 'snapshotSet',
    page: { min: 5, max: 1000 },
    allowed: allowed('MaxResults', 'NextToken', 'Owner.N', 'RestorableBy.N', 'SnapshotId.N'),
    records: (d) => d.snapshots ?? [],
    ownerField: 'OwnerId',
  },
  DescribeImages: {
    spec: IMAGE,
    setName: 'imagesSet',
    page: { min: 5, max: 1000 },
    allowed: allowed('MaxResults', 'NextToken', 'Owner.N', 'ExecutableBy.N', 'ImageId.N', 'IncludeDeprecated', 'IncludeDisabled'),
    records: (d) => d.images ?? [],
    ownerField: 'OwnerId',
  },
  DescribeNatGateways: {
    spec: NAT_GATEWAY,
    setName: 'natGatewaySet',
    page: { min: 5, max: 1000 },
    allowed: allowed('MaxResults', 'NextToken', 'NatGatewayId.N'),
    records: (d) => d.natGateways ?? [],
  },
};

class FakeError extends Error {
  constructor(readonly status: number, readonly errorCode: string, message: string) {
    super(message);
  }
}

export class Ec2QueryServer {
  readonly requests: RecordedRequest[] = [];
  /** Every request per action, answered or refused (throttled, unauthorized, failed). */
  readonly callsByAction: Record<string, number> = {};
  /** The next N EC2 calls (optionally only of these actions) answer 503 RequestLimitExceeded. */
  throttle: { remaining: number; actions?: string[] } = { remaining: 0 };
  /** Regions where every EC2 call answers 403 UnauthorizedOperation. */
  readonly unauthorizedRegions = new Set<string>();
  /** Regions where every EC2 call answers 500 InternalError. */
  readonly failingRegions = new Set<string>();
  readonly issuedSessions = new Map<string, { sessionToken: string; roleArn: string; externalId: string | undefined }>();
  /** EC2 actions whose held call (see hold) the client gave up on: the connection closed before an answer. */
  readonly abandoned: string[] = [];
  private held: { action: string; reached: (request: RecordedRequest) => void; released: Promise<void> } | undefined;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly options: FakeEc2Options,
  ) {}

  static async start(options: FakeEc2Options): Promise<Ec2QueryServer> {
    // The handler needs the instance, and the instance needs the listening server's port.
    const holder: { current?: Ec2QueryServer } = {};
    const server = createServer((req, res) => {
      holder.current!.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake EC2 bug: ${(err as Error).stack ?? String(err)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    holder.current = new Ec2QueryServer(server, `http://127.0.0.1:${port}`, options);
    return holder.current;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  /**
   * Holds the next EC2 call of `action` without answering until `release()` or until the client closes the
   * connection (an aborted SDK call), so a test can stop a run while that call is in flight. `reached` resolves
   * with the held request when it arrives.
   */
  hold(action: string): { reached: Promise<RecordedRequest>; release: () => void } {
    let reached!: (request: RecordedRequest) => void;
    let release!: () => void;
    const arrived = new Promise<RecordedRequest>((resolve) => (reached = resolve));
    this.held = { action, reached, released: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: arrived, release };
  }

  callsTo(action: string): number {
    return this.callsByAction[action] ?? 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params.Action ?? '';
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    const requestId = randomUUID();
    const record: RecordedRequest = {
      service: scope?.[3] === 'sts' ? 'sts' : 'ec2',
      action,
      region: scope?.[2] ?? '',
      params,
      accessKeyId: scope?.[1] ?? '',
      sessionToken: req.headers['x-amz-security-token'] as string | undefined,
      status: 200,
    };
    this.requests.push(record);
    this.callsByAction[action] = (this.callsByAction[action] ?? 0) + 1;

    const held = this.held;
    if (held && record.service === 'ec2' && held.action === action) {
      this.held = undefined;
      const closed = new Promise<boolean>((resolve) => res.once('close', () => resolve(true)));
      held.reached(record);
      if (await Promise.race([closed, held.released.then(() => false)])) {
        this.abandoned.push(action);
        return;
      }
    }

    let xml: string;
    try {
      if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        throw new FakeError(400, 'InvalidRequest', 'expected a form-encoded POST');
      }
      if (!scope) throw new FakeError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      xml = record.service === 'sts' ? this.sts(params, requestId) : this.ec2(record.region, action, params, requestId);
    } catch (err) {
      if (!(err instanceof FakeError)) throw err;
      record.status = err.status;
      const payload =
        record.service === 'sts'
          ? `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${err.errorCode}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${err.errorCode}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
      res.writeHead(err.status, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(payload);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(xml);
  }

  private ec2(region: string, action: string, params: Record<string, string>, requestId: string): string {
    if (params.Version !== '2016-11-15') throw new FakeError(400, 'InvalidParameterValue', `unsupported Version ${params.Version}`);
    const def = ACTIONS[action];
    if (!def) throw new FakeError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    const unknown = Object.keys(params).filter((p) => !def.allowed.test(p));
    if (unknown.length > 0) throw new FakeError(400, 'UnknownParameter', `The parameter ${unknown[0]} is not recognized`);

    const throttled = this.throttle.remaining > 0 && (!this.throttle.actions || this.throttle.actions.includes(action));
    if (throttled) {
      this.throttle.remaining -= 1;
      throw new FakeError(503, 'RequestLimitExceeded', 'Request limit exceeded.');
    }
    if (this.unauthorizedRegions.has(region)) {
      throw new FakeError(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
    }
    if (this.failingRegions.has(region)) {
      throw new FakeError(500, 'InternalError', 'An internal error has occurred.');
    }
    const data = this.options.regions[region];
    if (!data) throw new FakeError(401, 'AuthFailure', `region ${region} is not enabled for this account`);

    let records = def.records(data);
    const owners = Object.entries(params).filter(([k]) => /^Owner\.\d+$/.test(k)).map(([, v]) => v);
    if (def.ownerField && owners.length > 0) {
      const self = this.options.selfAccountId ?? '123456789012';
      const ownerIds = owners.map((o) => (o === 'self' ? self : o));
      records = records.filter((r) => ownerIds.includes((r as Record<string, string>)[def.ownerField!]!));
    }

    let start = 0;
    let end = records.length;
    if (def.page && params.MaxResults !== undefined) {
      const max = Number(params.MaxResults);
      if (!Number.isInteger(max) || max < def.page.min || max > def.page.max) {
        throw new FakeError(400, 'InvalidParameterValue', `Value (${params.MaxResults}) for parameter maxResults is invalid. Expecting a value between ${def.page.min} and ${def.page.max}.`);
      }
      start = params.NextToken === undefined ? 0 : decodeToken(params.NextToken, action, region);
      end = Math.min(records.length, start + max);
    } else if (params.NextToken !== undefined) {
      throw new FakeError(400, 'InvalidParameterCombination', 'NextToken requires MaxResults in this fake');
    }
    const page = records.slice(start, end);
    const nextToken = end < records.length ? `<nextToken>${encodeToken(action, region, end)}</nextToken>` : '';

    const body =
      action === 'DescribeInstances'
        ? reservationsXml(page as FakeInstance[])
        : page.map((r, i) => `<item>${toXml(r as Record<string, unknown>, def.spec, `${action}[${start + i}]`)}</item>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId><${def.setName}>${body}</${def.setName}>${nextToken}</${action}Response>`;
  }

  private sts(params: Record<string, string>, requestId: string): string {
    if (params.Action !== 'AssumeRole') throw new FakeError(400, 'InvalidAction', `unsupported STS action ${params.Action}`);
    if (params.Version !== '2011-06-15') throw new FakeError(400, 'InvalidParameterValue', `unsupported Version ${params.Version}`);
    const roleArn = params.RoleArn ?? '';
    const sessionName = params.RoleSessionName ?? '';
    if (!roleArn || !sessionName) throw new FakeError(400, 'ValidationError', 'RoleArn and RoleSessionName are required');
    const expected = this.options.expectedExternalId;
    if (expected !== undefined && params.ExternalId !== expected) {
      throw new FakeError(403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const accessKeyId = `ASIAFAKE${String(this.issuedSessions.size + 1).padStart(12, '0')}`;
    const sessionToken = `fake-session-${randomUUID()}`;
    this.issuedSessions.set(accessKeyId, { sessionToken, roleArn, externalId: params.ExternalId });
    const expiration = new Date(Date.now() + Number(params.DurationSeconds ?? 3600) * 1000).toISOString();
    return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><Arn>${escapeXml(roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'))}/${escapeXml(sessionName)}</Arn><AssumedRoleId>AROAFAKE:${escapeXml(sessionName)}</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }
}

/** Consecutive instances of one reservation share an item, as EC2 groups instances launched together. */
function reservationsXml(instances: FakeInstance[]): string {
  let out = '';
  let i = 0;
  while (i < instances.length) {
    const first = instances[i]!;
    let items = '';
    while (i < instances.length && instances[i]!.ReservationId === first.ReservationId) {
      items += `<item>${toXml(instances[i] as unknown as Record<string, unknown>, INSTANCE, `DescribeInstances[${i}]`, RESERVATION_FIELDS)}</item>`;
      i += 1;
    }
    const requester = first.RequesterId ? `<requesterId>${escapeXml(first.RequesterId)}</requesterId>` : '';
    out += `<item><reservationId>${escapeXml(first.ReservationId)}</reservationId><ownerId>${escapeXml(first.OwnerId)}</ownerId>${requester}<groupSet/><instancesSet>${items}</instancesSet></item>`;
  }
  return out;
}

function encodeToken(action: string, region: string, offset: number): string {
  return Buffer.from(JSON.stringify({ action, region, offset })).toString('base64url');
}

function decodeToken(token: string, action: string, region: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { action: string; region: string; offset: number };
    if (parsed.action === action && parsed.region === region && Number.isInteger(parsed.offset)) return parsed.offset;
  } catch {
    // falls through to the API's own error
  }
  throw new FakeError(400, 'InvalidNextToken', 'The token is invalid or expired.');
}
