import { type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../catalog/focus-catalog.ts';
import { type RowRule, type SqlParams } from './focus-rules.ts';

/** `name` or `schema.name`; anything else is rejected so a relation name can never smuggle SQL in. */
export function relationSql(relationName: string): string {
  const parts = relationName.split('.');
  if (parts.length > 3 || parts.some((p) => p.length === 0)) {
    throw new Error(`Invalid relation name "${relationName}": expected a table or view name, optionally schema-qualified`);
  }
  return parts.map(quoteIdentifier).join('.');
}

interface DescribeRow {
  column_name: string;
  column_type: string;
}

/** Column name → DuckDB type of a table or view. */
export async function describeRelation(conn: DuckDBConnection, relationName: string): Promise<Map<string, string>> {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relationSql(relationName)}`);
  const rows = reader.getRowObjectsJS() as unknown as DescribeRow[];
  return new Map(rows.map((r) => [r.column_name, r.column_type]));
}

export interface RuleCounts {
  rowCount: number;
  /** Same order as the rules passed in. */
  counts: Array<{ checked: number; failed: number }>;
}

/** One pass over the relation: every rule's applicable and failing row counts in a single aggregate. */
export async function countRuleFailures(conn: DuckDBConnection, relationName: string, rules: readonly RowRule[], params: SqlParams): Promise<RuleCounts> {
  const aggregates = ['count(*) AS "row_count"'];
  // Rules share conditions (80 rules, 46 distinct conditions, one of them `true`): each condition is counted once, and
  // a rule that always applies is checked on every row. Each FILTER is evaluated on every row, so fewer is cheaper.
  const checkedColumn = new Map<string, string>();
  const checkedOf: string[] = [];
  rules.forEach((rule, i) => {
    const when = rule.appliesWhen.trim();
    let column = when === 'true' ? 'row_count' : checkedColumn.get(when);
    if (!column) {
      column = `checked_${i}`;
      checkedColumn.set(when, column);
      aggregates.push(`count(*) FILTER (WHERE (${when})) AS "${column}"`);
    }
    checkedOf.push(column);
    aggregates.push(`count(*) FILTER (WHERE (${rule.appliesWhen}) AND (${rule.failsWhen})) AS "failed_${i}"`);
  });
  const { sql, values, types } = params.compile(`SELECT ${aggregates.join(',\n  ')}\nFROM ${relationSql(relationName)}`);
  const reader = await conn.runAndReadAll(sql, values, types);
  const row = reader.getRowObjectsJS()[0] as Record<string, bigint> | undefined;
  if (!row) throw new Error(`Aggregate over ${relationName} returned no row`);
  const num = (key: string): number => {
    const v = row[key];
    if (typeof v !== 'bigint') throw new Error(`Aggregate over ${relationName}: ${key} is ${String(v)}`);
    return Number(v);
  };
  return { rowCount: num('row_count'), counts: rules.map((_, i) => ({ checked: num(checkedOf[i] as string), failed: num(`failed_${i}`) })) };
}

/** Up to `limit` failing rows of one rule, with only the columns the rule reads (JSON-safe values). */
export async function sampleFailingRows(conn: DuckDBConnection, relationName: string, rule: RowRule, params: SqlParams, limit: number): Promise<object[]> {
  const columns = [...new Set(rule.columns)].map(quoteIdentifier).join(', ');
  const { sql, values, types } = params.compile(
    `SELECT ${columns} FROM ${relationSql(relationName)} WHERE (${rule.appliesWhen}) AND (${rule.failsWhen}) LIMIT ${Math.trunc(limit)}`,
  );
  const reader = await conn.runAndReadAll(sql, values, types);
  return reader.getRowObjectsJson();
}

function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A view over parquet files or globs. Views cannot hold prepared parameters, so the paths are embedded as escaped
 * string literals; union_by_name tolerates partitions written with different column sets. Hive partition keys
 * (tenant_id=, billing_period=, ...) are not read as columns: they would show up as non-FOCUS columns.
 */
export async function createParquetView(conn: DuckDBConnection, viewName: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) throw new Error('createParquetView: no parquet paths given');
  const list = `[${paths.map(sqlStringLiteral).join(', ')}]`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW ${relationSql(viewName)} AS SELECT * FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false)`);
}
