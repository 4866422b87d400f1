import {
  DataType,
  type Date_,
  type DateDay,
  type Decimal,
  type Map_,
  RecordBatch,
  Struct,
  Table,
  type Timestamp,
  type Utf8,
  type Data,
  makeData,
  type Field,
  type Schema,
  type Vector,
} from 'apache-arrow';
import { FINDING_DECIMAL_SCALE, decimalVectorValues, formatDecimal, toDecimal18_6 } from './decimal.ts';
import { FINDING_CATEGORIES, PROVIDERS, SAVINGS_BASES, SEVERITIES } from './finding.schema.ts';
import { findingArrowSchema, type FindingRecord } from './finding-storage.schema.ts';

/** Plain-data description of an Arrow type, precise enough to compare schemas exactly. */
export interface ArrowTypeDescription {
  type: string;
  unit?: string;
  timezone?: string | null;
  precision?: number;
  scale?: number;
  bitWidth?: number;
  keysSorted?: boolean;
  children?: ArrowFieldDescription[];
}
export interface ArrowFieldDescription {
  name: string;
  nullable: boolean;
  type: ArrowTypeDescription;
}

// apache-arrow's own comparator treats every Decimal as equal, so precision/scale need this.
function describeType(type: DataType): ArrowTypeDescription {
  if (DataType.isDecimal(type)) {
    const t = type as Decimal;
    return { type: 'Decimal', precision: t.precision, scale: t.scale, bitWidth: t.bitWidth };
  }
  if (DataType.isTimestamp(type)) {
    const t = type as Timestamp;
    return { type: 'Timestamp', unit: String(t.unit), timezone: t.timezone ?? null };
  }
  if (DataType.isDate(type)) return { type: 'Date', unit: String((type as Date_).unit) };
  if (DataType.isMap(type)) {
    const t = type as Map_;
    return { type: 'Map', keysSorted: t.keysSorted, children: t.children.map(describeField) };
  }
  if (DataType.isStruct(type)) return { type: 'Struct', children: (type as Struct).children.map(describeField) };
  return { type: type.toString() };
}

export function describeField(field: Field): ArrowFieldDescription {
  return { name: field.name, nullable: field.nullable, type: describeType(field.type) };
}

export function describeArrowSchema(schema: Schema): ArrowFieldDescription[] {
  return schema.fields.map(describeField);
}

/** First difference between `schema` and `findingArrowSchema`, or null when they match exactly. */
export function findingSchemaMismatch(schema: Schema): string | null {
  const expected = describeArrowSchema(findingArrowSchema);
  const actual = describeArrowSchema(schema);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    if (want === undefined) return `unexpected extra column "${got?.name}" at position ${i}`;
    if (got === undefined) return `missing column "${want.name}" at position ${i}`;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      return `column ${i} "${got.name}": expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
    }
  }
  return null;
}

const DAY_MS = 86_400_000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(text: string, where: string): number {
  const match = DAY_TEXT.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new TypeError(`${where}: run_date must be a calendar day 'YYYY-MM-DD', got ${JSON.stringify(text)}`);
  }
  return ms / DAY_MS;
}

type StringKey = { [K in keyof FindingRecord]: FindingRecord[K] extends string | null ? K : never }[keyof FindingRecord];

const TEXT_COLUMNS = [
  'tenant_id',
  'run_id',
  'fingerprint',
  'finding_id',
  'provider',
  'account_id',
  'region',
  'resource_type',
  'resource_id',
  'check_id',
  'check_version',
  'category',
  'severity',
  'title',
  'recommendation',
  'currency',
  'savings_basis',
  'evidence',
  'discriminator',
  'exclusion_group',
] as const satisfies ReadonlyArray<StringKey>;

const utf8 = new TextEncoder();

/** Utf8 column buffers: byte offsets and bytes of the concatenated UTF-8 text. */
function utf8Buffers(values: ReadonlyArray<string>): { valueOffsets: Int32Array; data: Uint8Array } {
  const repeated = sameValue(values);
  if (repeated !== undefined) return repeatedUtf8(repeated, values.length);
  const valueOffsets = new Int32Array(values.length + 1);
  let chars = 0;
  for (let i = 0; i < values.length; i++) {
    chars += values[i]!.length;
    valueOffsets[i + 1] = chars;
  }
  // One encode of the whole column: when every char is ASCII the char offsets are the byte offsets.
  const joined = values.join('');
  const ascii = utf8.encode(joined);
  if (ascii.length === chars) return { valueOffsets, data: ascii };

  // Non-ASCII text (or lone surrogates, which TextEncoder writes as U+FFFD as apache-arrow's builder
  // did): encode value by value into a buffer sized for the worst case of 3 bytes per UTF-16 unit.
  const data = new Uint8Array(chars * 3);
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    bytes += utf8.encodeInto(values[i]!, data.subarray(bytes)).written;
    if (bytes > 0x7fffffff) throw new RangeError('findings column exceeds 2 GiB of UTF-8 text');
    valueOffsets[i + 1] = bytes;
  }
  return { valueOffsets, data: data.subarray(0, bytes) };
}

/** The value every entry has, when there are at least two entries and they are all equal. */
function sameValue(values: ReadonlyArray<string>): string | undefined {
  const first = values[0];
  if (values.length < 2 || first === undefined) return undefined;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return undefined;
  return first;
}

/**
 * Buffers of `count` copies of one value, encoded once: most columns of a run (tenant, run, account, check,
 * version, category, severity, currency...) hold one value, so this skips the join and encode of the whole column.
 */
function repeatedUtf8(value: string, count: number): { valueOffsets: Int32Array; data: Uint8Array } {
  const bytes = utf8.encode(value);
  if (bytes.length * count > 0x7fffffff) throw new RangeError('findings column exceeds 2 GiB of UTF-8 text');
  const data = new Uint8Array(bytes.length * count);
  const valueOffsets = new Int32Array(count + 1);
  if (bytes.length > 0) {
    data.set(bytes, 0);
    // Doubling copies: log2(count) memmoves instead of one set per row.
    for (let filled = bytes.length; filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  }
  for (let i = 1; i <= count; i++) valueOffsets[i] = i * bytes.length;
  return { valueOffsets, data };
}

function validityBitmap(valid: ReadonlyArray<boolean>, nullCount: number): Uint8Array | undefined {
  if (nullCount === 0) return undefined;
  const bitmap = new Uint8Array(Math.ceil(valid.length / 8));
  for (let i = 0; i < valid.length; i++) if (valid[i]) bitmap[i >> 3]! |= 1 << (i & 7);
  return bitmap;
}

function utf8Data(type: DataType, values: ReadonlyArray<string>, valid?: ReadonlyArray<boolean>, nullCount = 0): Data {
  const { valueOffsets, data } = utf8Buffers(values);
  return makeData({ type: type as Utf8, length: values.length, nullCount, nullBitmap: valid ? validityBitmap(valid, nullCount) : undefined, valueOffsets, data });
}

// Canonical DECIMAL(18,6) text as castFindings writes it; anything else takes the general parser.
const CANONICAL_MONEY = /^-?\d{1,12}\.\d{6}$/;

function moneyValue(text: string, where: string): bigint {
  if (CANONICAL_MONEY.test(text)) return BigInt(text.replace('.', ''));
  return toDecimal18_6(text, where);
}

/**
 * Arrow Table with exactly `findingArrowSchema` (including its metadata). Values are checked on the
 * way in; a bad one throws naming the record index and column. Columns are built straight into
 * Arrow buffers (no per-value builders), since this runs over every finding of a run.
 */
export function findingsToArrowTable(records: ReadonlyArray<FindingRecord>): Table {
  return new Table(findingArrowSchema, [findingsToRecordBatch(records)]);
}

/**
 * One Arrow record batch of `records` with exactly `findingArrowSchema`; the batch holds only column buffers
 * (typed arrays), so a writer can keep batches of many runs without keeping their record objects alive.
 */
export function findingsToRecordBatch(records: ReadonlyArray<FindingRecord>): RecordBatch {
  return findingColumnsToRecordBatch(findingColumnsOfRecords(records));
}

/** A Utf8 column before encoding: nulls are '' in `values` with `valid[i] === false` (nullable columns only). */
export interface TextColumnValues {
  values: string[];
  valid?: boolean[];
  nullCount: number;
}

export type FindingTextColumn = (typeof TEXT_COLUMNS)[number];

/**
 * Checked column values of one batch, the step between findings and Arrow buffers. Built from storage records
 * (`findingColumnsOfRecords`) or straight from validated wire findings (`castFindingsToBatch`); either way
 * `findingColumnsToRecordBatch` turns them into the same buffers.
 */
export interface FindingColumns {
  length: number;
  text: Record<FindingTextColumn, TextColumnValues>;
  /** Days since the epoch (Arrow DateDay). */
  runDays: Int32Array;
  /** Epoch milliseconds. */
  observedAt: BigInt64Array;
  /** Scaled by 10^6 (DECIMAL(18,6)). */
  savings: BigInt64Array;
  /** Scaled by 10^6; 0 where `observedCostValid[i]` is false. */
  observedCost: BigInt64Array;
  observedCostValid: boolean[];
  observedCostNulls: number;
  /** Map entries: row i owns entries tagOffsets[i] .. tagOffsets[i + 1], keys sorted. */
  tagOffsets: Int32Array;
  tagKeys: string[];
  tagValues: string[];
}

const NULLABLE_TEXT: ReadonlySet<string> = new Set(findingArrowSchema.fields.filter((f) => f.nullable && DataType.isUtf8(f.type)).map((f) => f.name));

function fieldType(name: string): DataType {
  const field = findingArrowSchema.fields.find((f) => f.name === name);
  if (!field) throw new Error(`internal: no column ${name} in findingArrowSchema`);
  return field.type;
}

/** UTC day number of 'YYYY-MM-DD' (checked), for the run_date column. */
export function runDayNumber(day: string, where: string): number {
  return dayNumber(day, where);
}

/** Tag map entries in key order (sorted entries make files byte-for-byte reproducible for the same findings). */
export function sortedTagKeys(tags: Record<string, string>): string[] {
  const keys = Object.keys(tags);
  if (keys.length > 1) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys;
}

/** Column values of storage records; values are checked on the way in and a bad one throws naming the record and column. */
export function findingColumnsOfRecords(records: ReadonlyArray<FindingRecord>): FindingColumns {
  const where = (index: number, column: string) => `finding record ${index} (resource_id ${JSON.stringify(records[index]?.resource_id)}) column ${column}`;
  const length = records.length;

  // One pass reads every text field with a fixed property name (fast, monomorphic loads); the
  // per-column loops below then validate in the same column order as before.
  const raw = new Map<StringKey, unknown[]>(TEXT_COLUMNS.map((column) => [column, new Array<unknown>(length)]));
  const col = (column: StringKey) => raw.get(column)!;
  {
    const tenantId = col('tenant_id');
    const runId = col('run_id');
    const fingerprint = col('fingerprint');
    const findingId = col('finding_id');
    const provider = col('provider');
    const accountId = col('account_id');
    const region = col('region');
    const resourceType = col('resource_type');
    const resourceId = col('resource_id');
    const checkId = col('check_id');
    const checkVersion = col('check_version');
    const category = col('category');
    const severity = col('severity');
    const title = col('title');
    const recommendation = col('recommendation');
    const currency = col('currency');
    const savingsBasis = col('savings_basis');
    const evidence = col('evidence');
    const discriminator = col('discriminator');
    const exclusionGroup = col('exclusion_group');
    for (let i = 0; i < length; i++) {
      const r = records[i]!;
      tenantId[i] = r.tenant_id;
      runId[i] = r.run_id;
      fingerprint[i] = r.fingerprint;
      findingId[i] = r.finding_id;
      provider[i] = r.provider;
      accountId[i] = r.account_id;
      region[i] = r.region;
      resourceType[i] = r.resource_type;
      resourceId[i] = r.resource_id;
      checkId[i] = r.check_id;
      checkVersion[i] = r.check_version;
      category[i] = r.category;
      severity[i] = r.severity;
      title[i] = r.title;
      recommendation[i] = r.recommendation;
      currency[i] = r.currency;
      savingsBasis[i] = r.savings_basis;
      evidence[i] = r.evidence;
      discriminator[i] = r.discriminator;
      exclusionGroup[i] = r.exclusion_group;
    }
  }

  const textColumn = (column: FindingTextColumn): TextColumnValues => {
    const nullable = NULLABLE_TEXT.has(column);
    const source = col(column);
    const values = new Array<string>(length);
    const valid = nullable ? new Array<boolean>(length) : undefined;
    let nullCount = 0;
    for (let index = 0; index < length; index++) {
      const value = source[index];
      if (value === null && valid) {
        values[index] = '';
        valid[index] = false;
        nullCount++;
        continue;
      }
      if (typeof value !== 'string') throw new TypeError(`${where(index, column)}: expected a string${nullable ? ' or null' : ''}, got ${value === null ? 'null' : typeof value}`);
      values[index] = value;
      if (valid) valid[index] = true;
    }
    return valid ? { values, valid, nullCount } : { values, nullCount };
  };

  const moneyColumn = (column: 'estimated_monthly_savings' | 'observed_monthly_cost', nullable: boolean) => {
    const scaled = new BigInt64Array(length);
    const valid = new Array<boolean>(length);
    let nullCount = 0;
    for (let index = 0; index < length; index++) {
      const value: unknown = records[index]![column];
      if (value === null && nullable) {
        valid[index] = false;
        nullCount++;
        continue;
      }
      if (typeof value !== 'string') throw new TypeError(`${where(index, column)}: expected decimal text, got ${value === null ? 'null' : typeof value}`);
      scaled[index] = moneyValue(value, where(index, column));
      valid[index] = true;
    }
    return { scaled, valid, nullCount };
  };

  const runDays = new Int32Array(length);
  let lastDay = '';
  let lastDayNumber = 0;
  for (let index = 0; index < length; index++) {
    const day = records[index]!.run_date;
    // A run has one run_date, so parse each distinct day once.
    if (day !== lastDay || index === 0) {
      lastDayNumber = dayNumber(day, where(index, 'run_date'));
      lastDay = day;
    }
    runDays[index] = lastDayNumber;
  }
  const observedAt = new BigInt64Array(length);
  for (let index = 0; index < length; index++) {
    const at = records[index]!.observed_at;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new TypeError(`${where(index, 'observed_at')}: expected a valid Date`);
    }
    observedAt[index] = BigInt(at.getTime());
  }
  const tagOffsets = new Int32Array(length + 1);
  const tagKeys: string[] = [];
  const tagValues: string[] = [];
  for (let index = 0; index < length; index++) {
    const tags = records[index]!.tags;
    if (tags === null || typeof tags !== 'object') throw new TypeError(`${where(index, 'tags')}: expected an object of strings`);
    for (const key of sortedTagKeys(tags)) {
      const value: unknown = tags[key];
      if (typeof value !== 'string') throw new TypeError(`${where(index, 'tags')}: tag "${key}" must be a string, got ${typeof value}`);
      tagKeys.push(key);
      tagValues.push(value);
    }
    tagOffsets[index + 1] = tagKeys.length;
  }

  // Checked in schema order, so the first bad value reported is the leftmost one.
  const text = {} as Record<FindingTextColumn, TextColumnValues>;
  let savings: ReturnType<typeof moneyColumn> | undefined;
  let observedCost: ReturnType<typeof moneyColumn> | undefined;
  for (const field of findingArrowSchema.fields) {
    if (field.name === 'estimated_monthly_savings') savings = moneyColumn('estimated_monthly_savings', false);
    else if (field.name === 'observed_monthly_cost') observedCost = moneyColumn('observed_monthly_cost', true);
    else if (DataType.isUtf8(field.type)) text[field.name as FindingTextColumn] = textColumn(field.name as FindingTextColumn);
  }
  if (!savings || !observedCost) throw new Error('internal: money columns missing from findingArrowSchema');
  return {
    length,
    text,
    runDays,
    observedAt,
    savings: savings.scaled,
    observedCost: observedCost.scaled,
    observedCostValid: observedCost.valid,
    observedCostNulls: observedCost.nullCount,
    tagOffsets,
    tagKeys,
    tagValues,
  };
}

function moneyData(column: string, length: number, scaled: BigInt64Array, valid: ReadonlyArray<boolean> | undefined, nullCount: number): Data {
  // Decimal128 little-endian: each value is a sign-extended int64 pair (DECIMAL(18,6) fits 64 bits).
  const words = new BigInt64Array(length * 2);
  for (let index = 0; index < length; index++) {
    if (valid && !valid[index]) continue;
    const value = scaled[index]!;
    words[index * 2] = value;
    words[index * 2 + 1] = value < 0n ? -1n : 0n;
  }
  return makeData({
    type: fieldType(column) as Decimal,
    length,
    nullCount,
    nullBitmap: valid ? validityBitmap(valid, nullCount) : undefined,
    data: new Uint32Array(words.buffer, words.byteOffset, length * 4),
  });
}

/** The record batch of checked column values (see `FindingColumns`). */
export function findingColumnsToRecordBatch(c: FindingColumns): RecordBatch {
  const { length } = c;
  const tagsType = fieldType('tags') as Map_;
  const entriesType = tagsType.children[0]!.type as Struct;
  const entries = makeData({
    type: entriesType,
    length: c.tagKeys.length,
    nullCount: 0,
    children: [utf8Data(entriesType.children[0]!.type, c.tagKeys), utf8Data(entriesType.children[1]!.type, c.tagValues)],
  });
  const children = findingArrowSchema.fields.map((field): Data => {
    switch (field.name) {
      case 'run_date':
        return makeData({ type: field.type as DateDay, length, nullCount: 0, data: c.runDays });
      case 'observed_at':
        return makeData({ type: field.type as Timestamp, length, nullCount: 0, data: c.observedAt });
      case 'estimated_monthly_savings':
        return moneyData(field.name, length, c.savings, undefined, 0);
      case 'observed_monthly_cost':
        return moneyData(field.name, length, c.observedCost, c.observedCostValid, c.observedCostNulls);
      case 'tags':
        return makeData({ type: tagsType, length, nullCount: 0, valueOffsets: c.tagOffsets, child: entries });
      default: {
        const column = c.text[field.name as FindingTextColumn];
        if (!column || column.values.length !== length) throw new Error(`internal: column ${field.name} was not built`);
        return utf8Data(field.type, column.values, column.valid, column.nullCount);
      }
    }
  });
  return new RecordBatch(findingArrowSchema, makeData({ type: new Struct(findingArrowSchema.fields), length, nullCount: 0, children }));
}

function memberOf<T extends string>(allowed: ReadonlyArray<T>, value: unknown, where: string): T {
  if (typeof value !== 'string' || !(allowed as ReadonlyArray<string>).includes(value)) {
    throw new TypeError(`${where}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Typed records from a findings table (e.g. `readFindingsParquet`). Rejects a table whose schema
 * differs from `findingArrowSchema`; `source` names the file in errors.
 */
export function findingRecordsFromTable(table: Table, source = 'findings table'): FindingRecord[] {
  const mismatch = findingSchemaMismatch(table.schema);
  if (mismatch) throw new TypeError(`${source}: not a findings table: ${mismatch}`);

  const column = (name: string): Vector => table.getChild(name)!;
  const text = (name: string) => [...column(name)] as Array<string | null>;
  const money = (name: string) => decimalVectorValues(column(name) as Vector<Decimal>);
  const requireText = (values: Array<string | null>, name: string, row: number): string => {
    const value = values[row];
    if (typeof value !== 'string') throw new TypeError(`${source} row ${row} column ${name}: null in a non-null column`);
    return value;
  };

  const cols = Object.fromEntries(
    findingArrowSchema.fields
      .filter((f) => DataType.isUtf8(f.type))
      .map((f) => [f.name, text(f.name)]),
  ) as Record<string, Array<string | null>>;
  const t = (name: string, row: number) => requireText(cols[name]!, name, row);
  const savings = money('estimated_monthly_savings');
  const observedCost = money('observed_monthly_cost');
  const runDate = column('run_date');
  const observedAt = column('observed_at');
  const tags = column('tags');

  const records: FindingRecord[] = [];
  for (let row = 0; row < table.numRows; row++) {
    const at = (name: string) => `${source} row ${row} column ${name}`;
    const saving = savings[row];
    if (saving === null || saving === undefined) throw new TypeError(`${at('estimated_monthly_savings')}: null in a non-null column`);
    const cost = observedCost[row];
    const tagRow = tags.get(row) as { toJSON(): Record<string, string> } | null;
    records.push({
      tenant_id: t('tenant_id', row),
      run_id: t('run_id', row),
      // DateDay.get yields epoch milliseconds of the day.
      run_date: new Date(runDate.get(row) as number).toISOString().slice(0, 10),
      observed_at: new Date(Number(observedAt.get(row))),
      fingerprint: t('fingerprint', row),
      finding_id: t('finding_id', row),
      provider: memberOf(PROVIDERS, t('provider', row), at('provider')),
      account_id: t('account_id', row),
      region: t('region', row),
      resource_type: t('resource_type', row),
      resource_id: t('resource_id', row),
      check_id: t('check_id', row),
      check_version: t('check_version', row),
      category: memberOf(FINDING_CATEGORIES, t('category', row), at('category')),
      severity: memberOf(SEVERITIES, t('severity', row), at('severity')),
      title: t('title', row),
      recommendation: t('recommendation', row),
      estimated_monthly_savings: formatDecimal(saving, FINDING_DECIMAL_SCALE),
      currency: t('currency', row),
      savings_basis: memberOf(SAVINGS_BASES, t('savings_basis', row), at('savings_basis')),
      observed_monthly_cost: cost === null || cost === undefined ? null : formatDecimal(cost, FINDING_DECIMAL_SCALE),
      evidence: t('evidence', row),
      tags: tagRow ? { ...tagRow.toJSON() } : {},
      discriminator: cols.discriminator![row] ?? null,
      exclusion_group: cols.exclusion_group![row] ?? null,
    });
  }
  return records;
}
