import { describe, expect, it } from 'vitest';
import { type LifecycleState, LifecycleScopeError, planLifecycle } from './finding-lifecycle.ts';

const scope = { tenantId: 'acme', accountId: '111111111111', checkId: 'aws/ec2-graviton' };
const now = new Date('2026-11-22T12:00:00Z');

function state(fingerprint: string, over: Partial<LifecycleState> = {}): LifecycleState {
  return { fingerprint, accountId: scope.accountId, checkId: scope.checkId, status: 'open', reopenCount: 0, suppressedUntil: null, ...over };
}

describe('planLifecycle', () => {
  it('creates unseen-before findings as new', () => {
    const plan = planLifecycle([], ['fp-b', 'fp-a'], scope, now);
    expect(plan.changes).toEqual([
      { kind: 'create', fingerprint: 'fp-a' },
      { kind: 'create', fingerprint: 'fp-b' },
    ]);
    expect(plan.counts).toEqual({ new: 2, stillOpen: 0, resolved: 0, reopened: 0, suppressed: 0, unsuppressed: 0 });
  });

  it('refreshes open findings seen again and resolves open ones not seen', () => {
    const plan = planLifecycle([state('fp-a'), state('fp-b')], ['fp-a'], scope, now);
    expect(plan.changes).toEqual([
      { kind: 'refresh', fingerprint: 'fp-a' },
      { kind: 'resolve', fingerprint: 'fp-b' },
    ]);
    expect(plan.counts.stillOpen).toBe(1);
    expect(plan.counts.resolved).toBe(1);
  });

  it('reopens a resolved finding seen again and increments its reopen count', () => {
    const plan = planLifecycle([state('fp-a', { status: 'resolved', reopenCount: 2 })], ['fp-a'], scope, now);
    expect(plan.changes).toEqual([{ kind: 'reopen', fingerprint: 'fp-a', reopenCount: 3 }]);
    expect(plan.counts.reopened).toBe(1);
  });

  it('leaves resolved findings that are still absent untouched', () => {
    const plan = planLifecycle([state('fp-a', { status: 'resolved' })], [], scope, now);
    expect(plan.changes).toEqual([]);
  });

  it('keeps an active suppression whether seen or not', () => {
    const until = new Date('2026-12-31T00:00:00Z');
    const plan = planLifecycle(
      [state('fp-a', { status: 'suppressed', suppressedUntil: until }), state('fp-b', { status: 'suppressed', suppressedUntil: null })],
      ['fp-a'],
      scope,
      now,
    );
    expect(plan.changes).toEqual([{ kind: 'keep-suppressed', fingerprint: 'fp-a' }]);
    expect(plan.counts.suppressed).toBe(1);
    expect(plan.counts.resolved).toBe(0);
  });

  it('opens an expired suppression when seen and resolves it when absent', () => {
    const past = new Date('2026-11-01T00:00:00Z');
    const plan = planLifecycle(
      [state('fp-a', { status: 'suppressed', suppressedUntil: past }), state('fp-b', { status: 'suppressed', suppressedUntil: past })],
      ['fp-a'],
      scope,
      now,
    );
    expect(plan.changes).toEqual([
      { kind: 'unsuppress', fingerprint: 'fp-a' },
      { kind: 'resolve', fingerprint: 'fp-b' },
    ]);
    expect(plan.counts.unsuppressed).toBe(1);
    expect(plan.counts.resolved).toBe(1);
  });

  it('treats a suppression ending exactly now as expired', () => {
    const plan = planLifecycle([state('fp-a', { status: 'suppressed', suppressedUntil: now })], ['fp-a'], scope, now);
    expect(plan.changes).toEqual([{ kind: 'unsuppress', fingerprint: 'fp-a' }]);
  });

  it('never resolves findings of another account or check', () => {
    const plan = planLifecycle(
      [state('fp-other-account', { accountId: '222222222222' }), state('fp-other-check', { checkId: 'aws/ebs-unattached' })],
      [],
      scope,
      now,
    );
    expect(plan.changes).toEqual([]);
  });

  it('rejects a seen fingerprint stored under another scope', () => {
    expect(() => planLifecycle([state('fp-a', { accountId: '222222222222' })], ['fp-a'], scope, now)).toThrow(LifecycleScopeError);
  });

  it('rejects duplicate states', () => {
    expect(() => planLifecycle([state('fp-a'), state('fp-a')], [], scope, now)).toThrow(/listed twice/);
  });

  it('counts duplicates in the seen list once', () => {
    const plan = planLifecycle([], ['fp-a', 'fp-a'], scope, now);
    expect(plan.counts.new).toBe(1);
  });
});
