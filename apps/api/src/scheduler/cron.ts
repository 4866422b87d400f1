import { CronExpressionParser } from 'cron-parser';

export class InvalidScheduleError extends Error {
  readonly code = 'INVALID_SCHEDULE';
  readonly retryable = false;
  constructor(readonly field: string, message: string) {
    super(`Invalid schedule ${field}: ${message}`);
    this.name = 'InvalidScheduleError';
  }
}

const FIELDS = 5;

/** An IANA zone name the runtime knows (`Europe/Berlin`, `UTC`); throws naming the value otherwise. */
export function parseTimezone(value: string): string {
  const zone = value.trim();
  if (zone === '') throw new InvalidScheduleError('timezone', 'is empty (use an IANA zone such as UTC or Europe/Berlin)');
  try {
    // The runtime's own tz database decides; it canonicalises case (`utc` -> `UTC`).
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidScheduleError('timezone', `${JSON.stringify(value)} is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`);
  }
}

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), validated by cron-parser.
 * Seconds are refused: a schedule enqueues imports and checks, and one a minute is already more than any of them needs.
 */
export function parseCron(value: string): string {
  const expression = value.trim().replace(/\s+/g, ' ');
  const fields = expression.split(' ').length;
  if (expression.startsWith('@')) {
    throw new InvalidScheduleError('cron', `${JSON.stringify(value)}: write the five fields instead of a macro (e.g. "0 3 * * *" for daily at 03:00)`);
  }
  if (fields !== FIELDS) {
    throw new InvalidScheduleError('cron', `${JSON.stringify(value)} has ${fields} field(s); expected 5 (minute hour day-of-month month day-of-week)`);
  }
  try {
    CronExpressionParser.parse(expression, { strict: false }).next();
  } catch (err) {
    throw new InvalidScheduleError('cron', `${JSON.stringify(value)}: ${(err as Error).message}`);
  }
  return expression;
}

/** Fire times of a (cron, timezone) pair, as UTC instants. */
export class CronSchedule {
  constructor(
    readonly cron: string,
    readonly timezone: string,
  ) {}

  static parse(cron: string, timezone: string): CronSchedule {
    return new CronSchedule(parseCron(cron), parseTimezone(timezone));
  }

  /** The first fire time strictly after `after`. */
  next(after: Date): Date {
    return CronExpressionParser.parse(this.cron, { currentDate: after, tz: this.timezone }).next().toDate();
  }

  /**
   * The latest fire time in (`since`, `now`], or null. Slots missed while no scheduler ran collapse into this one:
   * a schedule that was down for a day enqueues one run, not one per missed slot.
   */
  dueSlot(since: Date, now: Date): Date | null {
    if (this.next(since).getTime() > now.getTime()) return null;
    // prev() is strictly before currentDate, so start one millisecond past now to include a slot at exactly now.
    return CronExpressionParser.parse(this.cron, { currentDate: new Date(now.getTime() + 1), tz: this.timezone }).prev().toDate();
  }
}
