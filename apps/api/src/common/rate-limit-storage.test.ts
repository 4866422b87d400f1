import { describe, expect, it } from 'vitest';
import { SlidingWindowThrottlerStorage } from './rate-limit-storage.ts';

const MINUTE = 60_000;

describe('SlidingWindowThrottlerStorage', () => {
  it('allows `limit` hits a window, then blocks for the block duration without counting blocked hits', async () => {
    let now = 1_000_000;
    const s = new SlidingWindowThrottlerStorage(() => now);
    const hits = [];
    for (let i = 0; i < 7; i++) hits.push(await s.increment('u', MINUTE, 5, MINUTE, 'default'));
    expect(hits.map((h) => h.isBlocked)).toEqual([false, false, false, false, false, true, true]);
    expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4, 5, 6, 5]);
    expect(hits[5]).toMatchObject({ timeToBlockExpire: 60, timeToExpire: 60 });
    // Another caller has a budget of its own.
    expect((await s.increment('v', MINUTE, 5, MINUTE, 'default')).isBlocked).toBe(false);
    now += 30_000;
    expect((await s.increment('u', MINUTE, 5, MINUTE, 'default'))).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
  });

  it('slides: the previous window counts by how much of it still overlaps the last ttl', async () => {
    let now = 0;
    const s = new SlidingWindowThrottlerStorage(() => now);
    for (let i = 0; i < 10; i++) expect((await s.increment('u', MINUTE, 10, MINUTE, 'default')).isBlocked).toBe(false);
    // A quarter into the next window, 75 % of the previous 10 hits still count: 8 (rounded up) + 1 new.
    now = MINUTE + 15_000;
    expect(await s.increment('u', MINUTE, 10, MINUTE, 'default')).toMatchObject({ isBlocked: false, totalHits: 9 });
    expect(await s.increment('u', MINUTE, 10, MINUTE, 'default')).toMatchObject({ isBlocked: false, totalHits: 10 });
    expect((await s.increment('u', MINUTE, 10, MINUTE, 'default')).isBlocked).toBe(true);
    // Two windows later nothing of the old hits is left.
    now = 4 * MINUTE;
    expect(await s.increment('u', MINUTE, 10, MINUTE, 'default')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('keeps constant memory per caller however high the limit, and sweeps callers gone for two windows', async () => {
    let now = 0;
    const s = new SlidingWindowThrottlerStorage(() => now);
    for (let i = 0; i < 100_000; i++) await s.increment('busy', MINUTE, 1_000_000, MINUTE, 'default');
    await s.increment('idle', MINUTE, 10, MINUTE, 'default');
    expect(s.size).toBe(2);
    now = 3 * MINUTE;
    await s.increment('busy', MINUTE, 1_000_000, MINUTE, 'default');
    expect(s.size).toBe(1);
  });
});
