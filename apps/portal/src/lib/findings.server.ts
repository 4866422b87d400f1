import 'server-only';
import { api, tenantPath, type Query } from './api-client.server.ts';
import type { FindingDetailResponse, FindingsListResponse, SavingsResponse } from './api.types.ts';

export function listFindings(tenantId: string, query: Query): Promise<FindingsListResponse> {
  return api<FindingsListResponse>(tenantPath(tenantId, '/findings'), { query });
}

export function getFinding(tenantId: string, fingerprint: string): Promise<FindingDetailResponse> {
  return api<FindingDetailResponse>(tenantPath(tenantId, `/findings/${encodeURIComponent(fingerprint)}`));
}

export function getSavings(tenantId: string, query: Query = {}): Promise<SavingsResponse> {
  return api<SavingsResponse>(tenantPath(tenantId, '/savings'), { query });
}

/** Findings first seen at or after `since`: pages through the list newest first and stops at the first older one. */
export async function countFirstSeenSince(tenantId: string, since: Date): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res: FindingsListResponse = await listFindings(tenantId, { sort: '-firstSeenAt', limit: 200, cursor });
    for (const f of res.findings) {
      if (Date.parse(f.firstSeenAt) < since.getTime()) return count;
      count++;
    }
    if (!res.nextCursor) return count;
    cursor = res.nextCursor;
  }
  return count;
}
