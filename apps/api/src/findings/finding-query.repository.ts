import { FINDING_SORT_KEYS } from '@openfinops/contracts';
import { parseTenantId } from '@openfinops/tenants';
import { Prisma, type FindingState, type FindingStatus, type PrismaClient } from '../generated/prisma/client.ts';
import { findingsChanged } from './findings-cache.ts';

/** Sort keys the API accepts (`-` = descending); anything else is a 400, never a column name from the caller. */
export const FINDING_SORTS = FINDING_SORT_KEYS;
export type FindingSort = (typeof FINDING_SORTS)[number];

const SORT_FIELDS = {
  savings: 'estimatedMonthlySavings',
  lastSeenAt: 'lastSeenAt',
  firstSeenAt: 'firstSeenAt',
  title: 'title',
} as const;

export interface FindingQuery {
  status?: FindingStatus;
  checkId?: string;
  category?: string;
  severity?: string;
  provider?: string;
  accountId?: string;
  region?: string;
  /** Exact resource id. */
  resourceId?: string;
  assignee?: string;
  /** Case-insensitive substring of title, resource id or check id. */
  text?: string;
  sort: FindingSort;
  limit: number;
  cursor?: string;
}

export type FindingFilter = Omit<FindingQuery, 'sort' | 'limit' | 'cursor'>;

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('Invalid cursor: pass the nextCursor of a previous page with the same sort');
    this.name = 'InvalidCursorError';
  }
}

interface CursorValue {
  s: FindingSort;
  v: string | null;
  f: string;
}

function encodeCursor(sort: FindingSort, row: FindingState): string {
  const field = SORT_FIELDS[sort.replace('-', '') as keyof typeof SORT_FIELDS];
  const raw = row[field];
  const v = raw === null ? null : raw instanceof Date ? raw.toISOString() : raw instanceof Prisma.Decimal ? raw.toFixed(6) : String(raw);
  return Buffer.from(JSON.stringify({ s: sort, v, f: row.fingerprint } satisfies CursorValue)).toString('base64url');
}

function decodeCursor(sort: FindingSort, cursor: string): CursorValue {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorValue>;
    if (parsed.s !== sort || typeof parsed.f !== 'string' || (parsed.v !== null && typeof parsed.v !== 'string')) throw new Error();
    return parsed as CursorValue;
  } catch {
    throw new InvalidCursorError();
  }
}

function typed(field: string, v: string): Date | Prisma.Decimal | string {
  if (field === 'estimatedMonthlySavings') return savingsOf(v);
  if (field === 'title') return v;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidCursorError();
  return d;
}

function savingsOf(v: string): Prisma.Decimal {
  try {
    return new Prisma.Decimal(v);
  } catch {
    throw new InvalidCursorError();
  }
}

/** Rows after the cursor in (field dir NULLS LAST, fingerprint asc) order: keyset pagination, stable under inserts. */
function afterCursor(field: string, desc: boolean, c: CursorValue): Prisma.FindingStateWhereInput {
  if (c.v === null) return { AND: [{ [field]: null }, { fingerprint: { gt: c.f } }] };
  const value = typed(field, c.v);
  return {
    OR: [
      { [field]: desc ? { lt: value } : { gt: value } },
      { AND: [{ [field]: value }, { fingerprint: { gt: c.f } }] },
      ...(field === 'estimatedMonthlySavings' ? [{ [field]: null }] : []),
    ],
  };
}

function orderFor(field: (typeof SORT_FIELDS)[keyof typeof SORT_FIELDS], desc: boolean): Prisma.FindingStateOrderByWithRelationInput {
  const sort = desc ? 'desc' : 'asc';
  // Only the nullable savings column takes a NULLS placement; unknown savings sort last either way.
  return field === 'estimatedMonthlySavings' ? { estimatedMonthlySavings: { sort, nulls: 'last' } } : { [field]: sort };
}

/** The findings list of the tenant API: filters, an allow-listed sort and cursor pagination over FindingState. */
export class FindingQueryRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async list(tenantId: string, q: FindingQuery): Promise<{ rows: FindingState[]; nextCursor: string | null }> {
    // Prisma's `contains` becomes LIKE without escaping, so `%` or `_` in the search text would be wildcards.
    const text = q.text?.replace(/[\\%_]/g, (c) => `\\${c}`);
    const desc = q.sort.startsWith('-');
    const field = SORT_FIELDS[q.sort.replace('-', '') as keyof typeof SORT_FIELDS];
    const where: Prisma.FindingStateWhereInput = {
      tenantId: parseTenantId(tenantId),
      ...(q.status ? { status: q.status } : {}),
      ...(q.checkId ? { checkId: q.checkId } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.provider ? { provider: q.provider } : {}),
      ...(q.accountId ? { accountId: q.accountId } : {}),
      ...(q.region ? { region: q.region } : {}),
      ...(q.resourceId ? { resourceId: q.resourceId } : {}),
      ...(q.assignee ? { assignee: q.assignee } : {}),
      ...(text
        ? {
            OR: [
              { title: { contains: text, mode: 'insensitive' } },
              { resourceId: { contains: text, mode: 'insensitive' } },
              { checkId: { contains: text, mode: 'insensitive' } },
            ],
          }
        : {}),
    };
    const rows =
      q.sort === '-savings'
        ? await this.bySavingsDesc(where, q)
        : await this.prisma.findingState.findMany({
            where: q.cursor ? { AND: [where, afterCursor(field, desc, decodeCursor(q.sort, q.cursor))] } : where,
            orderBy: [orderFor(field, desc), { fingerprint: 'asc' }],
            take: q.limit + 1,
          });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: rows.length > q.limit && last ? encodeCursor(q.sort, last) : null };
  }

  /**
   * The default sort, `savings DESC NULLS LAST, fingerprint`, in two index-friendly reads: findings with an estimate
   * straight off the (tenantId, savings DESC, fingerprint) index, then, when the page is not full, those without one
   * in fingerprint order. Same rows, order and cursors as the single ORDER BY, without sorting every finding of the
   * tenant on each page (a DESC NULLS LAST order cannot use that index).
   */
  private async bySavingsDesc(where: Prisma.FindingStateWhereInput, q: FindingQuery): Promise<FindingState[]> {
    const c = q.cursor ? decodeCursor(q.sort, q.cursor) : undefined;
    const take = q.limit + 1;
    let rows: FindingState[] = [];
    if (!c || c.v !== null) {
      const value = c && c.v !== null ? savingsOf(c.v) : undefined;
      const after: Prisma.FindingStateWhereInput =
        c && value !== undefined ? { OR: [{ estimatedMonthlySavings: { lt: value } }, { estimatedMonthlySavings: value, fingerprint: { gt: c.f } }] } : {};
      rows = await this.prisma.findingState.findMany({
        where: { AND: [where, { estimatedMonthlySavings: { not: null } }, after] },
        orderBy: [{ estimatedMonthlySavings: 'desc' }, { fingerprint: 'asc' }],
        take,
      });
    }
    if (rows.length < take) {
      const after: Prisma.FindingStateWhereInput = c && c.v === null ? { fingerprint: { gt: c.f } } : {};
      const unknown = await this.prisma.findingState.findMany({
        where: { AND: [where, { estimatedMonthlySavings: null }, after] },
        orderBy: [{ fingerprint: 'asc' }],
        take: take - rows.length,
      });
      rows = rows.concat(unknown);
    }
    return rows;
  }

  /** Ends a suppression early; returns false when the finding is missing or not suppressed. */
  async reopenSuppressed(tenantId: string, fingerprint: string): Promise<boolean> {
    const { count } = await this.prisma.findingState.updateMany({
      where: { tenantId: parseTenantId(tenantId), fingerprint, status: 'suppressed' },
      data: { status: 'open', suppressedUntil: null, suppressedBy: null, suppressedReason: null },
    });
    findingsChanged();
    return count > 0;
  }

  /** Sets or clears the assignee; returns false when the finding does not exist in this tenant. */
  async assign(tenantId: string, fingerprint: string, assignee: string | null, at: Date): Promise<boolean> {
    const { count } = await this.prisma.findingState.updateMany({
      where: { tenantId: parseTenantId(tenantId), fingerprint },
      data: { assignee, assignedAt: assignee === null ? null : at },
    });
    findingsChanged();
    return count > 0;
  }

  /** One finding's current state, or null when it is not in this tenant. */
  get(tenantId: string, fingerprint: string): Promise<FindingState | null> {
    return this.prisma.findingState.findUnique({ where: { tenantId_fingerprint: { tenantId: parseTenantId(tenantId), fingerprint } } });
  }
}
