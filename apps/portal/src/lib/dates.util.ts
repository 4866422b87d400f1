/** UTC calendar arithmetic on yyyy-mm-dd strings (billing days are UTC days). */

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: string, n: number): string {
  const d = parseDay(monthStart(day));
  d.setUTCMonth(d.getUTCMonth() + n);
  return isoDay(d);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / 86_400_000);
}

export function daysInMonth(day: string): number {
  return daysBetween(monthStart(day), addMonths(day, 1));
}

export const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function validDay(value: string | undefined): string | undefined {
  return value && DAY.test(value) && !Number.isNaN(parseDay(value).getTime()) ? value : undefined;
}
