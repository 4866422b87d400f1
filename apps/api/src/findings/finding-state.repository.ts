import { Prisma, type FindingState, type PrismaClient } from '../generated/prisma/client.ts';
import { parseTenantId } from '@openfinops/tenants';
import { findingFields } from './finding-view.ts';
import { findingsChanged } from './findings-cache.ts';
import {
  type FindingStatus,
  type LifecycleChange,
  type LifecyclePlan,
  type LifecycleScope,
  type LifecycleState,
  planLifecycle,
} from './finding-lifecycle.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** What a run knows about one finding it saw; refreshed onto the state row on every sighting. */
export interface FindingSighting {
  fingerprint: string;
  checkId: string;
  provider: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  /** Decimal string (DECIMAL(18,6)), never a float. */
  estimatedMonthlySavings: string;
  currency: string;
  savingsBasis: string;
  exclusionGroup: string | null;
  category: string;
  severity: string;
  title: string;
}

export interface ApplyRunInput {
  scope: LifecycleScope;
  runId: string;
  now: Date;
  sightings: readonly FindingSighting[];
  /**
   * Called inside the same transaction after the states are written (e.g. to mark the run succeeded),
   * so the lifecycle and the run's outcome commit or roll back together.
   */
  onApplied?: (tx: Prisma.TransactionClient, plan: LifecyclePlan) => Promise<void>;
}

/** A finding's current state as the CLI, API and portal show it: money as a decimal string with its currency. */
export interface FindingStateView {
  tenantId: string;
  fingerprint: string;
  checkId: string;
  provider: string;
  accountId: string;
  region: string | null;
  resourceType: string;
  resourceId: string;
  status: FindingStatus;
  title: string;
  category: string;
  severity: string;
  estimatedMonthlySavings: string | null;
  currency: string | null;
  savingsBasis: string | null;
  exclusionGroup: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  reopenCount: number;
  suppressedUntil: Date | null;
  suppressedBy: string | null;
  suppressedReason: string | null;
  lastRunId: string;
}

export interface ListFindingStatesFilter {
  status?: FindingStatus;
  checkId?: string;
  accountId?: string;
  limit?: number;
}

export class FindingStateNotFoundError extends Error {
  readonly code = 'FINDING_NOT_FOUND';
  constructor(readonly tenantId: string, readonly fingerprint: string) {
    super(`No finding ${fingerprint} in tenant ${tenantId}`);
    this.name = 'FindingStateNotFoundError';
  }
}

// Keeps each IN list well under PostgreSQL's bind-parameter limit.
const CHUNK = 1000;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function toView(row: FindingState): FindingStateView {
  return Object.assign(findingFields(row, (d) => d), {
    tenantId: row.tenantId,
    savingsBasis: row.savingsBasis,
    reopenCount: row.reopenCount,
    lastRunId: row.lastRunId,
  });
}

function details(s: FindingSighting) {
  return {
    estimatedMonthlySavings: new Prisma.Decimal(s.estimatedMonthlySavings),
    currency: s.currency,
    savingsBasis: s.savingsBasis,
    exclusionGroup: s.exclusionGroup,
    category: s.category,
    severity: s.severity,
    title: s.title,
  };
}

export class FindingStateRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** States a run's lifecycle plan needs: the seen fingerprints plus every state in the run's scope. */
  private async loadForPlan(tx: Db, tenantId: string, scope: LifecycleScope, fingerprints: readonly string[]): Promise<LifecycleState[]> {
    const select = { fingerprint: true, accountId: true, checkId: true, status: true, reopenCount: true, suppressedUntil: true } as const;
    const byFp = new Map<string, LifecycleState>();
    const inScope = await tx.findingState.findMany({
      where: { tenantId, accountId: scope.accountId, checkId: scope.checkId, status: { in: ['open', 'suppressed'] } },
      select,
    });
    for (const row of inScope) byFp.set(row.fingerprint, row);
    for (const part of chunks(fingerprints)) {
      const rows = await tx.findingState.findMany({ where: { tenantId, fingerprint: { in: part } }, select });
      for (const row of rows) byFp.set(row.fingerprint, row);
    }
    return [...byFp.values()];
  }

  /**
   * Applies one completed run's sightings to FindingState in a single transaction and returns the plan.
   * Every row written carries the scope's tenant id; nothing outside the tenant is read or changed.
   */
  async applyRun(input: ApplyRunInput): Promise<LifecyclePlan> {
    const tenantId = parseTenantId(input.scope.tenantId);
    const { scope, runId, now } = input;
    const sightings = new Map(input.sightings.map((s) => [s.fingerprint, s] as const));
    for (const s of sightings.values()) {
      if (s.accountId !== scope.accountId || s.checkId !== scope.checkId) {
        throw new Error(`Sighting ${s.fingerprint} (${s.checkId}, account ${s.accountId}) is outside the run scope ${scope.checkId}, account ${scope.accountId}`);
      }
    }

    const plan = await this.prisma.$transaction(
      async (tx) => {
        // Runs of the same tenant + account + check apply one after the other, so a concurrent run cannot resolve
        // what this one just saw or insert the same fingerprint twice. Released at commit or rollback.
        const lockKey = JSON.stringify([tenantId, scope.accountId, scope.checkId]);
        await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))) AS l`;
        const existing = await this.loadForPlan(tx, tenantId, scope, [...sightings.keys()]);
        const plan = planLifecycle(existing, sightings.keys(), scope, now);
        await this.applyChanges(tx, tenantId, runId, now, plan.changes, sightings);
        if (input.onApplied) await input.onApplied(tx, plan);
        return plan;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    findingsChanged();
    return plan;
  }

  private async applyChanges(
    tx: Prisma.TransactionClient,
    tenantId: string,
    runId: string,
    now: Date,
    changes: readonly LifecycleChange[],
    sightings: ReadonlyMap<string, FindingSighting>,
  ): Promise<void> {
    const seen = (fp: string): FindingSighting => {
      const s = sightings.get(fp);
      if (!s) throw new Error(`Lifecycle plan refers to ${fp}, which this run did not see`);
      return s;
    };
    const creates = changes.filter((c) => c.kind === 'create');
    for (const part of chunks(creates)) {
      await tx.findingState.createMany({
        data: part.map((c) => {
          const s = seen(c.fingerprint);
          return {
            tenantId,
            fingerprint: s.fingerprint,
            checkId: s.checkId,
            provider: s.provider,
            accountId: s.accountId,
            region: s.region,
            resourceType: s.resourceType,
            resourceId: s.resourceId,
            status: 'open' as const,
            firstSeenAt: now,
            lastSeenAt: now,
            lastRunId: runId,
            ...details(s),
          };
        }),
      });
    }

    const resolves = changes.filter((c) => c.kind === 'resolve').map((c) => c.fingerprint);
    for (const part of chunks(resolves)) {
      await tx.findingState.updateMany({
        where: { tenantId, fingerprint: { in: part } },
        data: { status: 'resolved', resolvedAt: now, suppressedUntil: null, suppressedBy: null, suppressedReason: null },
      });
    }

    for (const change of changes) {
      if (change.kind === 'create' || change.kind === 'resolve') continue;
      const s = seen(change.fingerprint);
      const common = { lastSeenAt: now, lastRunId: runId, ...details(s) };
      const where = { tenantId_fingerprint: { tenantId, fingerprint: change.fingerprint } };
      switch (change.kind) {
        case 'refresh':
        case 'keep-suppressed':
          await tx.findingState.update({ where, data: common });
          break;
        case 'reopen':
          await tx.findingState.update({ where, data: { ...common, status: 'open', resolvedAt: null, reopenCount: change.reopenCount } });
          break;
        case 'unsuppress':
          await tx.findingState.update({
            where,
            data: { ...common, status: 'open', suppressedUntil: null, suppressedBy: null, suppressedReason: null },
          });
          break;
      }
    }
  }

  async list(tenantId: string, filter: ListFindingStatesFilter = {}): Promise<FindingStateView[]> {
    const rows = await this.prisma.findingState.findMany({
      where: {
        tenantId: parseTenantId(tenantId),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.checkId ? { checkId: filter.checkId } : {}),
        ...(filter.accountId ? { accountId: filter.accountId } : {}),
      },
      orderBy: [{ estimatedMonthlySavings: { sort: 'desc', nulls: 'last' } }, { fingerprint: 'asc' }],
      ...(filter.limit ? { take: filter.limit } : {}),
    });
    return rows.map(toView);
  }

  async get(tenantId: string, fingerprint: string): Promise<FindingStateView | null> {
    const row = await this.prisma.findingState.findUnique({
      where: { tenantId_fingerprint: { tenantId: parseTenantId(tenantId), fingerprint } },
    });
    return row ? toView(row) : null;
  }

  /** Suppresses a finding (until a date, or indefinitely with `until` null); later runs keep it suppressed. */
  async suppress(
    tenantId: string,
    fingerprint: string,
    opts: { until: Date | null; by: string; reason: string },
  ): Promise<FindingStateView> {
    const id = parseTenantId(tenantId);
    const result = await this.prisma.findingState.updateMany({
      where: { tenantId: id, fingerprint },
      data: { status: 'suppressed', suppressedUntil: opts.until, suppressedBy: opts.by, suppressedReason: opts.reason, resolvedAt: null },
    });
    findingsChanged();
    if (result.count === 0) throw new FindingStateNotFoundError(id, fingerprint);
    const view = await this.get(id, fingerprint);
    if (!view) throw new FindingStateNotFoundError(id, fingerprint);
    return view;
  }
}
