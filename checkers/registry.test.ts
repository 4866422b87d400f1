import { describe, expect, it } from 'vitest';
import { builtinCheckers, getChecker, listCheckerIds, UnknownCheckerError } from './registry.ts';

describe('checker registry', () => {
  it('finds built-in checkers by id', () => {
    expect(getChecker('aws/ec2-graviton').id).toBe('aws/ec2-graviton');
    expect(listCheckerIds()).toEqual(builtinCheckers.map((c) => c.id).sort());
  });

  it('lists known ids for an unknown one', () => {
    expect(() => getChecker('aws/nope')).toThrow(UnknownCheckerError);
    expect(() => getChecker('aws/nope')).toThrow(/known checkers: .*aws\/ec2-graviton/);
  });
});
