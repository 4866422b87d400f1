import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { CostDimension, CostGroupKey } from '@openfinops/contracts';
import { acquireTenantLock, canonicalDecimal, recoverInterruptedSwaps } from '@openfinops/focus';
import { type LakeLayout, parseTenantId, type TenantId } from '@openfinops/tenants';
import { changeCounter, localChange } from '../common/cache-changes.ts';
import { TtlCache } from '../common/ttl-cache.ts';

/** Row filters of a cost query; every value is bound as a parameter, never spliced into SQL. */
export interface CostFilter {
  /** First charge day included (yyyy-mm-dd). */
  from?: string;
  /** First charge day excluded (yyyy-mm-dd). */
  to?: string;
  billingPeriod?: string;
  provider?: string;
  service?: string;
  serviceCategory?: string;
  account?: string;
  subAccount?: string;
  region?: string;
  chargeCategory?: string;
  currency?: string;
  tag?: { key: string; value: string };
}

/** Which dataset answers: the daily rollups (focus_daily), or the detail rows when tags are involved. */
export type CostSource = 'rollups' | 'detail';

export interface CostAmountsRow {
  currency: string;
  rowCount: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}

export interface CostGroupedRow extends CostAmountsRow {
  /** Group values in groupBy order. */
  keys: Array<string | null>;
}

export interface CostPeriodRow extends CostGroupedRow {
  period: string;
}

export interface DailyCostRow {
  day: string;
  currency: string;
  effectiveCost: string;
}

/** A SQL expression per dimension and dataset: the only column text a query contains comes from here. */
const DIMENSION_SQL: Record<CostSource, Record<CostDimension, string>> = {
  rollups: {
    service: '"ServiceName"',
    serviceCategory: '"ServiceCategory"',
    account: '"BillingAccountId"',
    subAccount: '"SubAccountId"',
    region: '"RegionId"',
    provider: 'provider',
    chargeCategory: '"ChargeCategory"',
    billingPeriod: 'billing_period',
    day: `strftime("ChargeDay", '%Y-%m-%d')`,
    month: `strftime("ChargeDay", '%Y-%m')`,
  },
  detail: {
    service: '"ServiceName"',
    serviceCategory: '"ServiceCategory"',
    account: '"BillingAccountId"',
    subAccount: '"SubAccountId"',
    region: '"RegionId"',
    provider: 'provider',
    chargeCategory: '"ChargeCategory"',
    billingPeriod: 'billing_period',
    day: `strftime(CAST("ChargePeriodStart" AS DATE), '%Y-%m-%d')`,
    month: `strftime(CAST("ChargePeriodStart" AS DATE), '%Y-%m')`,
  },
};

const DAY_SQL: Record<CostSource, string> = { rollups: '"ChargeDay"', detail: 'CAST("ChargePeriodStart" AS DATE)' };
const ROW_COUNT_SQL: Record<CostSource, string> = { rollups: 'SUM("RowCount")', detail: 'count(*)' };

const EQUALITY_FILTERS: ReadonlyArray<[keyof CostFilter, string]> = [
  ['billingPeriod', 'billing_period'],
  ['provider', 'provider'],
  ['service', '"ServiceName"'],
  ['serviceCategory', '"ServiceCategory"'],
  ['account', '"BillingAccountId"'],
  ['subAccount', '"SubAccountId"'],
  ['region', '"RegionId"'],
  ['chargeCategory', '"ChargeCategory"'],
  ['currency', '"BillingCurrency"'],
];

const HIVE_TYPES = `{'billing_period': VARCHAR, 'provider': VARCHAR, 'source': VARCHAR}`;

/** Bound parameters of one statement; `$1` is always the glob. */
class Params {
  readonly values: DuckDBValue[];
  constructor(glob: string) {
    this.values = [glob];
  }
  bind(value: DuckDBValue, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/** Whether a query needs the detail rows: the rollups carry no tags. */
export function costSourceFor(groupBy: readonly CostGroupKey[], filter: CostFilter): CostSource {
  return filter.tag !== undefined || groupBy.some((g) => g.startsWith('tag:')) ? 'detail' : 'rollups';
}

function groupExpression(source: CostSource, key: CostGroupKey, params: Params): string {
  if (key.startsWith('tag:')) {
    if (source !== 'detail') throw new Error(`tag grouping needs the detail rows (asked ${key} of ${source})`);
    return `"Tags"[${params.bind(key.slice(4), 'VARCHAR')}]`;
  }
  return DIMENSION_SQL[source][key as CostDimension];
}

function whereClause(source: CostSource, filter: CostFilter, params: Params): string {
  const conditions: string[] = [];
  for (const [field, column] of EQUALITY_FILTERS) {
    const value = filter[field];
    if (typeof value === 'string') conditions.push(`${column} = ${params.bind(value, 'VARCHAR')}`);
  }
  if (filter.from !== undefined) conditions.push(`${DAY_SQL[source]} >= ${params.bind(filter.from, 'DATE')}`);
  if (filter.to !== undefined) conditions.push(`${DAY_SQL[source]} < ${params.bind(filter.to, 'DATE')}`);
  if (filter.tag !== undefined) {
    conditions.push(`"Tags"[${params.bind(filter.tag.key, 'VARCHAR')}] = ${params.bind(filter.tag.value, 'VARCHAR')}`);
  }
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

function scan(): string {
  return `read_parquet($1, hive_partitioning = true, union_by_name = true, hive_types = ${HIVE_TYPES})`;
}

interface AmountsQueryRow {
  currency: string | null;
  row_count: string;
  billed_cost: string | null;
  effective_cost: string | null;
  list_cost: string | null;
}

type GroupedQueryRow = AmountsQueryRow & Record<`k${number}`, string | null>;
type PeriodQueryRow = GroupedQueryRow & { period: string };

interface DailyQueryRow {
  day: string;
  currency: string | null;
  effective_cost: string | null;
}

interface FirstDayQueryRow {
  currency: string | null;
  first_day: string;
}

const CURRENCY_SQL = `COALESCE("BillingCurrency", '') AS currency`;
const AMOUNTS_SQL = (source: CostSource) => `CAST(${ROW_COUNT_SQL[source]} AS VARCHAR) AS row_count,
       CAST(SUM("BilledCost") AS VARCHAR) AS billed_cost,
       CAST(SUM("EffectiveCost") AS VARCHAR) AS effective_cost,
       CAST(SUM("ListCost") AS VARCHAR) AS list_cost`;

function amounts(r: AmountsQueryRow): CostAmountsRow {
  return {
    currency: r.currency ?? '',
    rowCount: Number(r.row_count),
    billedCost: canonicalDecimal(r.billed_cost),
    effectiveCost: canonicalDecimal(r.effective_cost),
    listCost: canonicalDecimal(r.list_cost),
  };
}

function keysOf(r: GroupedQueryRow, n: number): Array<string | null> {
  return Array.from({ length: n }, (_, i) => r[`k${i}`] ?? null);
}

/** Sums per group and currency: column 1 is the currency, 2.. the group keys. */
async function queryCostGroups(
  conn: DuckDBConnection,
  source: CostSource,
  glob: string,
  groupBy: readonly CostGroupKey[],
  filter: CostFilter,
): Promise<CostGroupedRow[]> {
  const params = new Params(glob);
  const keys = groupBy.map((g, i) => `${groupExpression(source, g, params)} AS k${i}`);
  const where = whereClause(source, filter, params);
  const keyPositions = groupBy.map((_, i) => String(i + 2));
  const sql = `SELECT ${[CURRENCY_SQL, ...keys, AMOUNTS_SQL(source)].join(', ')}
    FROM ${scan()} ${where}
    GROUP BY ${['1', ...keyPositions].join(', ')}
    ORDER BY ${[...keyPositions.map((p) => `${p} NULLS LAST`), '1'].join(', ')}`;
  const rows = await read<GroupedQueryRow>(conn, sql, params.values);
  return rows.map((r) => ({ keys: keysOf(r, groupBy.length), ...amounts(r) }));
}

/** Sums per period (day or month), group and currency: column 1 the currency, 2 the period, 3.. the group keys. */
async function queryCostPeriods(
  conn: DuckDBConnection,
  source: CostSource,
  glob: string,
  granularity: 'day' | 'month',
  groupBy: readonly CostGroupKey[],
  filter: CostFilter,
): Promise<CostPeriodRow[]> {
  const params = new Params(glob);
  const period = DIMENSION_SQL[source][granularity];
  const keys = groupBy.map((g, i) => `${groupExpression(source, g, params)} AS k${i}`);
  const where = whereClause(source, filter, params);
  const keyPositions = groupBy.map((_, i) => String(i + 3));
  const sql = `SELECT ${[CURRENCY_SQL, `${period} AS period`, ...keys, AMOUNTS_SQL(source)].join(', ')}
    FROM ${scan()} ${where}
    GROUP BY ${['1', '2', ...keyPositions].join(', ')}
    ORDER BY ${['2', ...keyPositions.map((p) => `${p} NULLS LAST`), '1'].join(', ')}`;
  const rows = await read<PeriodQueryRow>(conn, sql, params.values);
  return rows.map((r) => ({ period: r.period, keys: keysOf(r, groupBy.length), ...amounts(r) }));
}

/** EffectiveCost per charge day and currency in [from, to). */
async function queryDailyEffectiveCost(conn: DuckDBConnection, source: CostSource, glob: string, filter: CostFilter): Promise<DailyCostRow[]> {
  const params = new Params(glob);
  const where = whereClause(source, filter, params);
  const rows = await read<DailyQueryRow>(
    conn,
    `SELECT strftime(${DAY_SQL[source]}, '%Y-%m-%d') AS day, COALESCE("BillingCurrency", '') AS currency,
            CAST(SUM("EffectiveCost") AS VARCHAR) AS effective_cost
       FROM ${scan()} ${where}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    params.values,
  );
  return rows.map((r) => ({ day: r.day, currency: r.currency ?? '', effectiveCost: canonicalDecimal(r.effective_cost) }));
}

/** First charge day per currency (the forecast never averages over days before the data starts). */
async function queryFirstChargeDay(conn: DuckDBConnection, source: CostSource, glob: string, filter: CostFilter): Promise<Map<string, string>> {
  const params = new Params(glob);
  const where = whereClause(source, filter, params);
  const rows = await read<FirstDayQueryRow>(
    conn,
    `SELECT COALESCE("BillingCurrency", '') AS currency, strftime(min(${DAY_SQL[source]}), '%Y-%m-%d') AS first_day
       FROM ${scan()} ${where}
      GROUP BY 1`,
    params.values,
  );
  return new Map(rows.map((r) => [r.currency ?? '', r.first_day]));
}

async function read<Row>(conn: DuckDBConnection, sql: string, values: DuckDBValue[]): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql, values);
  return reader.getRowObjectsJson() as unknown as Row[];
}

interface LakeFile {
  rel: string;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

/**
 * Parquet files under a tenant dataset dir (`billing_period=/provider=/source=/*.parquet`); none when absent.
 * Synchronous on purpose: every cached cost answer walks this tree (a few dozen readdir/stat calls), and the
 * promise versions cost about four times the CPU of the calls themselves (~1 ms against ~0.25 ms per walk here).
 */
function listParquet(dir: string, depth = 3, rel = ''): LakeFile[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LakeFile[] = [];
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    if (depth > 0 && e.isDirectory()) out.push(...listParquet(dir, depth - 1, child));
    // Dot-prefixed names are in-flight temp files of atomic writes.
    if (depth === 0 && e.isFile() && e.name.endsWith('.parquet') && !e.name.startsWith('.')) {
      const s = statSync(path.join(dir, child), { bigint: true });
      out.push({ rel: child, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs });
    }
  }
  return out;
}

interface TenantEngine {
  instance: DuckDBInstance;
  active: number;
  closing: boolean;
}

export interface CostLakeRepositoryOptions {
  /** DuckDB instances kept open (one per tenant, least recently used closed first). */
  maxTenants?: number;
  /**
   * How long a lake version is trusted without walking the files again (0: walk on every call). Imports and tenant
   * deletions drop it at once, in this process and, on PostgreSQL, in the others (NOTIFY); the TTL bounds how late
   * a change nobody announces (files moved by hand) is seen.
   */
  versionCacheMs?: number;
  /** Threads of each tenant's DuckDB instance. */
  threads?: number;
}

/**
 * Reads a tenant's FOCUS rollups (`focus_daily`) and, for tag queries, detail rows (`focus`). Each tenant gets its
 * own in-memory DuckDB instance confined to that tenant's two lake directories (allowed_directories, external
 * access off, configuration locked), kept open between requests so a query does not pay instance start-up.
 */
export class CostLakeRepository {
  private readonly engines = new Map<TenantId, TenantEngine>();
  private readonly maxTenants: number;
  private readonly threads: number;
  private readonly versions: TtlCache;

  constructor(
    private readonly layout: LakeLayout,
    options: CostLakeRepositoryOptions = {},
  ) {
    this.maxTenants = options.maxTenants ?? 16;
    this.threads = options.threads ?? 2;
    this.versions = new TtlCache(options.versionCacheMs ?? 1_000, changeCounter('lake'));
  }

  /**
   * A fingerprint of the dataset's files (path, inode, size, mtime) that answers `source` queries. An import swaps
   * whole partition directories of both datasets, so any change to the data changes it; callers cache answers under it.
   */
  lakeVersion(tenantId: string, source: CostSource): Promise<string> {
    const id = parseTenantId(tenantId);
    return this.versions.get(`${id}\0${source}`, () => Promise.resolve(this.walkVersion(id, source)));
  }

  private walkVersion(id: TenantId, source: CostSource): string {
    const hash = createHash('sha256').update(source);
    const dir = source === 'rollups' ? this.layout.rollupsTenantDir(id) : this.layout.focusTenantDir(id);
    for (const f of listParquet(dir)) hash.update(`\0${f.rel}\0${f.ino}\0${f.size}\0${f.mtimeNs}`);
    return hash.digest('base64url');
  }

  /** Finishes or undoes a crashed import's swap, so a reader never sees a half-swapped lake; a running import is left alone. */
  async recover(tenantId: string): Promise<void> {
    const stagingRoot = this.layout.stagingDir(tenantId);
    const release = await acquireTenantLock(stagingRoot, 0).catch(() => null);
    if (!release) return;
    try {
      if ((await recoverInterruptedSwaps(stagingRoot)) > 0) localChange('lake');
    } finally {
      await release();
    }
  }

  async groups(tenantId: string, groupBy: readonly CostGroupKey[], filter: CostFilter): Promise<CostGroupedRow[]> {
    const source = costSourceFor(groupBy, filter);
    return this.withTenant(tenantId, source, [], (conn, glob) => queryCostGroups(conn, source, glob, groupBy, filter));
  }

  async periods(tenantId: string, granularity: 'day' | 'month', groupBy: readonly CostGroupKey[], filter: CostFilter): Promise<CostPeriodRow[]> {
    const source = costSourceFor(groupBy, filter);
    return this.withTenant(tenantId, source, [], (conn, glob) => queryCostPeriods(conn, source, glob, granularity, groupBy, filter));
  }

  async dailyEffectiveCost(tenantId: string, filter: CostFilter): Promise<DailyCostRow[]> {
    const source = costSourceFor([], filter);
    return this.withTenant(tenantId, source, [], (conn, glob) => queryDailyEffectiveCost(conn, source, glob, filter));
  }

  async firstChargeDays(tenantId: string, filter: CostFilter): Promise<Map<string, string>> {
    const source = costSourceFor([], filter);
    return this.withTenant(tenantId, source, new Map(), (conn, glob) => queryFirstChargeDay(conn, source, glob, filter));
  }

  /** Nest calls this when the app closes. */
  onModuleDestroy(): void {
    this.close();
  }

  /** Closes every tenant's DuckDB instance. */
  close(): void {
    for (const [id, engine] of this.engines) {
      this.engines.delete(id);
      engine.closing = true;
      if (engine.active === 0) engine.instance.closeSync();
    }
  }

  private async withTenant<T>(tenantId: string, source: CostSource, empty: T, fn: (conn: DuckDBConnection, glob: string) => Promise<T>): Promise<T> {
    const id = parseTenantId(tenantId);
    const dir = source === 'rollups' ? this.layout.rollupsTenantDir(id) : this.layout.focusTenantDir(id);
    const glob = source === 'rollups' ? this.layout.rollupsGlob(id) : this.layout.focusGlob(id);
    if (!this.layout.isInsideTenant(id, glob)) throw new Error(`Cost glob escapes tenant ${id}`);
    // DuckDB errors on a glob that matches nothing; a tenant without imports simply has no costs.
    if (listParquet(dir).length === 0) return empty;
    const engine = await this.engine(id);
    engine.active++;
    let conn: DuckDBConnection | undefined;
    try {
      conn = await engine.instance.connect();
      return await fn(conn, glob);
    } finally {
      conn?.closeSync();
      engine.active--;
      if (engine.closing && engine.active === 0) engine.instance.closeSync();
    }
  }

  private async engine(id: TenantId): Promise<TenantEngine> {
    const existing = this.engines.get(id);
    if (existing) {
      // Map order is insertion order: re-inserting marks the tenant most recently used.
      this.engines.delete(id);
      this.engines.set(id, existing);
      return existing;
    }
    const instance = await DuckDBInstance.create(':memory:', { threads: String(this.threads) });
    const conn = await instance.connect();
    try {
      await confine(conn, [this.layout.rollupsTenantDir(id), this.layout.focusTenantDir(id)]);
    } catch (err) {
      conn.closeSync();
      instance.closeSync();
      throw err;
    }
    conn.closeSync();
    const raced = this.engines.get(id);
    if (raced) {
      instance.closeSync();
      return raced;
    }
    const engine: TenantEngine = { instance, active: 0, closing: false };
    this.engines.set(id, engine);
    while (this.engines.size > this.maxTenants) {
      const [oldestId, oldest] = this.engines.entries().next().value as [TenantId, TenantEngine];
      this.engines.delete(oldestId);
      oldest.closing = true;
      if (oldest.active === 0) oldest.instance.closeSync();
    }
    return engine;
  }
}

/** Confines an instance to the given directories. SET takes no bound parameters; the paths come from LakeLayout only. */
async function confine(conn: DuckDBConnection, dirs: readonly string[]): Promise<void> {
  const literals = dirs.map((d) => `'${`${d}${path.sep}`.replaceAll("'", "''")}'`);
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(`SET allowed_directories = [${literals.join(', ')}]`);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}
