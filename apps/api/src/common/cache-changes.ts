import { ChangeCounter } from './ttl-cache.ts';

/**
 * What a committed write can make stale: guard answers (users, memberships, tenants, API keys), findings pages, or
 * the FOCUS lake's version that cost answers are cached under (an import's partition swap, a tenant's deletion).
 */
export type ChangeKind = 'access' | 'findings' | 'lake';

export const CHANGE_KINDS: readonly ChangeKind[] = ['access', 'findings', 'lake'];

const counters: Record<ChangeKind, ChangeCounter> = { access: new ChangeCounter(), findings: new ChangeCounter(), lake: new ChangeCounter() };

/** Tells other processes about a change made here (the PostgreSQL store's NOTIFY). */
export type ChangePublisher = (kind: ChangeKind) => void;

const publishers = new Set<ChangePublisher>();

export function changeCounter(kind: ChangeKind): ChangeCounter {
  return counters[kind];
}

/** A write in this process committed: drop this process's cached answers and tell the other processes. */
export function localChange(kind: ChangeKind): void {
  counters[kind].bump();
  for (const publish of publishers) publish(kind);
}

/** Another process reported a change: only this process's caches need dropping (it has told the others itself). */
export function remoteChange(kind: ChangeKind): void {
  counters[kind].bump();
}

/** Returns the unsubscribe function (the store calls it when it closes). */
export function addChangePublisher(publish: ChangePublisher): () => void {
  publishers.add(publish);
  return () => publishers.delete(publish);
}

export function isChangeKind(value: string): value is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(value);
}
