/**
 * Rows as the BigQuery SDK hands them over (typed by the response schema) → plain JSON records in the shape of
 * `bq extract` NDJSON, which the `gcp-billing-export` format reads. Numbers become decimal text: the FOCUS reader casts
 * text straight to DECIMAL, so nothing here or downstream does float arithmetic on money.
 */
import { BigQueryDate, BigQueryDatetime, BigQueryInt, BigQueryTime, BigQueryTimestamp, Geography } from '@google-cloud/bigquery';

export interface SchemaField {
  name?: string | null;
  type?: string | null;
  mode?: string | null;
  fields?: SchemaField[] | null;
}

export type JsonValue = string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A double's shortest round-trip text without exponent ("1e-7" → "0.0000001"), by moving the decimal point in the
 * digit string: exact, no arithmetic.
 */
export function plainDecimal(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const text = String(n);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', int = '', frac = '', expText = '0'] = match;
  const digits = int + frac;
  const point = int.length + Number(expText);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.includes('.') ? out.replace(/0+$/, '').replace(/\.$/, '') : out;
  return sign + out;
}

function isBig(value: unknown): value is { toFixed(): string } {
  // NUMERIC / BIGNUMERIC arrive as big.js instances; toFixed() without arguments is their exact plain text.
  return typeof value === 'object' && value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function' && 'c' in value && 'e' in value;
}

function scalar(field: SchemaField, value: unknown, path: string): JsonValue {
  if (value === null || value === undefined) return null;
  const type = (field.type ?? 'STRING').toUpperCase();
  switch (type) {
    case 'FLOAT':
    case 'FLOAT64':
      if (typeof value !== 'number') break;
      return plainDecimal(value);
    case 'NUMERIC':
    case 'BIGNUMERIC':
      if (!isBig(value)) break;
      return value.toFixed();
    case 'INTEGER':
    case 'INT64':
      if (value instanceof BigQueryInt) return value.value;
      if (typeof value === 'number') return String(value);
      break;
    case 'TIMESTAMP':
      // The SDK renders microsecond timestamps with nanosecond digits ("….123456000Z"); BigQuery stores microseconds.
      if (value instanceof BigQueryTimestamp) return value.value.replace(/(\.\d{6})0{3}Z$/, '$1Z');
      break;
    case 'DATE':
      if (value instanceof BigQueryDate) return value.value;
      break;
    case 'DATETIME':
      if (value instanceof BigQueryDatetime) return value.value;
      break;
    case 'TIME':
      if (value instanceof BigQueryTime) return value.value;
      break;
    case 'GEOGRAPHY':
      if (value instanceof Geography) return value.value;
      break;
    case 'BOOL':
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      break;
    case 'BYTES':
      if (Buffer.isBuffer(value)) return value.toString('base64');
      break;
    case 'RECORD':
    case 'STRUCT':
      if (typeof value === 'object') return toJsonRecord(field.fields ?? [], value as Record<string, unknown>, path);
      break;
    default:
      // STRING, JSON (kept as its text: parseJSON is off), RANGE and types added later: their wire text.
      if (typeof value === 'string') return value;
      return String(value);
  }
  throw new Error(`BigQuery row field ${path} (${type}) has an unexpected value of type ${typeof value}`);
}

/** One SDK row → a JSON record, following the response schema so every field keeps its declared type. */
export function toJsonRecord(fields: readonly SchemaField[], row: Record<string, unknown>, parent = ''): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const field of fields) {
    const name = field.name ?? '';
    const path = parent ? `${parent}.${name}` : name;
    const value = row[name];
    if ((field.mode ?? '').toUpperCase() === 'REPEATED') {
      out[name] = Array.isArray(value) ? value.map((v, i) => scalar(field, v, `${path}[${i}]`)) : [];
    } else {
      out[name] = scalar(field, value, path);
    }
  }
  return out;
}
