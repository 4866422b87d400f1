import { Decimal } from 'decimal.js';
import type { CheckerContext } from './define-checker.ts';
import type { InventoryKind, InventoryRecord } from './inventory.ts';

/** Hours in an average month (8760 / 12), the convention AWS pricing pages use for monthly figures. */
export const HOURS_PER_MONTH = 730;
const MS_PER_DAY = 86_400_000;

/** Money as a decimal string of at most 6 places (the finding contract's DECIMAL(18,6)), no exponent. */
export function money(value: Decimal.Value): string {
  return new Decimal(value).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed();
}

/** `Tags: [{Key, Value}]` (EC2 API shape) as a plain map; absent values become ''. */
export function tagsOf(tags: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  }
  return out;
}

export function hasAnyTag(tags: Record<string, string>, keys: readonly string[]): boolean {
  return keys.some((k) => Object.hasOwn(tags, k));
}

/** Whole days from `from` to `now` (floored); undefined when `from` is missing or not a date. */
export function ageInDays(from: string | undefined | null, now: Date): number | undefined {
  if (!from) return undefined;
  const t = Date.parse(from);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((now.getTime() - t) / MS_PER_DAY);
}

/**
 * The time in an EC2 `StateTransitionReason` such as "User initiated (2026-01-31 12:34:56 GMT)", as ISO 8601.
 * EC2 reports a stop's time only in this free-text field; other reasons (e.g. "Server.ScheduledStop") carry none.
 */
export function parseStateTransitionTime(reason: string | undefined | null): string | undefined {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(reason ?? '');
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}.000Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/**
 * The records of one declared kind that belong to the run's account. Records of other accounts are
 * logged and dropped: a snapshot may hold several accounts, a finding must name the right one.
 */
export function ownRecords<K extends InventoryKind, C>(ctx: CheckerContext<C>, kind: K): InventoryRecord<K>[] {
  const out: InventoryRecord<K>[] = [];
  let foreign = 0;
  for (const record of ctx.inputs.inventory(kind)) {
    if (record.AccountId === ctx.accountId) out.push(record);
    else foreign++;
  }
  if (foreign > 0) ctx.logger.warn({ kind, foreign, accountId: ctx.accountId }, `${foreign} ${kind} record(s) of other accounts skipped`);
  return out;
}
