import { changeCounter, localChange } from '../common/cache-changes.ts';
import { TtlCache } from '../common/ttl-cache.ts';

/**
 * Findings list pages are kept for a short while (FINOPS_FINDINGS_CACHE_MS): the portal and scripts ask for the
 * same first page again and again, and building it (fifty rows through Prisma, decimals to strings) costs more CPU
 * than everything else in the request. Every committed FindingState write in this process (a check run's lifecycle,
 * suppress, reopen, assign, tenant deletion) calls `findingsChanged()`, so those show on the next request. On
 * PostgreSQL the change is announced to the other processes too (a worker process's check run, another API process),
 * which drop their pages when the notification arrives; without it (listening connection down) within the TTL.
 */
export function findingsChanged(): void {
  localChange('findings');
}

export function findingsCache(ttlMs: number): TtlCache {
  return new TtlCache(ttlMs, changeCounter('findings'));
}
