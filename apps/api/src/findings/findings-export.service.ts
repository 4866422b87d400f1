import { Readable } from 'node:stream';
import { RecordBatchStreamWriter, Table, TimestampMillisecond, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { arrowTableToParquet, decimalVector, EXPORT_FINDINGS_PARQUET, FINDING_EXPORT_COLUMNS, type FindingsExportQuery, toDecimal18_6 } from '@openfinops/contracts';
import { parseTenantId } from '@openfinops/tenants';
import type { FindingState } from '../generated/prisma/client.ts';
import type { FindingQueryRepository } from './finding-query.repository.ts';
import { findingFilter } from './tenant-findings.service.ts';

export interface FindingsExport {
  contentType: string;
  filename: string;
  stream: Readable;
}

type ExportColumn = (typeof FINDING_EXPORT_COLUMNS)[number];
type Timestamped = 'firstSeenAt' | 'lastSeenAt' | 'resolvedAt' | 'suppressedUntil';
const TIMESTAMP_COLUMNS: ReadonlySet<ExportColumn> = new Set<ExportColumn>(['firstSeenAt', 'lastSeenAt', 'resolvedAt', 'suppressedUntil']);

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
} as const;

function cellText(row: FindingState, column: ExportColumn): string | null {
  if (column === 'estimatedMonthlySavings') return row.estimatedMonthlySavings === null ? null : row.estimatedMonthlySavings.toFixed(6);
  if (TIMESTAMP_COLUMNS.has(column)) return (row[column as Timestamped] as Date | null)?.toISOString() ?? null;
  return row[column as Exclude<ExportColumn, 'estimatedMonthlySavings' | Timestamped>];
}

/**
 * RFC 4180 cell. Text that a spreadsheet would run as a formula (leading = + - @, tab or CR) gets a leading
 * apostrophe: titles and resource ids come from cloud APIs and tags, which anyone with cloud access can write.
 */
export function csvCell(value: string | null, guardFormula: boolean): string {
  if (value === null) return '';
  const text = guardFormula && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLines(rows: readonly FindingState[]): string {
  return rows
    .map((row) => FINDING_EXPORT_COLUMNS.map((c) => csvCell(cellText(row, c), c !== 'estimatedMonthlySavings' && !TIMESTAMP_COLUMNS.has(c))).join(',') + '\r\n')
    .join('');
}

/** One page as an Arrow table: text as Utf8, money as Decimal128(18,6), times as UTC millisecond timestamps. */
function arrowTable(rows: readonly FindingState[]): Table {
  const columns: Record<string, Vector> = {};
  for (const c of FINDING_EXPORT_COLUMNS) {
    if (c === 'estimatedMonthlySavings') {
      columns[c] = decimalVector(rows.map((r) => (r.estimatedMonthlySavings === null ? null : toDecimal18_6(r.estimatedMonthlySavings.toFixed(6)))), 18, 6);
    } else if (TIMESTAMP_COLUMNS.has(c)) {
      columns[c] = vectorFromArray(rows.map((r) => (r[c as Timestamped] as Date | null)?.getTime() ?? null), new TimestampMillisecond('UTC'));
    } else {
      columns[c] = vectorFromArray(rows.map((r) => cellText(r, c)), new Utf8());
    }
  }
  return new Table(columns);
}

/**
 * `findings/export`: every finding matching the list's filters, in the list's sort order, read page by page
 * (keyset) so memory stays flat for CSV and Arrow IPC, which are streamed as pages arrive. Parquet keeps its
 * metadata in a footer written last, so it is assembled from the Arrow pages, then sent.
 */
export class FindingsExportService {
  constructor(
    private readonly query: FindingQueryRepository,
    private readonly pageSize = 1000,
  ) {}

  async export(tenantId: string, q: FindingsExportQuery): Promise<FindingsExport> {
    const id = parseTenantId(tenantId);
    const { format, sort, ...filters } = q;
    const filter = findingFilter(filters);
    // The first page is read before the response starts, so a store failure is still a proper error response.
    const first = await this.query.list(id, { ...filter, sort, limit: this.pageSize });
    const query = this.query;
    const pageSize = this.pageSize;
    async function* pages(): AsyncGenerator<FindingState[]> {
      let page = first;
      yield page.rows;
      while (page.nextCursor) {
        page = await query.list(id, { ...filter, sort, limit: pageSize, cursor: page.nextCursor });
        yield page.rows;
      }
    }
    const filename = `findings-${id}.${format}`;
    const contentType = CONTENT_TYPES[format];
    if (format === 'csv') {
      async function* csv(): AsyncGenerator<string> {
        yield FINDING_EXPORT_COLUMNS.join(',') + '\r\n';
        for await (const rows of pages()) if (rows.length > 0) yield csvLines(rows);
      }
      return { contentType, filename, stream: Readable.from(csv()) };
    }
    if (format === 'arrow') {
      async function* batches() {
        for await (const rows of pages()) yield* arrowTable(rows).batches;
      }
      const writer = new RecordBatchStreamWriter();
      const stream = writer.toNodeStream();
      writer.writeAll(batches()).then(
        (w) => w.finish(),
        (err: unknown) => stream.destroy(err as Error),
      );
      return { contentType, filename, stream };
    }
    const tables: Table[] = [];
    for await (const rows of pages()) tables.push(arrowTable(rows));
    const table = tables.length === 1 ? tables[0]! : tables[0]!.concat(...tables.slice(1));
    return { contentType, filename, stream: Readable.from([Buffer.from(arrowTableToParquet(table, EXPORT_FINDINGS_PARQUET))]) };
  }
}
