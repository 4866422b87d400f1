import { ChangeCounter, TtlCache } from '../common/ttl-cache.ts';

/**
 * Findings list pages are kept for a short while (FINOPS_FINDINGS_CACHE_MS): the portal and scripts ask for the
 * same first page again and again, and building it (fifty rows through Prisma, decimals to strings) costs more CPU
 * than everything else in the request. Every committed FindingState write in this process (a check run's lifecycle,
 * suppress, reopen, assign, tenant deletion) calls `findingsChanged()`, so those show on the next request; a write
 * by another process (a worker process's check run, another API process) shows within the TTL.
 */
const findingChanges = new ChangeCounter();

export function findingsChanged(): void {
  findingChanges.bump();
}

export function findingsCache(ttlMs: number): TtlCache {
  return new TtlCache(ttlMs, findingChanges);
}
