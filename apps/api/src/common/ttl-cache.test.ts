import { describe, expect, it } from 'vitest';
import { ChangeCounter, TtlCache } from './ttl-cache.ts';

function counting<T>(values: T[]) {
  let calls = 0;
  return {
    load: () => Promise.resolve(values[Math.min(calls++, values.length - 1)]!),
    get calls() {
      return calls;
    },
  };
}

describe('TtlCache', () => {
  it('reuses an answer until its TTL passes, then reads again', async () => {
    let now = 0;
    const cache = new TtlCache(1_000, new ChangeCounter(), () => now);
    const source = counting(['a', 'b']);
    expect(await cache.get('k', source.load)).toBe('a');
    now = 999;
    expect(await cache.get('k', source.load)).toBe('a');
    now = 1_000;
    expect(await cache.get('k', source.load)).toBe('b');
    expect(source.calls).toBe(2);
  });

  it('drops every answer when the change counter is bumped, before the TTL', async () => {
    const changes = new ChangeCounter();
    const cache = new TtlCache(60_000, changes, () => 0);
    const source = counting(['member', 'removed']);
    expect(await cache.get('role', source.load)).toBe('member');
    changes.bump();
    expect(await cache.get('role', source.load)).toBe('removed');
  });

  it('never serves to later callers a read that started before a bump', async () => {
    const changes = new ChangeCounter();
    const cache = new TtlCache(60_000, changes, () => 0);
    let release!: (v: string) => void;
    const slow = cache.get('k', () => new Promise<string>((r) => (release = r)));
    changes.bump();
    release('before the change');
    expect(await slow).toBe('before the change');
    expect(await cache.get('k', () => Promise.resolve('after the change'))).toBe('after the change');
  });

  it('shares one load between concurrent misses and does not keep failures', async () => {
    const cache = new TtlCache(60_000, new ChangeCounter(), () => 0);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('store down'));
    };
    const [a, b] = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
    expect([a.status, b.status, calls]).toEqual(['rejected', 'rejected', 1]);
    expect(await cache.get('k', () => Promise.resolve('recovered'))).toBe('recovered');
  });

  it('reads every time when the TTL is 0', async () => {
    const cache = new TtlCache(0, new ChangeCounter(), () => 0);
    const source = counting(['a', 'b']);
    await cache.get('k', source.load);
    expect(await cache.get('k', source.load)).toBe('b');
  });
});
