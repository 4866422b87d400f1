export interface BackoffPolicy {
  /** Delay before the second attempt; doubles for each attempt after it. */
  baseMs: number;
  /** Ceiling of the exponential part. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Delay before the attempt after `attempt` (1-based): base * 2^(attempt-1), capped, then jittered into [half, full].
 * The jitter spreads out runs that failed together (a cloud outage) so they do not all come back in the same second;
 * keeping the lower half fixed keeps the growth visible.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`retryDelayMs: attempt must be an integer >= 1, got ${String(attempt)}`);
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
