import { addDays, addMonths, daysBetween, monthStart } from './dates.util.ts';

export interface OverviewWindow {
  month: string;
  /** First day of the month, inclusive. */
  from: string;
  /** Day after the last day with data (exclusive), never past the month end or today. */
  to: string;
  /** The same number of days at the start of the previous month. */
  previousFrom: string;
  previousTo: string;
  /** Whether every day of the month is in [from, to). */
  complete: boolean;
}

/**
 * Month-to-date for `month`: up to the last day with data (billing data lags by a day or more), compared with the
 * same days of the previous month.
 */
export function overviewWindow(month: string, lastDataDay: string | null, today: string): OverviewWindow {
  const from = `${month}-01`;
  const monthEnd = addMonths(from, 1);
  const cap = today < monthEnd ? today : monthEnd;
  const to = lastDataDay && addDays(lastDataDay, 1) < cap ? addDays(lastDataDay, 1) : cap;
  const days = Math.max(daysBetween(from, to), 1);
  const previousFrom = addMonths(from, -1);
  const previousEnd = monthStart(from);
  const shifted = addDays(previousFrom, days);
  const complete = to === monthEnd;
  // A complete month is compared with the whole previous month, whatever their lengths.
  return { month, from, to, previousFrom, previousTo: complete || shifted > previousEnd ? previousEnd : shifted, complete };
}
