import { ChangeCounter, TtlCache } from '../common/ttl-cache.ts';

/**
 * Who-may-do-what answers (the user behind a token, a membership's role, a tenant's status) are kept for a few
 * seconds, so the guard chain does not pay three store round trips per request.
 *
 * Every committed write that can change access (the membership, user, tenant and API key repositories, tenant
 * deletion) calls `accessChanged()`, which drops every such answer in the process: removing a member or suspending
 * a tenant through this process takes effect on the next request. A change made by another process (a second API
 * process, `finops user …`, SQL by hand) is seen within FINOPS_ACCESS_CACHE_MS (bounded by the config).
 */
const accessChanges = new ChangeCounter();

export function accessChanged(): void {
  accessChanges.bump();
}

export function accessCache(ttlMs: number, now?: () => number): TtlCache {
  return new TtlCache(ttlMs, accessChanges, now);
}
