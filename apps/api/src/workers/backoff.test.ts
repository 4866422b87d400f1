import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retryDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 10_000 };

  it('doubles per attempt up to the cap, between half and all of it', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4000);
    expect(retryDelayMs(3, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(10, policy, () => 1)).toBe(10_000);
    expect(retryDelayMs(60, policy, () => 0)).toBe(5000);
  });

  it('spreads delays with the random source', () => {
    const seen = new Set(Array.from({ length: 20 }, () => retryDelayMs(2, policy)));
    expect(seen.size).toBeGreaterThan(1);
    for (const d of seen) {
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it('refuses an attempt below 1', () => {
    expect(() => retryDelayMs(0, policy)).toThrow(/attempt must be an integer >= 1, got 0/);
  });
});
