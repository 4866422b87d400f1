import { type NextRequest } from 'next/server';
import { api, ApiError, tenantPath } from '../../../../../lib/api-client.server.ts';
import type { CostSummaryResponse } from '../../../../../lib/api.types.ts';
import { parseExplorerQuery } from '../explorer-query.ts';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is prefixed so sheets never run it. */
function csvField(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The explorer's table as CSV: the API's rows with their decimal strings unchanged. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ tenantId: string }> }): Promise<Response> {
  const { tenantId } = await params;
  const q = parseExplorerQuery(Object.fromEntries(request.nextUrl.searchParams));
  let res: CostSummaryResponse;
  try {
    res = await api<CostSummaryResponse>(tenantPath(tenantId, '/costs/summary'), {
      query: { from: q.from, to: q.to, groupBy: q.groupBy, currency: q.currency, ...q.filters },
    });
  } catch (err) {
    if (err instanceof ApiError) return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status });
    throw err;
  }
  const header = [...res.groupBy, 'currency', 'billedCost', 'effectiveCost', 'listCost', 'rows'];
  const lines = [header.map(csvField).join(',')];
  for (const r of res.rows) {
    lines.push([...res.groupBy.map((g) => r.group[g] ?? null), r.currency, r.billedCost, r.effectiveCost, r.listCost, r.rowCount].map(csvField).join(','));
  }
  const name = `costs-${tenantId}-${q.groupBy.replace(/[^A-Za-z0-9-]+/g, '_')}-${res.from ?? 'all'}-${res.to ?? 'all'}.csv`;
  return new Response(`${lines.join('\r\n')}\r\n`, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'private, no-store' },
  });
}
