import { Decimal as ArrowDecimal, makeData, makeVector, type Data, type Vector } from 'apache-arrow';

/** Findings store money as DECIMAL(18,6): at most 12 integer digits and 6 fractional digits. */
export const FINDING_DECIMAL_PRECISION = 18;
export const FINDING_DECIMAL_SCALE = 6;

/** Thrown for a decimal that cannot be stored exactly; `field` names the offending field. */
export class DecimalError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'DecimalError';
    this.field = field;
  }
}

// Plain decimal notation only: exponents, hex, 'Infinity', '.5' and '5.' are refused so that the
// text a checker emits is exactly the value we store.
const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

const POWERS_OF_TEN = new Map<number, bigint>();

/** 10^n as a bigint, computed once per n: the range check runs for every money value of every finding. */
function powerOfTen(n: number): bigint {
  let power = POWERS_OF_TEN.get(n);
  if (power === undefined) {
    power = 10n ** BigInt(n);
    POWERS_OF_TEN.set(n, power);
  }
  return power;
}

/**
 * Parses decimal text into a bigint scaled by 10^scale, exactly. Trailing fractional zeros are
 * ignored ("1.5000000" is fine at scale 6); more significant fractional digits than `scale`, or a
 * magnitude that does not fit `precision` digits, is an error naming `field`.
 */
export function parseScaledDecimal(text: string, precision: number, scale: number, field = 'value'): bigint {
  if (typeof text !== 'string') {
    throw new DecimalError(field, `expected a decimal string, got ${typeof text}`);
  }
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) {
    throw new DecimalError(field, `"${text}" is not a plain decimal string (digits, optional '-' and '.')`);
  }
  const [, sign, intPart = '0', rawFraction = ''] = match;
  let fractionDigits = rawFraction.length;
  while (fractionDigits > 0 && rawFraction.charCodeAt(fractionDigits - 1) === 48) fractionDigits--;
  const fraction = rawFraction.slice(0, fractionDigits);
  if (fraction.length > scale) {
    throw new DecimalError(field, `"${text}" has ${fraction.length} fractional digits; at most ${scale} are allowed`);
  }
  const magnitude = BigInt(intPart + fraction.padEnd(scale, '0'));
  if (magnitude >= powerOfTen(precision)) {
    throw new DecimalError(field, `"${text}" is out of range for DECIMAL(${precision},${scale})`);
  }
  return sign && magnitude !== 0n ? -magnitude : magnitude;
}

/** Decimal text → bigint scaled by 10^6, exact, range-checked for DECIMAL(18,6). */
export function toDecimal18_6(text: string, field = 'value'): bigint {
  return parseScaledDecimal(text, FINDING_DECIMAL_PRECISION, FINDING_DECIMAL_SCALE, field);
}

/** Scaled bigint → decimal text with exactly `scale` fractional digits (as DuckDB prints DECIMAL). */
export function formatDecimal(value: bigint, scale: number): string {
  if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`scale must be a non-negative integer, got ${scale}`);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${intPart}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Canonical DECIMAL(18,6) text of decimal input: "12.5" → "12.500000". */
export function normalizeDecimal18_6(text: string, field = 'value'): string {
  return formatDecimal(toDecimal18_6(text, field), FINDING_DECIMAL_SCALE);
}

const WORDS_PER_DECIMAL128 = 4;
const UINT32_MASK = 0xffffffffn;

/**
 * Packs 128-bit values the way Arrow lays out Decimal128: four little-endian uint32 words per
 * value, two's complement, lowest word first. Nulls are written as zero words.
 */
export function decimal128Words(values: ReadonlyArray<bigint | null>): Uint32Array {
  const words = new Uint32Array(values.length * WORDS_PER_DECIMAL128);
  values.forEach((value, index) => {
    if (value === null) return;
    if (value !== BigInt.asIntN(128, value)) {
      throw new RangeError(`value ${value} at index ${index} does not fit in 128 bits`);
    }
    let bits = BigInt.asUintN(128, value);
    for (let w = 0; w < WORDS_PER_DECIMAL128; w++) {
      words[index * WORDS_PER_DECIMAL128 + w] = Number(bits & UINT32_MASK);
      bits >>= 32n;
    }
  });
  return words;
}

/** Reads the `index`-th Decimal128 value (scaled, signed) from Arrow's uint32 word buffer. */
export function decimal128FromWords(words: Uint32Array, index: number): bigint {
  let bits = 0n;
  for (let w = WORDS_PER_DECIMAL128 - 1; w >= 0; w--) {
    const word = words[index * WORDS_PER_DECIMAL128 + w];
    if (word === undefined) throw new RangeError(`decimal index ${index} is past the end of the buffer`);
    bits = (bits << 32n) | BigInt(word);
  }
  return BigInt.asIntN(128, bits);
}

/** Builds an Arrow Decimal128 vector from scaled bigints (null → null slot, validity bitmap set). */
export function decimalVector(values: ReadonlyArray<bigint | null>, precision: number, scale: number): Vector<ArrowDecimal> {
  const limit = 10n ** BigInt(precision);
  values.forEach((value, index) => {
    if (value !== null && (value >= limit || value <= -limit)) {
      throw new RangeError(`value ${value} at index ${index} exceeds DECIMAL(${precision},${scale})`);
    }
  });
  const type = new ArrowDecimal(scale, precision, 128);
  const nullCount = values.filter((v) => v === null).length;
  let nullBitmap: Uint8Array | undefined;
  if (nullCount > 0) {
    nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
    values.forEach((value, index) => {
      if (value !== null) nullBitmap![index >> 3]! |= 1 << (index & 7);
    });
  }
  const data = makeData({ type, length: values.length, nullCount, nullBitmap, data: decimal128Words(values) });
  return makeVector(data);
}

/**
 * Scaled bigint values of an Arrow Decimal128 vector, `null` for null slots. Arrow JS pre-slices
 * `values` for sliced chunks (only the validity bitmap uses `offset`), so words index from 0.
 */
export function decimalVectorValues(vector: Vector<ArrowDecimal>): Array<bigint | null> {
  const out: Array<bigint | null> = [];
  for (const chunk of vector.data as ReadonlyArray<Data<ArrowDecimal>>) {
    const words = chunk.values as unknown as Uint32Array;
    for (let i = 0; i < chunk.length; i++) {
      out.push(chunk.getValid(i) ? decimal128FromWords(words, i) : null);
    }
  }
  return out;
}
