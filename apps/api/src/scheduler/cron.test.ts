import { describe, expect, it } from 'vitest';
import { CronSchedule, InvalidScheduleError, parseCron, parseTimezone } from './cron.ts';

describe('parseCron', () => {
  it('accepts five fields and normalises whitespace', () => {
    expect(parseCron('  0   3 * *  1-5 ')).toBe('0 3 * * 1-5');
    expect(parseCron('*/15 * * * *')).toBe('*/15 * * * *');
  });

  it('refuses seconds, macros, out-of-range values and garbage, naming the expression', () => {
    expect(() => parseCron('0 0 3 * * *')).toThrow(/"0 0 3 \* \* \*" has 6 field\(s\); expected 5/);
    expect(() => parseCron('@daily')).toThrow(/write the five fields/);
    expect(() => parseCron('61 3 * * *')).toThrow(InvalidScheduleError);
    expect(() => parseCron('61 3 * * *')).toThrow(/"61 3 \* \* \*".*0-59/);
    expect(() => parseCron('hello world a b c')).toThrow(/Invalid schedule cron/);
  });
});

describe('parseTimezone', () => {
  it('accepts IANA zones and refuses unknown ones', () => {
    expect(parseTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseTimezone('UTC')).toBe('UTC');
    expect(() => parseTimezone('Mars/Olympus')).toThrow(/"Mars\/Olympus" is not an IANA time zone/);
    expect(() => parseTimezone(' ')).toThrow(/timezone: is empty/);
  });
});

describe('CronSchedule', () => {
  it('fires in the schedule time zone, across a daylight-saving change', () => {
    const daily = CronSchedule.parse('0 2 * * *', 'America/New_York');
    // EST (UTC-5) before 2026-03-08, EDT (UTC-4) after.
    expect(daily.next(new Date('2026-03-06T12:00:00Z')).toISOString()).toBe('2026-03-07T07:00:00.000Z');
    expect(daily.next(new Date('2026-03-09T12:00:00Z')).toISOString()).toBe('2026-03-10T06:00:00.000Z');
  });

  it('returns the latest due slot after `since`, including one at exactly now, and null before the next one', () => {
    const every5 = CronSchedule.parse('*/5 * * * *', 'UTC');
    const since = new Date('2026-01-01T00:00:00Z');
    expect(every5.dueSlot(since, new Date('2026-01-01T00:04:59Z'))).toBeNull();
    expect(every5.dueSlot(since, new Date('2026-01-01T00:05:00Z'))?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    // Missed slots collapse into the latest one.
    expect(every5.dueSlot(since, new Date('2026-01-01T01:02:00Z'))?.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    // The slot already enqueued is not due again.
    expect(every5.dueSlot(new Date('2026-01-01T01:00:00Z'), new Date('2026-01-01T01:02:00Z'))).toBeNull();
  });
});
