import { describe, expect, it } from 'vitest';
import { ageInDays, hasAnyTag, money, parseStateTransitionTime, tagsOf } from './checker-helpers.ts';
import { exclusionGroupFor, ExclusionGroupError } from './exclusion-group.ts';

describe('checker helpers', () => {
  it.each([
    ['User initiated (2026-09-01 10:00:00 GMT)', '2026-09-01T10:00:00.000Z'],
    ['Server.SpotInstanceTermination (2025-12-31 23:59:59 GMT)', '2025-12-31T23:59:59.000Z'],
    ['Server.ScheduledStop: Stopped due to scheduled retirement', undefined],
    ['User initiated (2026-13-45 10:00:00 GMT)', undefined],
    ['', undefined],
  ])('reads the time in %j', (reason, iso) => {
    expect(parseStateTransitionTime(reason)).toBe(iso);
  });

  it('counts whole days and rejects non-dates', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(ageInDays('2026-11-21T00:00:01Z', now)).toBe(0);
    expect(ageInDays('2026-09-01T10:00:00Z', now)).toBe(81);
    expect(ageInDays('yesterday', now)).toBeUndefined();
    expect(ageInDays(undefined, now)).toBeUndefined();
  });

  it('formats money to at most 6 decimals without exponent or float drift', () => {
    expect(money('0.1')).toBe('0.1');
    expect(money('1e-7')).toBe('0');
    expect(money('0.0000005')).toBe('0.000001');
    expect(money('123456789012.1234567')).toBe('123456789012.123457');
  });

  it('maps EC2 tags and finds excluded keys', () => {
    const tags = tagsOf([{ Key: 'a', Value: '1' }, { Key: 'b' }, { Value: 'orphan' }]);
    expect(tags).toEqual({ a: '1', b: '' });
    expect(hasAnyTag(tags, ['x', 'b'])).toBe(true);
    expect(hasAnyTag(tags, ['toString'])).toBe(false);
  });

  it('builds exclusion groups with and without an aspect', () => {
    expect(exclusionGroupFor('ec2-instance', 'i-1', 'instance-type')).toBe('aws:ec2-instance:i-1:instance-type');
    expect(exclusionGroupFor('ebs-volume', 'vol-1')).toBe('aws:ebs-volume:vol-1');
    expect(exclusionGroupFor('disk', '/subscriptions/x/disks/y', undefined, 'azure')).toBe('azure:disk:/subscriptions/x/disks/y');
    expect(() => exclusionGroupFor('EC2:instance', 'i-1')).toThrow(ExclusionGroupError);
    expect(() => exclusionGroupFor('ec2-instance', 'i-1', 'a:b')).toThrow(/aspect/);
    expect(() => exclusionGroupFor('ec2-instance', ' ')).toThrow(/resourceId/);
  });
});
