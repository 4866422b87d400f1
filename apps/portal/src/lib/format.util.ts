/** Display formatting. A fixed locale keeps server-rendered and hydrated text identical. */
const LOCALE = 'en-US';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Decimal string → "$1,234.57". Intl formats string inputs as exact decimals (no float conversion), rounding half
 * away from zero to the shown digits.
 */
export function formatMoney(value: string | null | undefined, currency: string | null | undefined, opts: { precise?: boolean } = {}): string {
  if (value === null || value === undefined) return '—';
  if (!currency) return value;
  const key = `${currency}:${opts.precise ? 'p' : 'n'}`;
  let fmt = moneyFormats.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat(LOCALE, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: opts.precise ? 6 : 2 });
    } catch {
      return `${value} ${currency}`;
    }
    moneyFormats.set(key, fmt);
  }
  return fmt.format(value as Intl.StringNumericLiteral);
}

const compactFormat = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });

/** Axis ticks: "12.3K". */
export function formatCompact(value: number): string {
  return compactFormat.format(value);
}

export function formatCount(value: number): string {
  return value.toLocaleString(LOCALE);
}

const dayFormat = new Intl.DateTimeFormat(LOCALE, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayShortFormat = new Intl.DateTimeFormat(LOCALE, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(LOCALE, { year: 'numeric', month: 'long', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

function asDate(value: string): Date | null {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /^\d{4}-\d{2}$/.test(value) ? `${value}-01T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDay(value: string | null | undefined, short = false): string {
  const d = value ? asDate(value) : null;
  return d ? (short ? dayShortFormat : dayFormat).format(d) : '—';
}

export function formatMonth(value: string): string {
  const d = asDate(value);
  return d ? monthFormat.format(d) : value;
}

export function formatDateTime(value: string | null | undefined): string {
  const d = value ? asDate(value) : null;
  return d ? dateTimeFormat.format(d) : '—';
}

/** "3 days ago" relative to `now`, for first/last seen. */
export function formatAgo(value: string | null | undefined, now = Date.now()): string {
  const d = value ? asDate(value) : null;
  if (!d) return '—';
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 60) return 'just now';
  const units: Array<[number, string]> = [
    [86_400 * 365, 'year'],
    [86_400 * 30, 'month'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** "aws/ec2-graviton" → "EC2 Graviton"-ish labels are the checker's business; here only ids are shortened. */
export function humanize(value: string): string {
  return value.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
