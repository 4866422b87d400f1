import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  /** Start of the current fixed window (ms). */
  start: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** Stale windows are swept at most this often, on the next increment (no timer keeps a process alive). */
const SWEEP_EVERY_MS = 60_000;

/**
 * Rate-limit counters in O(1) time and memory per caller: a sliding-window counter (the current fixed window plus the
 * previous one weighted by how much of it still overlaps the last `ttl`), the approximation many API gateways use.
 * @nestjs/throttler's in-memory storage keeps one timestamp per hit and filters the whole list on every request,
 * which costs O(limit) per request and grows with the limit.
 */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number, _throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    let w = this.windows.get(key);
    if (!w) {
      w = { start: now, current: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(key, w);
    }
    if (now - w.start >= ttl) {
      const elapsed = Math.floor((now - w.start) / ttl);
      w.previous = elapsed === 1 ? w.current : 0;
      w.current = 0;
      w.start += elapsed * ttl;
    }
    const timeToExpire = Math.ceil((w.start + ttl - now) / 1000);
    const estimate = () => Math.ceil(w.previous * (1 - (now - w.start) / ttl)) + w.current;
    if (w.blockedUntil > now) {
      return Promise.resolve({ totalHits: estimate(), timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000) });
    }
    w.current++;
    const totalHits = estimate();
    if (totalHits > limit) {
      // Blocked requests do not count, so a caller who waits out the block gets a full budget back.
      w.current--;
      w.blockedUntil = now + (blockDuration > 0 ? blockDuration : ttl);
      return Promise.resolve({ totalHits, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000) });
    }
    return Promise.resolve({ totalHits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 });
  }

  /** Callers seen (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number, ttl: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) {
      if (now - w.start >= 2 * ttl && w.blockedUntil <= now) this.windows.delete(key);
    }
  }
}
