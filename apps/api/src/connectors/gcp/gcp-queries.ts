/**
 * The two queries the BigQuery connector sends. Each starts with a marker comment naming its shape, so query logs in
 * the customer's project (and the test fake) can tell them apart; values travel as named query parameters.
 */
import { type GcpConnection, tableRef } from './gcp-connection.ts';

export const DISCOVER_MARKER = '-- openfinops:gcp-billing-discover v1';
export const STAGE_MARKER = '-- openfinops:gcp-billing-stage v1';

const DAY_MS = 86_400_000;

/** Google invoices by calendar month in Pacific Time: the invoice month (`YYYYMM`) a moment belongs to. */
export function invoiceMonthAt(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  const month = parts.find((p) => p.type === 'month')?.value ?? '';
  return `${year}${month}`;
}

function monthStartUtc(invoiceMonth: string): number {
  return Date.UTC(Number(invoiceMonth.slice(0, 4)), Number(invoiceMonth.slice(4, 6)) - 1, 1);
}

function previousMonth(invoiceMonth: string): string {
  const d = new Date(monthStartUtc(invoiceMonth) - DAY_MS);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The watermark of a run: Google keeps restating the current and the previous invoice month (late usage, credits,
 * corrections), so every row exported since the previous month began may have changed something. The overlap moves it
 * back further: UTC partition days start before Pacific months, and late rows for older months land days after their
 * month closed. Months with any row exported since then are re-counted as a whole.
 */
export function discoverSince(now: Date, overlapDays: number): Date {
  const previous = previousMonth(invoiceMonthAt(now));
  return new Date(monthStartUtc(previous) - overlapDays * DAY_MS);
}

export interface BigQueryRequest {
  query: string;
  params: Record<string, string | Date>;
  types: Record<string, string>;
}

/**
 * One row per invoice month that has rows exported at or after @since (read from recent partitions only), each
 * counted over the whole month so its version does not depend on the window. `backfill_from` adds every month from
 * there on. `_PARTITIONTIME IS NULL` keeps rows still in the streaming buffer.
 */
export function discoverQuery(c: GcpConnection, since: Date): BigQueryRequest {
  const table = tableRef(c);
  const query = `${DISCOVER_MARKER}
WITH changed AS (
  SELECT DISTINCT invoice.month AS invoice_month
  FROM ${table}
  WHERE (_PARTITIONTIME IS NULL OR _PARTITIONTIME >= TIMESTAMP_TRUNC(@since, DAY)) AND export_time >= @since
)
SELECT invoice.month AS invoice_month, MAX(export_time) AS max_export_time, COUNT(*) AS row_count
FROM ${table}
WHERE invoice.month IN (SELECT invoice_month FROM changed) OR invoice.month >= @backfill_from
GROUP BY invoice_month
ORDER BY invoice_month DESC`;
  // No backfill: a month string no invoice month reaches.
  const backfill = c.backfillFrom ? c.backfillFrom.replace('-', '') : '999999';
  return { query, params: { since, backfill_from: backfill }, types: { since: 'TIMESTAMP', backfill_from: 'STRING' } };
}

/**
 * Every row of one invoice month, all columns (the export's schema grows over time; the FOCUS reader takes what is
 * there). Rows of a month are exported no earlier than the month's first Pacific day, so older partitions are pruned.
 */
export function stageQuery(c: GcpConnection, invoiceMonth: string): BigQueryRequest {
  const query = `${STAGE_MARKER}
SELECT *
FROM ${tableRef(c)}
WHERE invoice.month = @invoice_month
  AND (_PARTITIONTIME IS NULL OR _PARTITIONTIME >= TIMESTAMP_SUB(@month_start, INTERVAL 1 DAY))`;
  return {
    query,
    params: { invoice_month: invoiceMonth, month_start: new Date(monthStartUtc(invoiceMonth)) },
    types: { invoice_month: 'STRING', month_start: 'TIMESTAMP' },
  };
}

/** `YYYYMM` → `yyyy-mm`, refusing anything else (it names a lake partition). */
export function billingPeriodOf(invoiceMonth: string): string {
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(invoiceMonth)) throw new Error(`BigQuery returned invoice.month "${invoiceMonth}", expected YYYYMM`);
  return `${invoiceMonth.slice(0, 4)}-${invoiceMonth.slice(4, 6)}`;
}
