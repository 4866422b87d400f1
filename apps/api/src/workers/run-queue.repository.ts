import { parseTenantId } from '@openfinops/tenants';
import { Prisma, type JobKind, type PrismaClient, type Run } from '../generated/prisma/client.ts';
import {
  type CreateRunInput,
  InvalidRunInputError,
  RUN_KINDS,
  RunNotFoundError,
  RunRepository,
  RunStateError,
} from '../runs/run.repository.ts';

/** What a transaction client offers; repositories built on it take part in the caller's transaction. */
type Tx = Prisma.TransactionClient;

export type EnqueueInput = Omit<CreateRunInput, 'status'>;

export interface EnqueueResult {
  run: Run;
  /** False when a queued run of the same tenant, kind, account and check already existed and is returned instead. */
  created: boolean;
}

export interface ClaimedRun {
  run: Run;
  /** Set when the run was taken over from a worker whose lease expired. */
  previousOwner: string | null;
}

export type HeartbeatResult = 'ok' | 'cancel' | 'lost';

export interface FailOutcome {
  /** `cancelled` when a cancel was asked before the failure: the run is not retried and ends as cancelled. */
  status: 'queued' | 'failed' | 'cancelled';
  attempts: number;
  maxAttempts: number;
  /** When a re-queued run becomes claimable again. */
  availableAt: Date;
}

export type CancelOutcome = 'cancelled' | 'requested';

export interface ReapedRun {
  tenantId: string;
  runId: string;
  status: 'failed' | 'cancelled';
  leaseOwner: string;
}

/** The worker no longer holds the run: its lease expired and another worker took it, or the run was finished. */
export class LeaseLostError extends Error {
  readonly code = 'RUN_LEASE_LOST';
  constructor(readonly tenantId: string, readonly runId: string, readonly owner: string) {
    super(`Worker ${owner} no longer holds the lease on run ${runId} of tenant ${JSON.stringify(tenantId)}`);
    this.name = 'LeaseLostError';
  }
}

// Arbitrary, fixed key of the transaction-level advisory lock that serialises claims (see claim()).
const CLAIM_LOCK_KEY = 7_246_315_001n;

/** The database clock, in UTC like every Prisma DateTime column: leases must not depend on each worker's clock. */
const NOW = Prisma.sql`(statement_timestamp() AT TIME ZONE 'UTC')`;

function millis(ms: number): Prisma.Sql {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`expected a whole number of milliseconds >= 0, got ${String(ms)}`);
  return Prisma.sql`(${ms}::int * interval '1 millisecond')`;
}

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/**
 * The run queue: enqueue with dedupe, claims with leases, heartbeats and every transition a worker makes.
 * Queued runs live in the Run table itself. Every transition of a claimed run is guarded by the lease owner, so a
 * worker that lost its lease (it stalled, the lease expired and another worker took the run) cannot finish it.
 *
 * claim() and reapExpired() serve every tenant (a worker takes whichever run is next); all other methods are
 * scoped by tenant id first, like every repository.
 */
export class RunQueueRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Queues a run unless the same work is already waiting: a queued run of the same tenant, kind, account and check
   * is returned instead. A per-(tenant, kind) advisory lock makes the check-then-insert atomic across processes.
   */
  async enqueue(tenantId: string, input: EnqueueInput): Promise<EnqueueResult> {
    return this.prisma.$transaction((tx) => RunQueueRepository.enqueueIn(tx, tenantId, input), TX_OPTIONS);
  }

  /** enqueue() inside the caller's transaction (schedule slots, the check that follows an import). */
  static async enqueueIn(tx: Tx, tenantId: string, input: EnqueueInput): Promise<EnqueueResult> {
    const tenant = parseTenantId(tenantId);
    if (input.cloudAccountId) await RunQueueRepository.assertAccountOf(tx, tenant, input.cloudAccountId);
    const lockName = `finops:enqueue:${tenant}:${input.kind}`;
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${lockName})::bigint)`;
    const existing = await tx.run.findFirst({
      where: {
        tenantId: tenant,
        kind: input.kind,
        status: 'queued',
        cloudAccountId: input.cloudAccountId ?? null,
        checkId: input.checkId ?? null,
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    if (existing) return { run: existing, created: false };
    // RunRepository only uses model delegates, which a transaction client has.
    const run = await new RunRepository(tx as unknown as PrismaClient).create(tenant, { ...input, status: 'queued' });
    return { run, created: true };
  }

  /** The foreign key alone would accept another tenant's account. */
  static async assertAccountOf(tx: Tx | PrismaClient, tenantId: string, cloudAccountId: string): Promise<void> {
    const account = await tx.cloudAccount.findFirst({ where: { id: cloudAccountId, tenantId }, select: { id: true } });
    if (!account) {
      throw new InvalidRunInputError('cloudAccountId', `tenant ${JSON.stringify(tenantId)} has no cloud account ${JSON.stringify(cloudAccountId)}`);
    }
  }

  /**
   * Takes the next claimable run of one of `kinds` for `owner`, or returns null.
   * Claimable: queued and due, or running under a lease that expired (its worker died; taking it over counts an
   * attempt). Never a run whose tenant already has a live run of the same kind.
   *
   * `FOR UPDATE SKIP LOCKED` lets claimers pass over rows another session holds (a run being finished or
   * heartbeated) instead of queueing behind them. The "one live run per tenant and kind" rule reads other rows,
   * which row locks cannot protect, so claims take a short transaction-level advisory lock first: two claims
   * never interleave, and each sees every claim committed before it.
   */
  async claim(owner: string, kinds: readonly JobKind[], leaseMs: number): Promise<ClaimedRun | null> {
    if (kinds.length === 0) return null;
    for (const kind of kinds) if (!RUN_KINDS.includes(kind)) throw new Error(`Unknown job kind ${JSON.stringify(kind)}`);
    const claimed = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CLAIM_LOCK_KEY}::bigint)`;
      const rows = await tx.$queryRaw<Array<{ id: string; previousOwner: string | null }>>`
        WITH candidate AS (
          SELECT r."id", r."leaseOwner" AS "previousOwner"
            FROM "Run" r
           WHERE r."kind"::text IN (${Prisma.join(kinds)})
             AND (
                   (r."status" = 'queued' AND r."availableAt" <= ${NOW})
                OR (r."status" = 'running' AND r."leaseOwner" IS NOT NULL AND r."leaseExpiresAt" < ${NOW}
                    AND r."attempts" < r."maxAttempts" AND r."cancelAskedAt" IS NULL)
                 )
             AND NOT EXISTS (
                   SELECT 1 FROM "Run" o
                    WHERE o."tenantId" = r."tenantId" AND o."kind" = r."kind" AND o."id" <> r."id"
                      AND o."status" = 'running' AND o."leaseOwner" IS NOT NULL AND o."leaseExpiresAt" >= ${NOW}
                 )
           ORDER BY r."availableAt", r."id"
           LIMIT 1
           FOR UPDATE OF r SKIP LOCKED
        )
        UPDATE "Run" AS r
           SET "status" = 'running',
               "leaseOwner" = ${owner},
               "leaseExpiresAt" = ${NOW} + ${millis(leaseMs)},
               "heartbeatAt" = ${NOW},
               "attempts" = r."attempts" + 1,
               "startedAt" = COALESCE(r."startedAt", ${NOW}),
               "finishedAt" = NULL
          FROM candidate c
         WHERE r."id" = c."id"
     RETURNING r."id", c."previousOwner"`;
      return rows[0];
    }, TX_OPTIONS);
    if (!claimed) return null;
    const run = await this.prisma.run.findUnique({ where: { id: claimed.id } });
    if (!run) throw new Error(`Claimed run ${claimed.id} vanished (its tenant was deleted?)`);
    return { run, previousOwner: claimed.previousOwner };
  }

  /**
   * Ends runs whose worker died and that may not be taken over: out of attempts (failed) or cancelled while running.
   * Each gets a log line saying why.
   */
  async reapExpired(): Promise<ReapedRun[]> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string; tenantId: string; status: 'failed' | 'cancelled'; previousOwner: string }>>`
        WITH expired AS (
          SELECT "id", "leaseOwner" FROM "Run"
           WHERE "status" = 'running' AND "leaseOwner" IS NOT NULL AND "leaseExpiresAt" < ${NOW}
             AND ("cancelAskedAt" IS NOT NULL OR "attempts" >= "maxAttempts")
           FOR UPDATE SKIP LOCKED
        )
        UPDATE "Run" AS r
           SET "status" = CASE WHEN r."cancelAskedAt" IS NOT NULL THEN 'cancelled'::"RunStatus" ELSE 'failed'::"RunStatus" END,
               "error" = CASE WHEN r."cancelAskedAt" IS NOT NULL THEN r."error"
                              ELSE 'worker ' || e."leaseOwner" || ' stopped heartbeating (lease expired) on attempt ' || r."attempts" || ' of ' || r."maxAttempts" END,
               "finishedAt" = ${NOW},
               "leaseOwner" = NULL,
               "leaseExpiresAt" = NULL
          FROM expired e
         WHERE r."id" = e."id"
     RETURNING r."id", r."tenantId", r."status"::text AS "status", e."leaseOwner" AS "previousOwner"`;
      if (rows.length > 0) {
        await tx.runLog.createMany({
          data: rows.map((r) => ({
            tenantId: r.tenantId,
            runId: r.id,
            level: r.status === 'failed' ? 'error' : 'warn',
            message:
              r.status === 'failed'
                ? `worker ${r.previousOwner} stopped heartbeating and no attempts are left: run failed`
                : `worker ${r.previousOwner} stopped heartbeating after cancellation was asked: run cancelled`,
            fields: { leaseOwner: r.previousOwner },
          })),
        });
      }
      return rows.map((r) => ({ tenantId: r.tenantId, runId: r.id, status: r.status, leaseOwner: r.previousOwner }));
    }, TX_OPTIONS);
  }

  /** Extends the lease. `cancel` when a cancel was asked for the run, `lost` when this worker no longer holds it. */
  async heartbeat(tenantId: string, runId: string, owner: string, leaseMs: number): Promise<HeartbeatResult> {
    const tenant = parseTenantId(tenantId);
    const rows = await this.prisma.$queryRaw<Array<{ cancelAskedAt: Date | null }>>`
      UPDATE "Run"
         SET "heartbeatAt" = ${NOW}, "leaseExpiresAt" = ${NOW} + ${millis(leaseMs)}
       WHERE "id" = ${runId} AND "tenantId" = ${tenant} AND "status" = 'running' AND "leaseOwner" = ${owner}
   RETURNING "cancelAskedAt"`;
    if (rows.length === 0) return 'lost';
    return rows[0]!.cancelAskedAt ? 'cancel' : 'ok';
  }

  /**
   * Marks the run succeeded. With `followUp`, queues that run in the same transaction (the check after an import),
   * so a crash cannot lose it. Throws LeaseLostError when `owner` no longer holds the run.
   */
  async complete(
    tenantId: string,
    runId: string,
    owner: string,
    stats: Prisma.InputJsonValue,
    followUp?: EnqueueInput,
  ): Promise<{ run: Run; followUp: EnqueueResult | null }> {
    const tenant = parseTenantId(tenantId);
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({
        where: { id: runId, tenantId: tenant, status: 'running', leaseOwner: owner },
        data: { status: 'succeeded', stats, error: null, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
      });
      if (count === 0) throw new LeaseLostError(tenant, runId, owner);
      const next = followUp ? await RunQueueRepository.enqueueIn(tx, tenant, followUp) : null;
      const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });
      return { run, followUp: next };
    }, TX_OPTIONS);
  }

  /**
   * Records a failed attempt. A retryable failure with attempts left goes back to the queue, claimable after
   * `retryInMs`; anything else fails the run. A run whose cancel was asked is not retried and ends cancelled.
   */
  async fail(
    tenantId: string,
    runId: string,
    owner: string,
    error: string,
    options: { retryable: boolean; retryInMs: number; stats?: Prisma.InputJsonValue },
  ): Promise<FailOutcome> {
    const tenant = parseTenantId(tenantId);
    const stats = JSON.stringify(options.stats ?? {});
    const rows = await this.prisma.$queryRaw<Array<{ status: FailOutcome['status']; attempts: number; maxAttempts: number; availableAt: Date }>>`
      WITH decision AS (
        SELECT "id", (${options.retryable}::boolean AND "attempts" < "maxAttempts" AND "cancelAskedAt" IS NULL) AS "retry"
          FROM "Run"
         WHERE "id" = ${runId} AND "tenantId" = ${tenant} AND "status" = 'running' AND "leaseOwner" = ${owner}
      )
      UPDATE "Run" AS r
         SET "status" = CASE WHEN d."retry" THEN 'queued'::"RunStatus"
                             WHEN r."cancelAskedAt" IS NOT NULL THEN 'cancelled'::"RunStatus"
                             ELSE 'failed'::"RunStatus" END,
             "availableAt" = CASE WHEN d."retry" THEN ${NOW} + ${millis(options.retryInMs)} ELSE r."availableAt" END,
             "finishedAt" = CASE WHEN d."retry" THEN NULL ELSE ${NOW} END,
             "error" = ${error},
             "stats" = ${stats}::jsonb,
             "leaseOwner" = NULL,
             "leaseExpiresAt" = NULL
        FROM decision d
       WHERE r."id" = d."id" AND r."status" = 'running' AND r."leaseOwner" = ${owner}
   RETURNING r."status"::text AS "status", r."attempts", r."maxAttempts", r."availableAt"`;
    if (rows.length === 0) throw new LeaseLostError(tenant, runId, owner);
    return rows[0]!;
  }

  /** The handler stopped because a cancel was asked. */
  async markCancelled(tenantId: string, runId: string, owner: string, stats: Prisma.InputJsonValue = {}): Promise<void> {
    const tenant = parseTenantId(tenantId);
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, tenantId: tenant, status: 'running', leaseOwner: owner },
      data: { status: 'cancelled', stats, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
    if (count === 0) throw new LeaseLostError(tenant, runId, owner);
  }

  /**
   * Gives a run back unfinished (the worker is shutting down): queued again at once, and the attempt is not
   * counted, since the run did not fail. A run whose cancel was asked becomes cancelled instead.
   */
  async release(tenantId: string, runId: string, owner: string): Promise<'queued' | 'cancelled'> {
    const tenant = parseTenantId(tenantId);
    const rows = await this.prisma.$queryRaw<Array<{ status: 'queued' | 'cancelled' }>>`
      UPDATE "Run"
         SET "status" = CASE WHEN "cancelAskedAt" IS NOT NULL THEN 'cancelled'::"RunStatus" ELSE 'queued'::"RunStatus" END,
             "attempts" = CASE WHEN "cancelAskedAt" IS NOT NULL THEN "attempts" ELSE GREATEST("attempts" - 1, 0) END,
             "availableAt" = ${NOW},
             "finishedAt" = CASE WHEN "cancelAskedAt" IS NOT NULL THEN ${NOW} ELSE NULL END,
             "leaseOwner" = NULL,
             "leaseExpiresAt" = NULL
       WHERE "id" = ${runId} AND "tenantId" = ${tenant} AND "status" = 'running' AND "leaseOwner" = ${owner}
   RETURNING "status"::text AS "status"`;
    if (rows.length === 0) throw new LeaseLostError(tenant, runId, owner);
    return rows[0]!.status;
  }

  /**
   * Cancels a run: a queued run at once; a running run a worker holds is flagged, and the worker aborts its handler
   * at the next heartbeat. Asking twice is harmless. Finished runs and runs executed outside the queue (a CLI
   * command running in the foreground) cannot be cancelled.
   */
  async cancel(tenantId: string, runId: string): Promise<CancelOutcome> {
    const tenant = parseTenantId(tenantId);
    const now = new Date();
    const queued = await this.prisma.run.updateMany({
      where: { id: runId, tenantId: tenant, status: 'queued' },
      data: { status: 'cancelled', cancelAskedAt: now, finishedAt: now },
    });
    if (queued.count === 1) return 'cancelled';
    const running = await this.prisma.run.updateMany({
      where: { id: runId, tenantId: tenant, status: 'running', leaseOwner: { not: null }, cancelAskedAt: null },
      data: { cancelAskedAt: now },
    });
    if (running.count === 1) return 'requested';
    const run = await this.prisma.run.findFirst({ where: { id: runId, tenantId: tenant } });
    if (!run) throw new RunNotFoundError(tenant, runId);
    if (run.status === 'running' && run.leaseOwner !== null && run.cancelAskedAt !== null) return 'requested';
    if (run.status === 'running') {
      throw new RunCancelError(tenant, runId, 'it is running in the foreground of a CLI command, not on a worker: stop that command instead');
    }
    throw new RunStateError(tenant, runId, run.status, 'cancelled');
  }
}

export class RunCancelError extends Error {
  readonly code = 'RUN_NOT_CANCELLABLE';
  constructor(readonly tenantId: string, readonly runId: string, reason: string) {
    super(`Run ${runId} of tenant ${JSON.stringify(tenantId)} cannot be cancelled: ${reason}`);
    this.name = 'RunCancelError';
  }
}
