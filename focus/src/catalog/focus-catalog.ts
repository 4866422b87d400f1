import catalog from './focus-1.2.columns.json' with { type: 'json' };

export const FOCUS_VERSION = '1.2';
export type FocusVersion = typeof FOCUS_VERSION;

export type FocusDataType = 'String' | 'Decimal' | 'DateTime' | 'JSON';
export type FocusFeatureLevel = 'Mandatory' | 'Conditional' | 'Recommended' | 'Optional';

export interface FocusColumn {
  name: string;
  displayName: string;
  columnType: 'Dimension' | 'Metric';
  featureLevel: FocusFeatureLevel;
  /** The spec's "Allows nulls" constraint-table value. */
  allowsNulls: boolean;
  /** True when a null is never valid: table says no nulls, or a normative "MUST NOT be null" bullet says so. */
  mustNotBeNull: boolean;
  dataType: FocusDataType;
  /** Storage type in DuckDB / parquet (Decimal → DECIMAL(38,18), DateTime → TIMESTAMPTZ in UTC, Tags → MAP). */
  duckdbType: string;
  valueFormat: string | null;
  numberRange: string | null;
  allowedValues?: string[];
  /** ServiceSubcategory only: value → parent ServiceCategory. */
  allowedValueParents?: Record<string, string>;
  allowedValuesOverride?: string;
  introducedVersion: string;
  description: string;
  specSource: string;
  /** Model applicability criteria of the presence rule (e.g. COMMITMENT_DISCOUNT_SUPPORTED); empty when unconditional. */
  presenceCriteria: string[];
  /** Rule ids in the official FOCUS 1.2 requirements model (focus_validator model-1.2.json). */
  modelRules: { presence: string; type?: string; notNull?: string; allowedValues?: string };
}

const DATA_TYPES: readonly string[] = ['String', 'Decimal', 'DateTime', 'JSON'];
const FEATURE_LEVELS: readonly string[] = ['Mandatory', 'Conditional', 'Recommended', 'Optional'];

function checkedColumns(raw: typeof catalog): FocusColumn[] {
  if (raw.focusVersion !== FOCUS_VERSION) throw new Error(`focus-1.2.columns.json: focusVersion ${raw.focusVersion} ≠ ${FOCUS_VERSION}`);
  return raw.columns.map((c) => {
    if (!DATA_TYPES.includes(c.dataType)) throw new Error(`focus-1.2.columns.json: ${c.name}.dataType "${c.dataType}" unknown`);
    if (!FEATURE_LEVELS.includes(c.featureLevel)) throw new Error(`focus-1.2.columns.json: ${c.name}.featureLevel "${c.featureLevel}" unknown`);
    if (c.columnType !== 'Dimension' && c.columnType !== 'Metric') throw new Error(`focus-1.2.columns.json: ${c.name}.columnType "${c.columnType}" unknown`);
    return Object.freeze(c as FocusColumn);
  });
}

/** FOCUS 1.2 columns in spec order (alphabetical, as `columns.mdpp` lists them). */
export const focusColumns: readonly FocusColumn[] = Object.freeze(checkedColumns(catalog));
export const focusColumnNames: readonly string[] = Object.freeze(focusColumns.map((c) => c.name));

const byName = new Map(focusColumns.map((c) => [c.name, c]));

export function isFocusColumn(name: string): boolean {
  return byName.has(name);
}

export function focusColumn(name: string): FocusColumn {
  const column = byName.get(name);
  if (!column) throw new Error(`"${name}" is not a FOCUS ${FOCUS_VERSION} column`);
  return column;
}

export function focusDuckDbType(name: string): string {
  return focusColumn(name).duckdbType;
}

/** Provider-specific columns the spec allows beside FOCUS columns; the validator ignores them. */
export function isCustomColumn(name: string): boolean {
  return name.startsWith('x_');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE` with every FOCUS 1.2 column in spec order and its storage type. */
export function focusCreateTableSql(tableName: string): string {
  const cols = focusColumns.map((c) => `  ${quoteIdentifier(c.name)} ${c.duckdbType}`).join(',\n');
  return `CREATE TABLE ${quoteIdentifier(tableName)} (\n${cols}\n)`;
}
