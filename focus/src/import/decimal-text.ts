/** Exact decimal strings for money: DuckDB DECIMAL text in, canonical text out; comparisons on scaled bigints. */
const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

export function toScaled(value: string, scale = 18): bigint {
  const m = DECIMAL_TEXT.exec(value.trim());
  if (!m) throw new Error(`Not a decimal number: ${JSON.stringify(value)}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new Error(`More than ${scale} fractional digits: ${value}`);
  const n = BigInt(`${m[2]}${frac.slice(0, scale)}`);
  return m[1] ? -n : n;
}

export function fromScaled(value: bigint, scale = 18): string {
  const neg = value < 0n;
  const digits = (neg ? -value : value).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** '1.682308697400000000' → '1.6823086974'; '-0.000' → '0'. */
export function canonicalDecimal(value: string | null | undefined): string {
  if (value === null || value === undefined) return '0';
  return fromScaled(toScaled(value));
}
