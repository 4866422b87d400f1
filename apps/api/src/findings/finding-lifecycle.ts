/**
 * Finding lifecycle as a pure function: given the stored states in a run's scope and what the run saw,
 * decide each state's transition. The repository applies the plan in one transaction.
 */
export type FindingStatus = 'open' | 'resolved' | 'suppressed';

export interface LifecycleState {
  fingerprint: string;
  accountId: string;
  checkId: string;
  status: FindingStatus;
  reopenCount: number;
  suppressedUntil: Date | null;
}

/** A run resolves findings only within its own tenant + account + check. */
export interface LifecycleScope {
  tenantId: string;
  accountId: string;
  checkId: string;
}

export type LifecycleChange =
  /** First sighting: insert as open with firstSeen = lastSeen = now. */
  | { kind: 'create'; fingerprint: string }
  /** Open and seen again: refresh lastSeen, lastRunId and the finding's details. */
  | { kind: 'refresh'; fingerprint: string }
  /** Resolved and seen again: open, reopenCount + 1, resolvedAt cleared. */
  | { kind: 'reopen'; fingerprint: string; reopenCount: number }
  /** Open (or expired suppression) and not seen by this completed run: resolved at now. */
  | { kind: 'resolve'; fingerprint: string }
  /** Suppression still in force and seen: stays suppressed, lastSeen and details refreshed. */
  | { kind: 'keep-suppressed'; fingerprint: string }
  /** Suppression expired and seen: open again, suppression cleared. */
  | { kind: 'unsuppress'; fingerprint: string };

export interface LifecycleCounts {
  new: number;
  stillOpen: number;
  resolved: number;
  reopened: number;
  suppressed: number;
  unsuppressed: number;
}

export interface LifecyclePlan {
  changes: LifecycleChange[];
  counts: LifecycleCounts;
}

export class LifecycleScopeError extends Error {
  readonly code = 'LIFECYCLE_SCOPE';
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleScopeError';
  }
}

function suppressionActive(state: LifecycleState, now: Date): boolean {
  return state.suppressedUntil === null || state.suppressedUntil.getTime() > now.getTime();
}

/**
 * `existing` holds the tenant's states whose fingerprint was seen, plus every state in `scope`
 * (the candidates for resolution). States outside the scope that were not seen are left alone.
 * A suppression without an end date (`suppressedUntil` null) lasts until someone lifts it.
 */
export function planLifecycle(
  existing: readonly LifecycleState[],
  seenFingerprints: Iterable<string>,
  scope: LifecycleScope,
  now: Date,
): LifecyclePlan {
  const seen = new Set(seenFingerprints);
  const byFingerprint = new Map<string, LifecycleState>();
  for (const state of existing) {
    if (byFingerprint.has(state.fingerprint)) {
      throw new LifecycleScopeError(`Finding state ${state.fingerprint} listed twice`);
    }
    byFingerprint.set(state.fingerprint, state);
  }

  const changes: LifecycleChange[] = [];
  const counts: LifecycleCounts = { new: 0, stillOpen: 0, resolved: 0, reopened: 0, suppressed: 0, unsuppressed: 0 };

  for (const fingerprint of [...seen].sort()) {
    const state = byFingerprint.get(fingerprint);
    if (!state) {
      changes.push({ kind: 'create', fingerprint });
      counts.new++;
      continue;
    }
    if (state.accountId !== scope.accountId || state.checkId !== scope.checkId) {
      // Fingerprints include account and check, so a match outside the scope means corrupt input, not a transition.
      throw new LifecycleScopeError(
        `Finding ${fingerprint} belongs to ${state.checkId} in account ${state.accountId}, not ${scope.checkId} in ${scope.accountId}`,
      );
    }
    switch (state.status) {
      case 'open':
        changes.push({ kind: 'refresh', fingerprint });
        counts.stillOpen++;
        break;
      case 'resolved':
        changes.push({ kind: 'reopen', fingerprint, reopenCount: state.reopenCount + 1 });
        counts.reopened++;
        break;
      case 'suppressed':
        if (suppressionActive(state, now)) {
          changes.push({ kind: 'keep-suppressed', fingerprint });
          counts.suppressed++;
        } else {
          changes.push({ kind: 'unsuppress', fingerprint });
          counts.unsuppressed++;
        }
        break;
    }
  }

  for (const state of [...byFingerprint.values()].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))) {
    if (seen.has(state.fingerprint)) continue;
    if (state.accountId !== scope.accountId || state.checkId !== scope.checkId) continue;
    if (state.status === 'open' || (state.status === 'suppressed' && !suppressionActive(state, now))) {
      changes.push({ kind: 'resolve', fingerprint: state.fingerprint });
      counts.resolved++;
    }
  }
  return { changes, counts };
}
