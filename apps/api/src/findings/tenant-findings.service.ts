import type { FindingDetailResponse, FindingsListQuery, FindingsListResponse, FindingView, PatchFindingBody } from '@openfinops/contracts';
import { parseTenantId } from '@openfinops/tenants';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import type { TtlCache } from '../common/ttl-cache.ts';
import type { FindingFilter, FindingQuery, FindingQueryRepository } from './finding-query.repository.ts';
import { FindingStateNotFoundError, type FindingStateRepository } from './finding-state.repository.ts';
import { findingView } from './finding-view.ts';
import { findingsCache } from './findings-cache.ts';
import type { FindingsLakeRepository } from './findings-lake.repository.ts';

/** A request that is well-formed but not allowed in the finding's current state (400 with the reason). */
export class FindingActionError extends Error {
  readonly code = 'INVALID_FINDING_ACTION';
  constructor(message: string) {
    super(message);
    this.name = 'FindingActionError';
  }
}

/** Fingerprints written by the checkers (sha256 hex); only these can have history in the findings lake. */
const LAKE_FINGERPRINT = /^[0-9a-f]{64}$/;

/** Maps the API's query names to the repository's filter. */
export function findingFilter(q: Omit<FindingsListQuery, 'limit' | 'cursor' | 'sort'>): FindingFilter {
  return {
    ...(q.status ? { status: q.status } : {}),
    ...(q.check ? { checkId: q.check } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.provider ? { provider: q.provider } : {}),
    ...(q.account ? { accountId: q.account } : {}),
    ...(q.region ? { region: q.region } : {}),
    ...(q.resource ? { resourceId: q.resource } : {}),
    ...(q.assignee ? { assignee: q.assignee } : {}),
    ...(q.text ? { text: q.text } : {}),
  };
}

/** The tenant findings API: list, detail with observation history, and triage (suppress, reopen, assign). */
export class TenantFindingsService {
  constructor(
    private readonly query: FindingQueryRepository,
    private readonly states: FindingStateRepository,
    private readonly lake: FindingsLakeRepository,
    private readonly audit: AuditLogRepository,
    private readonly now: () => Date = () => new Date(),
    private readonly pages: TtlCache = findingsCache(0),
  ) {}

  list(tenantId: string, q: FindingsListQuery): Promise<FindingsListResponse> {
    const id = parseTenantId(tenantId);
    const query: FindingQuery = { ...findingFilter(q), sort: q.sort, limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) };
    // The key is the tenant and the whole validated query (filters, sort, limit, cursor): nothing else shapes a page.
    return this.pages.get(JSON.stringify([id, query]), async () => {
      const page = await this.query.list(id, query);
      return { findings: page.rows.map(findingView), nextCursor: page.nextCursor };
    });
  }

  async detail(tenantId: string, fingerprint: string, history: number): Promise<FindingDetailResponse> {
    const id = parseTenantId(tenantId);
    const state = await this.query.get(id, fingerprint);
    if (!state) throw new FindingStateNotFoundError(id, fingerprint);
    const observations = LAKE_FINGERPRINT.test(fingerprint) ? await this.lake.listObservations(id, { fingerprint, limit: history }) : [];
    return {
      ...findingView(state),
      savingsBasis: state.savingsBasis,
      reopenCount: state.reopenCount,
      lastRunId: state.lastRunId,
      recommendation: observations[0]?.recommendation ?? null,
      observations: observations.map((o) => ({
        runId: o.runId,
        runDate: o.runDate,
        observedAt: o.observedAt.toISOString(),
        checkVersion: o.checkVersion,
        title: o.title,
        recommendation: o.recommendation,
        estimatedMonthlySavings: o.estimatedMonthlySavings,
        currency: o.currency,
        savingsBasis: o.savingsBasis,
        observedMonthlyCost: o.observedMonthlyCost,
        evidence: o.evidence,
      })),
    };
  }

  /** Applies one triage action and writes its audit entry; the response is the finding's new state. */
  async update(tenantId: string, fingerprint: string, body: PatchFindingBody, actor: string): Promise<FindingView> {
    const id = parseTenantId(tenantId);
    const target = `finding:${fingerprint}`;
    if (body.action === 'suppress') {
      const until = body.until === undefined ? null : new Date(body.until);
      if (until && until.getTime() <= this.now().getTime()) throw new FindingActionError('Invalid body.until: must be in the future');
      await this.states.suppress(id, fingerprint, { until, by: actor, reason: body.reason });
      await this.audit.append({ tenantId: id, actor, action: 'finding.suppress', target, details: { reason: body.reason, until: until?.toISOString() ?? null } });
    } else if (body.action === 'reopen') {
      if (!(await this.query.reopenSuppressed(id, fingerprint))) {
        const current = await this.query.get(id, fingerprint);
        if (!current) throw new FindingStateNotFoundError(id, fingerprint);
        throw new FindingActionError(`Finding ${fingerprint} is ${current.status}, not suppressed: only suppressed findings can be reopened`);
      }
      await this.audit.append({ tenantId: id, actor, action: 'finding.reopen', target });
    } else {
      if (!(await this.query.assign(id, fingerprint, body.assignee, this.now()))) throw new FindingStateNotFoundError(id, fingerprint);
      await this.audit.append({ tenantId: id, actor, action: 'finding.assign', target, details: { assignee: body.assignee } });
    }
    const updated = await this.query.get(id, fingerprint);
    if (!updated) throw new FindingStateNotFoundError(id, fingerprint);
    return findingView(updated);
  }
}
