import { changeCounter, localChange } from '../common/cache-changes.ts';
import { TtlCache } from '../common/ttl-cache.ts';

/**
 * Who-may-do-what answers (the user behind a token, a membership's role, a tenant's status) are kept for a few
 * seconds, so the guard chain does not pay three store round trips per request.
 *
 * Every committed write that can change access (the membership, user, tenant and API key repositories, tenant
 * deletion) calls `accessChanged()`, which drops every such answer in the process: removing a member or suspending
 * a tenant through this process takes effect on the next request. On PostgreSQL the change is also announced to
 * the other processes (store/change-notifications.ts), whose serving processes drop their answers when the
 * notification arrives (milliseconds). A change nobody announces (SQL by hand), or one made while a process's
 * listening connection is down, is seen within FINOPS_ACCESS_CACHE_MS (bounded by the config).
 */
export function accessChanged(): void {
  localChange('access');
}

export function accessCache(ttlMs: number, now?: () => number): TtlCache {
  return new TtlCache(ttlMs, changeCounter('access'), now);
}
