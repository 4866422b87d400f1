/**
 * Exact decimal arithmetic on the API's decimal strings (BigInt scaled by 10^18), for the few sums and differences
 * the portal shows beside API figures. Floats are used for chart geometry only, never for a number a user reads.
 */
const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class DecimalFormatError extends Error {}

export function toScaled(value: string): bigint {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new DecimalFormatError(`not a decimal string: ${JSON.stringify(value)}`);
  const [, sign, int = '0', frac = ''] = m;
  // Digits beyond 18 decimals are cut: the API's amounts carry at most 18 (FOCUS DECIMAL(38,18)).
  const scaled = BigInt(int) * ONE + BigInt((frac + '0'.repeat(SCALE)).slice(0, SCALE));
  return sign ? -scaled : scaled;
}

export function fromScaled(v: bigint): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${neg && abs !== 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export function addDecimals(values: readonly string[]): string {
  return fromScaled(values.reduce((sum, v) => sum + toScaled(v), 0n));
}

export function subtractDecimal(a: string, b: string): string {
  return fromScaled(toScaled(a) - toScaled(b));
}

export function compareDecimals(a: string, b: string): number {
  const d = toScaled(a) - toScaled(b);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

/** (current - previous) / previous in percent, one decimal, rounded half away from zero; null when previous is 0. */
export function percentChange(current: string, previous: string): string | null {
  const prev = toScaled(previous);
  if (prev === 0n) return null;
  const diff = toScaled(current) - prev;
  // Tenths of a percent, doubled to round half away from zero in integer arithmetic.
  const tenths2 = (diff * 2000n) / (prev < 0n ? -prev : prev);
  const tenths = tenths2 >= 0n ? (tenths2 + 1n) / 2n : (tenths2 - 1n) / 2n;
  const neg = tenths < 0n;
  const abs = neg ? -tenths : tenths;
  return `${neg ? '-' : ''}${abs / 10n}.${abs % 10n}`;
}

/** Share of `part` in `whole` as a float in [0, 1] for bar widths (geometry only). */
export function shareOf(part: string, whole: string): number {
  const w = toScaled(whole);
  if (w <= 0n) return 0;
  return Number((toScaled(part) * 10_000n) / w) / 10_000;
}

/** For chart axes only: the plotted position of an amount. Tooltips and tables show the decimal string. */
export function chartValue(value: string): number {
  return Number(value);
}
