import path from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  type DuckDBPreparedStatement,
  type DuckDBType,
  DuckDBTypeId,
  StatementType,
} from '@duckdb/node-api';
import { focusColumns, focusCreateTableSql, quoteIdentifier } from '@openfinops/focus';
import type { LakeLayout } from '@openfinops/tenants';
import { Decimal } from 'decimal.js';

/** A value of a row returned by `ctx.inputs.focus.query`: DECIMAL → decimal string, TIMESTAMPTZ → ISO-8601 UTC, DATE → 'YYYY-MM-DD', MAP → object. */
export type FocusValue = string | number | boolean | null | FocusValue[] | { [key: string]: FocusValue };
export type FocusRow = Record<string, FocusValue>;
/** Bound parameters ($1, $2, …). Decimals go in as strings and are cast in SQL (`$2::DECIMAL(38,18)`), so no float is ever bound. */
export type FocusParam = string | number | bigint | boolean | null;

export interface EffectiveUnitPriceFilter {
  serviceName?: string;
  skuId?: string;
  region?: string;
  pricingUnit?: string;
  subAccountId?: string;
  /** ChargePeriodStart ≥ since (default: all data). */
  since?: Date;
  /** ChargePeriodStart < until. */
  until?: Date;
}

export interface EffectiveUnitPrice {
  /** SUM(EffectiveCost) / SUM(PricingQuantity), rounded to 18 fractional digits. */
  unitPrice: string;
  currency: string;
  pricingUnit: string | null;
  effectiveCost: string;
  pricingQuantity: string;
  rows: number;
}

/** Read-only SQL access to one tenant's FOCUS 1.2 rows: a view `focus` (detail rows) and `focus_daily` (daily rollup). */
export interface FocusInput {
  /** Where the rows come from (the tenant's lake glob, or "rows:<n>" for in-memory fixtures). */
  readonly source: string;
  /** Runs one SELECT/WITH statement with bound parameters; any other statement is refused. */
  query<Row extends FocusRow = FocusRow>(sql: string, params?: readonly FocusParam[]): Promise<Row[]>;
  /**
   * The tenant's own effective unit prices (SUM(EffectiveCost)/SUM(PricingQuantity)) for Usage rows matching the
   * filter, one entry per billing currency and pricing unit (they are not comparable with each other); [] when none.
   */
  effectiveUnitPrice(filter: EffectiveUnitPriceFilter): Promise<EffectiveUnitPrice[]>;
  /** Distinct (ProviderName, SubAccountId) pairs, so a runner can run billing checks once per sub account. */
  subAccounts(): Promise<Array<{ providerName: string; subAccountId: string }>>;
  close(): Promise<void>;
}

export class FocusInputError extends Error {
  readonly code = 'FOCUS_INPUT_INVALID';
  constructor(readonly source: string, readonly field: string, reason: string) {
    super(`${source}: ${field}: ${reason}`);
    this.name = 'FocusInputError';
  }
}

export class FocusQueryError extends Error {
  readonly code = 'FOCUS_QUERY_REFUSED';
  constructor(reason: string) {
    super(`FOCUS query refused: ${reason}`);
    this.name = 'FocusQueryError';
  }
}

/**
 * Provider columns (x_) the conversions in focus/src/formats write and that checkers may name: the `focus` view always
 * has them (NULL when the tenant's files lack them), so a check's SQL binds whatever providers the tenant imported.
 */
export const FOCUS_KNOWN_X_COLUMNS: Readonly<Record<string, string>> = Object.freeze({
  x_UsageType: 'VARCHAR',
  x_Operation: 'VARCHAR',
  x_ProductCode: 'VARCHAR',
  x_ProductFamily: 'VARCHAR',
  x_LineItemType: 'VARCHAR',
  x_ResourceType: 'VARCHAR',
  x_ResourceGroupName: 'VARCHAR',
  x_ChargeType: 'VARCHAR',
  x_PricingSubcategory: 'VARCHAR',
  x_SkuDetails: 'VARCHAR',
  x_SkuMeterCategory: 'VARCHAR',
  x_SkuMeterSubcategory: 'VARCHAR',
  x_SkuMeterName: 'VARCHAR',
  x_CostType: 'VARCHAR',
  x_CreditType: 'VARCHAR',
  x_CreditsTotal: 'DECIMAL(38,18)',
  x_Credits: 'JSON',
});

/** Columns of the daily rollup files (focus/src/import/rollup.sql without the partition columns). */
const ROLLUP_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['ChargeDay', 'DATE'],
  ['ProviderName', 'VARCHAR'],
  ['BillingAccountId', 'VARCHAR'],
  ['SubAccountId', 'VARCHAR'],
  ['ServiceCategory', 'VARCHAR'],
  ['ServiceName', 'VARCHAR'],
  ['RegionId', 'VARCHAR'],
  ['ChargeCategory', 'VARCHAR'],
  ['BillingCurrency', 'VARCHAR'],
  ['BilledCost', 'DECIMAL(38,18)'],
  ['EffectiveCost', 'DECIMAL(38,18)'],
  ['ListCost', 'DECIMAL(38,18)'],
  ['RowCount', 'BIGINT'],
];

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const FOCUS_TYPES = new Map(focusColumns.map((c) => [c.name, c.duckdbType] as const));
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
// ISO-8601 with an explicit UTC offset, so a fixture never depends on the machine's time zone.
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

function columnType(name: string): string {
  return FOCUS_TYPES.get(name) ?? FOCUS_KNOWN_X_COLUMNS[name] ?? 'VARCHAR';
}

/** One fixture cell as SQL-castable text (or null), checked against its column's storage type; errors name row and column. */
function cellText(source: string, row: number, column: string, type: string, value: unknown): string | null {
  const field = `focus[${row}].${column}`;
  if (value === null || value === undefined || value === '') return null;
  if (type.startsWith('MAP(')) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new FocusInputError(source, `${field}.${k}`, 'tag values must be strings');
      }
      return JSON.stringify(value);
    }
    if (typeof value === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new FocusInputError(source, field, 'expected a JSON object of string values such as {"owner":"team-a"}');
      }
      return cellText(source, row, column, type, parsed);
    }
    throw new FocusInputError(source, field, 'expected an object of string values');
  }
  if (type === 'JSON') return typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value !== 'string') {
    throw new FocusInputError(source, field, `expected a string (FOCUS values are given as text, e.g. "12.5"), got ${typeof value}`);
  }
  if (type.startsWith('DECIMAL') && !DECIMAL_TEXT.test(value.trim())) {
    throw new FocusInputError(source, field, `"${value}" is not a plain decimal string`);
  }
  if (type.startsWith('TIMESTAMP') && (!TIMESTAMP_TEXT.test(value.trim()) || Number.isNaN(Date.parse(value)))) {
    throw new FocusInputError(source, field, `"${value}" is not an ISO-8601 timestamp with a UTC offset such as 2026-10-01T00:00:00Z`);
  }
  return value;
}

function castExpr(param: number, type: string): string {
  if (type.startsWith('MAP(')) return `CAST(json_transform($${param}, '"${type}"') AS ${type})`;
  return `CAST($${param} AS ${type})`;
}

/** Converts one result value (as `getRowObjectsJson` renders it) by its column type; floats are refused. */
function convertValue(value: unknown, type: DuckDBType, column: string): FocusValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      throw new FocusQueryError(
        `column "${column}" is a floating-point ${type.toString()}; money must stay decimal: CAST it to DECIMAL(38,18) in the SQL`,
      );
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT: {
      const n = BigInt(value as string | number);
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) return n.toString();
      return Number(n);
    }
    case DuckDBTypeId.TIMESTAMP_TZ:
      // The session time zone is UTC, so DuckDB renders "2026-01-01 00:00:00+00"; ISO keeps evidence unambiguous.
      return String(value).replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
    case DuckDBTypeId.TIMESTAMP:
      return String(value).replace(' ', 'T');
    case DuckDBTypeId.MAP: {
      const out: Record<string, FocusValue> = {};
      for (const entry of value as Array<{ key: unknown; value: unknown }>) out[String(entry.key)] = entry.value as FocusValue;
      return out;
    }
    default:
      return value as FocusValue;
  }
}

function convertRows(result: DuckDBResultReader): FocusRow[] {
  const names = result.columnNames();
  const types = result.columnTypes();
  return result.getRowObjectsJson().map((raw) => {
    const row: FocusRow = {};
    names.forEach((name, i) => {
      row[name] = convertValue(raw[name], types[i] as DuckDBType, name);
    });
    return row;
  });
}

const HighPrecision = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });

type Setup = (conn: DuckDBConnection) => Promise<void>;

/** Shared engine: one in-memory DuckDB per input, views built by `setup`, then external access off and the config locked. */
class SandboxedFocusInput implements FocusInput {
  private connection: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | undefined;
  private closed = false;

  constructor(
    readonly source: string,
    private readonly setup: Setup,
  ) {}

  private async open(): Promise<DuckDBConnection> {
    if (this.closed) throw new FocusQueryError('the FOCUS input is closed');
    this.connection ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
      const conn = await instance.connect();
      try {
        await conn.run(`SET TimeZone = 'UTC'`);
        await this.setup(conn);
        await conn.run('SET enable_external_access = false');
        await conn.run('SET lock_configuration = true');
      } catch (err) {
        conn.closeSync();
        instance.closeSync();
        throw err;
      }
      return { instance, conn };
    })();
    return (await this.connection).conn;
  }

  async query<Row extends FocusRow = FocusRow>(sql: string, params: readonly FocusParam[] = []): Promise<Row[]> {
    const conn = await this.open();
    const extracted = await conn.extractStatements(sql);
    if (extracted.count !== 1) throw new FocusQueryError(`expected exactly one statement, got ${extracted.count}`);
    const prepared = await extracted.prepare(0);
    if (prepared.statementType !== StatementType.SELECT) {
      throw new FocusQueryError('only a single SELECT (or WITH … SELECT) statement may run against FOCUS data');
    }
    if (prepared.parameterCount !== params.length) {
      throw new FocusQueryError(`the SQL has ${prepared.parameterCount} parameter(s) but ${params.length} were given`);
    }
    params.forEach((p, i) => bindParam(prepared, i + 1, p));
    const result = await prepared.runAndReadAll();
    return convertRows(result) as Row[];
  }

  async effectiveUnitPrice(filter: EffectiveUnitPriceFilter): Promise<EffectiveUnitPrice[]> {
    const rows = await effectiveUnitPriceRows(this, filter);
    return rows
      .filter((r) => r.quantity !== null && !new Decimal(r.quantity).isZero())
      .map((r) => ({
        unitPrice: new HighPrecision(r.cost).div(r.quantity as string).toDecimalPlaces(18).toFixed(),
        currency: r.currency,
        pricingUnit: r.pricing_unit,
        effectiveCost: r.cost,
        pricingQuantity: r.quantity as string,
        rows: r.n,
      }));
  }

  async subAccounts(): Promise<Array<{ providerName: string; subAccountId: string }>> {
    const rows = await this.query<{ provider_name: string; sub_account_id: string }>(
      `SELECT DISTINCT "ProviderName" AS provider_name, "SubAccountId" AS sub_account_id
         FROM focus WHERE "SubAccountId" IS NOT NULL AND "ProviderName" IS NOT NULL ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ providerName: r.provider_name, subAccountId: r.sub_account_id }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.connection;
    this.connection = undefined;
    if (!c) return;
    const { instance, conn } = await c.catch(() => ({ instance: undefined, conn: undefined }));
    conn?.closeSync();
    instance?.closeSync();
  }
}

function bindParam(prepared: DuckDBPreparedStatement, index: number, value: FocusParam): void {
  if (value === null) prepared.bindNull(index);
  else if (typeof value === 'string') prepared.bindVarchar(index, value);
  else if (typeof value === 'boolean') prepared.bindBoolean(index, value);
  else if (typeof value === 'bigint') prepared.bindBigInt(index, value);
  else if (Number.isSafeInteger(value)) prepared.bindBigInt(index, BigInt(value));
  else throw new FocusQueryError(`parameter $${index} is the non-integer number ${value}; pass decimals as strings and cast them in SQL`);
}

interface UnitPriceRow {
  currency: string;
  pricing_unit: string | null;
  cost: string;
  quantity: string | null;
  n: number;
}

/** Usage rows only: purchases and credits have no quantity that prices them. */
function effectiveUnitPriceRows(input: FocusInput, f: EffectiveUnitPriceFilter): Promise<UnitPriceRow[]> {
  return input.query<UnitPriceRow & FocusRow>(
    `SELECT "BillingCurrency" AS currency, "PricingUnit" AS pricing_unit,
            CAST(SUM("EffectiveCost") AS DECIMAL(38,18)) AS cost,
            CAST(SUM("PricingQuantity") AS DECIMAL(38,18)) AS quantity,
            count(*) AS n
       FROM focus
      WHERE "ChargeCategory" = 'Usage'
        AND "PricingQuantity" IS NOT NULL
        AND ($1::VARCHAR IS NULL OR "ServiceName" = $1)
        AND ($2::VARCHAR IS NULL OR "SkuId" = $2)
        AND ($3::VARCHAR IS NULL OR "RegionId" = $3)
        AND ($4::VARCHAR IS NULL OR "PricingUnit" = $4)
        AND ($5::VARCHAR IS NULL OR "SubAccountId" = $5)
        AND ($6::VARCHAR IS NULL OR "ChargePeriodStart" >= CAST($6 AS TIMESTAMPTZ))
        AND ($7::VARCHAR IS NULL OR "ChargePeriodStart" < CAST($7 AS TIMESTAMPTZ))
      GROUP BY ALL
      ORDER BY currency, pricing_unit NULLS LAST`,
    [
      f.serviceName ?? null,
      f.skuId ?? null,
      f.region ?? null,
      f.pricingUnit ?? null,
      f.subAccountId ?? null,
      f.since?.toISOString() ?? null,
      f.until?.toISOString() ?? null,
    ],
  );
}

const rollupSelect = (from: string) => `SELECT
    CAST("ChargePeriodStart" AS DATE) AS "ChargeDay", "ProviderName", "BillingAccountId", "SubAccountId", "ServiceCategory",
    "ServiceName", "RegionId", "ChargeCategory", "BillingCurrency",
    SUM("BilledCost") AS "BilledCost", SUM("EffectiveCost") AS "EffectiveCost", SUM("ListCost") AS "ListCost",
    count(*) AS "RowCount"
  FROM ${from} GROUP BY ALL`;

/**
 * FOCUS input over in-memory rows (fixtures, tests): FOCUS column names with values as text, cast to the lake's storage
 * types (`focusCreateTableSql`); `x_` columns are kept (VARCHAR unless a known type). Bad cells throw at once, naming
 * the row and column.
 */
export function createFocusInputFromRows(rows: readonly Record<string, unknown>[], opts: { source?: string } = {}): FocusInput {
  const source = opts.source ?? `rows:${rows.length}`;
  const extra = new Set<string>();
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new FocusInputError(source, `focus[${i}]`, 'expected an object');
    for (const key of Object.keys(row)) {
      if (FOCUS_TYPES.has(key)) continue;
      if (!key.startsWith('x_')) throw new FocusInputError(source, `focus[${i}].${key}`, 'not a FOCUS 1.2 column (provider columns start with x_)');
      extra.add(key);
    }
  });
  for (const name of Object.keys(FOCUS_KNOWN_X_COLUMNS)) extra.add(name);
  const columns = [...FOCUS_TYPES.keys(), ...[...extra].sort()];
  const types = columns.map(columnType);
  const texts = rows.map((row, i) => columns.map((c, j) => cellText(source, i, c, types[j] as string, row[c])));

  return new SandboxedFocusInput(source, async (conn) => {
    const focusDdl = focusCreateTableSql('focus_rows');
    const extraDdl = columns.slice(FOCUS_TYPES.size).map((c) => `, ${quoteIdentifier(c)} ${columnType(c)}`).join('');
    await conn.run(`${focusDdl.slice(0, focusDdl.lastIndexOf(')'))}${extraDdl})`);
    const insert = await conn.prepare(
      `INSERT INTO focus_rows (${columns.map(quoteIdentifier).join(', ')}) VALUES (${types.map((t, i) => castExpr(i + 1, t)).join(', ')})`,
    );
    for (const [i, cells] of texts.entries()) {
      cells.forEach((v, j) => (v === null ? insert.bindNull(j + 1) : insert.bindVarchar(j + 1, v)));
      try {
        await insert.run();
      } catch (err) {
        throw new FocusInputError(source, `focus[${i}]`, (err as Error).message);
      }
    }
    await conn.run('CREATE VIEW focus AS SELECT * FROM focus_rows');
    await conn.run(`CREATE VIEW focus_daily AS ${rollupSelect('focus_rows')}`);
  });
}

async function describeParquet(conn: DuckDBConnection, glob: string): Promise<Map<string, string> | undefined> {
  const files = await conn.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(glob)})`);
  if (Number(files.getRowObjectsJson()[0]?.['n'] ?? 0) === 0) return undefined;
  const described = await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${sqlString(glob)}, union_by_name = true, hive_partitioning = false)`,
  );
  return new Map(described.getRowObjectsJson().map((r) => [String(r['column_name']), String(r['column_type'])]));
}

function normalisedSelect(glob: string, present: Map<string, string>, wanted: ReadonlyArray<readonly [string, string]>): string {
  const list = wanted.map(([name, type]) =>
    present.has(name) ? `CAST(${quoteIdentifier(name)} AS ${type}) AS ${quoteIdentifier(name)}` : `CAST(NULL AS ${type}) AS ${quoteIdentifier(name)}`,
  );
  const wantedNames = new Set(wanted.map(([n]) => n));
  for (const name of present.keys()) if (name.startsWith('x_') && !wantedNames.has(name)) list.push(quoteIdentifier(name));
  return `SELECT ${list.join(', ')} FROM read_parquet(${sqlString(glob)}, union_by_name = true, hive_partitioning = false)`;
}

/**
 * FOCUS input over one tenant's lake: views over `LakeLayout.focusGlob(tenantId)` and `rollupsGlob(tenantId)` only.
 * DuckDB may read nothing but that tenant's two directories (allowed_directories, external access off, config locked),
 * so a checker's SQL cannot reach other tenants or arbitrary files.
 */
export function createFocusInputFromLake(layout: LakeLayout, tenantId: string): FocusInput {
  const focusGlob = layout.focusGlob(tenantId);
  const rollupsGlob = layout.rollupsGlob(tenantId);
  const dirs = [layout.focusTenantDir(tenantId), layout.rollupsTenantDir(tenantId)].map((d) => sqlString(`${d}${path.sep}`));
  const focusWanted: Array<readonly [string, string]> = [
    ...focusColumns.map((c) => [c.name, c.duckdbType] as const),
    ...Object.entries(FOCUS_KNOWN_X_COLUMNS),
  ];
  return new SandboxedFocusInput(focusGlob, async (conn) => {
    await conn.run(`SET allowed_directories = [${dirs.join(', ')}]`);
    await conn.run('SET enable_external_access = false');
    const focus = await describeParquet(conn, focusGlob);
    if (focus) await conn.run(`CREATE VIEW focus AS ${normalisedSelect(focusGlob, focus, focusWanted)}`);
    else {
      const ddl = focusCreateTableSql('focus');
      const extras = Object.entries(FOCUS_KNOWN_X_COLUMNS).map(([n, t]) => `, ${quoteIdentifier(n)} ${t}`).join('');
      await conn.run(`${ddl.slice(0, ddl.lastIndexOf(')'))}${extras})`);
    }
    const daily = await describeParquet(conn, rollupsGlob);
    if (daily) await conn.run(`CREATE VIEW focus_daily AS ${normalisedSelect(rollupsGlob, daily, ROLLUP_COLUMNS)}`);
    else await conn.run(`CREATE TABLE focus_daily (${ROLLUP_COLUMNS.map(([n, t]) => `${quoteIdentifier(n)} ${t}`).join(', ')})`);
  });
}
