/**
 * A process-wide change counter. Writers bump it after their write commits; every TtlCache tied to it then stops
 * serving what it read before, so changes made through this process are seen by the next request.
 */
export class ChangeCounter {
  private count = 0;

  get value(): number {
    return this.count;
  }

  /** Call after (never before) the write has committed: a read in between would be cached as current. */
  bump(): void {
    this.count++;
  }
}

interface Entry {
  value: Promise<unknown>;
  generation: number;
  expiresAt: number;
}

/** Beyond this many entries the least recently filled are dropped. */
const MAX_ENTRIES = 10_000;

/**
 * Answers kept for `ttlMs` (0 disables caching) and dropped when `changes` is bumped. The TTL bounds how late a
 * change made by another process (which cannot bump this process's counter) is seen.
 */
export class TtlCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly changes: ChangeCounter,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The cached answer for `key`, or `load()`'s. Concurrent misses share one load. A load that started before a
   * bump is never served to later callers: its entry carries the generation read before it started.
   */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.changes.value && hit.expiresAt > now) return hit.value as Promise<T>;
    const generation = this.changes.value;
    const entry: Entry = { value: load(), generation, expiresAt: now + this.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    // A failed read is not an answer: the next request tries again.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value as Promise<T>;
  }
}
