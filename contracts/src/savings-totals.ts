import { FINDING_DECIMAL_SCALE, formatDecimal, toDecimal18_6 } from './decimal.ts';
import type { FindingRecord } from './finding-storage.schema.ts';

/** The fields of a finding that savings totals read (camelCase; a stored `FindingRecord` is accepted too). */
export interface SavingsFinding {
  fingerprint: string;
  estimatedMonthlySavings: string;
  currency: string;
  checkId: string;
  category: string;
  provider: string;
  accountId: string;
  exclusionGroup?: string | null;
  /** When findings of several tenants are totalled, exclusion groups never reach across tenants. */
  tenantId?: string;
}

export type SavingsGroupBy = 'check' | 'category' | 'provider' | 'account';

export interface SavingsGroupTotal {
  /** The check id, category, provider or account id. */
  key: string;
  /** DECIMAL(18,6) text with 6 fractional digits. */
  total: string;
  /** Findings whose savings are in this total. */
  counted: number;
}

export interface CurrencySavingsTotal {
  currency: string;
  total: string;
  counted: number;
  /** Findings left out because a larger alternative in their exclusion group was counted. */
  excluded: number;
  /** Per-group totals (only with `groupBy`); they add up to `total` exactly. */
  groups: SavingsGroupTotal[];
}

export interface SavingsTotals {
  groupBy: SavingsGroupBy | null;
  /** One entry per currency, sorted by currency code; amounts are never added across currencies. */
  byCurrency: CurrencySavingsTotal[];
  /** Fingerprints of the excluded findings, each with the fingerprint that won its group. */
  excluded: Array<{ fingerprint: string; exclusionGroup: string; countedInstead: string }>;
}

export class SavingsTotalsError extends Error {
  readonly code = 'SAVINGS_TOTALS_INVALID';
  constructor(readonly index: number, readonly field: string, reason: string) {
    super(`findings[${index}].${field}: ${reason}`);
    this.name = 'SavingsTotalsError';
  }
}

function normalise(f: SavingsFinding | FindingRecord): SavingsFinding {
  if ('estimated_monthly_savings' in f) {
    return {
      fingerprint: f.fingerprint,
      estimatedMonthlySavings: f.estimated_monthly_savings,
      currency: f.currency,
      checkId: f.check_id,
      category: f.category,
      provider: f.provider,
      accountId: f.account_id,
      exclusionGroup: f.exclusion_group,
      tenantId: f.tenant_id,
    };
  }
  return f;
}

const GROUP_FIELD: Record<SavingsGroupBy, keyof SavingsFinding> = {
  check: 'checkId',
  category: 'category',
  provider: 'provider',
  account: 'accountId',
};

interface Scaled {
  finding: SavingsFinding;
  amount: bigint;
}

/**
 * Potential monthly savings per currency (and per check, category, provider or account), exact in scaled bigints.
 *
 * Findings sharing an `exclusionGroup` are alternatives for one resource (e.g. Graviton vs. current-generation x86),
 * so only the largest one counts; ties go to the smallest fingerprint so the result never depends on input order.
 * The choice is made once over all findings (per tenant and currency), before grouping: a group's winner is counted
 * in its own check's/category's bucket and the losers in none. Choosing per bucket instead would count both
 * alternatives when they sit in different buckets, and the buckets would no longer add up to the tenant total.
 * Amounts in different currencies are never added; an exclusion group is resolved per currency for that reason.
 */
export function totalSavings(findings: ReadonlyArray<SavingsFinding | FindingRecord>, opts: { groupBy?: SavingsGroupBy } = {}): SavingsTotals {
  const scaled: Scaled[] = findings.map((raw, index) => {
    const finding = normalise(raw);
    if (typeof finding.fingerprint !== 'string' || finding.fingerprint === '') throw new SavingsTotalsError(index, 'fingerprint', 'must be a non-empty string');
    if (typeof finding.currency !== 'string' || !/^[A-Z]{3}$/.test(finding.currency)) {
      throw new SavingsTotalsError(index, 'currency', `${JSON.stringify(finding.currency)} is not an ISO 4217 code`);
    }
    let amount: bigint;
    try {
      amount = toDecimal18_6(finding.estimatedMonthlySavings, 'estimatedMonthlySavings');
    } catch (err) {
      throw new SavingsTotalsError(index, 'estimatedMonthlySavings', (err as Error).message);
    }
    if (amount < 0n) throw new SavingsTotalsError(index, 'estimatedMonthlySavings', 'savings are never negative');
    return { finding, amount };
  });

  const winners = new Map<string, Scaled>();
  for (const s of scaled) {
    const group = s.finding.exclusionGroup;
    if (group === undefined || group === null || group === '') continue;
    const key = JSON.stringify([s.finding.tenantId ?? '', s.finding.currency, group]);
    const best = winners.get(key);
    if (!best || s.amount > best.amount || (s.amount === best.amount && s.finding.fingerprint < best.finding.fingerprint)) winners.set(key, s);
  }

  const byCurrency = new Map<string, { total: bigint; counted: number; excluded: number; groups: Map<string, { total: bigint; counted: number }> }>();
  const excluded: SavingsTotals['excluded'] = [];
  const field = opts.groupBy ? GROUP_FIELD[opts.groupBy] : undefined;
  for (const s of scaled) {
    const { finding } = s;
    let bucket = byCurrency.get(finding.currency);
    if (!bucket) {
      bucket = { total: 0n, counted: 0, excluded: 0, groups: new Map() };
      byCurrency.set(finding.currency, bucket);
    }
    const group = finding.exclusionGroup;
    if (group) {
      const winner = winners.get(JSON.stringify([finding.tenantId ?? '', finding.currency, group]));
      if (winner !== s) {
        bucket.excluded++;
        excluded.push({ fingerprint: finding.fingerprint, exclusionGroup: group, countedInstead: winner?.finding.fingerprint ?? '' });
        continue;
      }
    }
    bucket.total += s.amount;
    bucket.counted++;
    if (field) {
      const key = String(finding[field]);
      const g = bucket.groups.get(key) ?? { total: 0n, counted: 0 };
      g.total += s.amount;
      g.counted++;
      bucket.groups.set(key, g);
    }
  }

  return {
    groupBy: opts.groupBy ?? null,
    byCurrency: [...byCurrency.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, b]) => ({
        currency,
        total: formatDecimal(b.total, FINDING_DECIMAL_SCALE),
        counted: b.counted,
        excluded: b.excluded,
        groups: [...b.groups.entries()]
          .sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0))
          .map(([key, g]) => ({ key, total: formatDecimal(g.total, FINDING_DECIMAL_SCALE), counted: g.counted })),
      })),
    excluded: excluded.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)),
  };
}
