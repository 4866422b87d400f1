import { ec2GravitonChecker } from './aws/ec2-graviton/ec2-graviton.checker.ts';
import type { Checker } from './sdk/define-checker.ts';

/** Built-in checkers, imported explicitly (no folder scanning) so the bundle and the docs list stay reviewable. */
export const builtinCheckers: readonly Checker<unknown>[] = Object.freeze([ec2GravitonChecker as Checker<unknown>]);

export class UnknownCheckerError extends Error {
  readonly code = 'UNKNOWN_CHECKER';
  constructor(readonly checkerId: string, readonly knownIds: readonly string[]) {
    super(`Unknown checker ${JSON.stringify(checkerId)}; known checkers: ${knownIds.join(', ')}`);
    this.name = 'UnknownCheckerError';
  }
}

const byId = new Map(builtinCheckers.map((c) => [c.id, c] as const));
if (byId.size !== builtinCheckers.length) throw new Error('Duplicate checker id in builtinCheckers');

export function getChecker(id: string): Checker<unknown> {
  const checker = byId.get(id);
  if (!checker) throw new UnknownCheckerError(id, [...byId.keys()].sort());
  return checker;
}

export function listCheckerIds(): string[] {
  return [...byId.keys()].sort();
}
