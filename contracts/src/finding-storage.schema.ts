import { DateDay, Decimal, Field, Map_, Schema, Struct, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { FINDING_DECIMAL_PRECISION, FINDING_DECIMAL_SCALE } from './decimal.ts';
import { type FindingCategory, type Provider, type SavingsBasis, type Severity } from './finding.schema.ts';

/** Bumped when the storage layout changes; kept in the Arrow schema metadata (and so in every file). */
export const FINDING_STORAGE_VERSION = '1';
export const FINDING_STORAGE_VERSION_KEY = 'openfinops.finding_storage_version';

const money = () => new Decimal(FINDING_DECIMAL_SCALE, FINDING_DECIMAL_PRECISION, 128);
const text = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);

/**
 * tags as Map<Utf8, Utf8> (Arrow map layout: non-null struct "entries" of non-null "key" and
 * "value"). It round-trips through parquet-wasm unchanged and DuckDB reads it as
 * MAP(VARCHAR, VARCHAR), so `tags['env']` works in SQL.
 */
export const findingTagsType = new Map_<Utf8, Utf8>(
  new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Utf8(), false)]), false),
  false,
);

/** Arrow schema of the findings lake files; column order is part of the contract. */
export const findingArrowSchema = new Schema(
  [
    text('tenant_id'),
    text('run_id'),
    // Partition key (UTC day of observed_at), also kept in the file so a file is self-describing.
    new Field('run_date', new DateDay(), false),
    new Field('observed_at', new TimestampMillisecond('UTC'), false),
    text('fingerprint'),
    text('finding_id'),
    text('provider'),
    text('account_id'),
    text('region'),
    text('resource_type'),
    text('resource_id'),
    text('check_id'),
    text('check_version'),
    text('category'),
    text('severity'),
    text('title'),
    text('recommendation'),
    new Field('estimated_monthly_savings', money(), false),
    text('currency'),
    text('savings_basis'),
    new Field('observed_monthly_cost', money(), true),
    // Canonical JSON (RFC 8785) text.
    text('evidence'),
    new Field('tags', findingTagsType, false),
    text('discriminator', true),
    text('exclusion_group', true),
  ],
  new Map([[FINDING_STORAGE_VERSION_KEY, FINDING_STORAGE_VERSION]]),
);

export const FINDING_COLUMNS = findingArrowSchema.fields.map((f) => f.name);

/**
 * One row of `findingArrowSchema`, field for field (snake_case, same names as the parquet/DuckDB
 * columns). Money is canonical DECIMAL(18,6) text with exactly 6 fractional digits
 * ("12.500000", "-0.000001"), which is also how DuckDB prints the column; convert with
 * `toDecimal18_6` for arithmetic. Currency sits beside each amount.
 */
export interface FindingRecord {
  tenant_id: string;
  run_id: string;
  /** UTC calendar day of observed_at, 'YYYY-MM-DD'. */
  run_date: string;
  observed_at: Date;
  fingerprint: string;
  finding_id: string;
  provider: Provider;
  account_id: string;
  region: string;
  resource_type: string;
  resource_id: string;
  check_id: string;
  check_version: string;
  category: FindingCategory;
  severity: Severity;
  title: string;
  recommendation: string;
  estimated_monthly_savings: string;
  currency: string;
  savings_basis: SavingsBasis;
  observed_monthly_cost: string | null;
  /** Canonical JSON of the evidence object. */
  evidence: string;
  tags: Record<string, string>;
  discriminator: string | null;
  exclusion_group: string | null;
}
