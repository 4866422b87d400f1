import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { fastDecimalCasts } from './decimal-cast.ts';

async function connection(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

const VALUES = [
  '0', '-0', '1', '24', '0.5', '-1.5', '1234.5', '999999999999.999999', '1000000000000.5', '12345678.1234567891',
  '99.1234567890123456', '1.123456789012345678', '0.0000001', '-12.0000000001', '123456789012345678.5', '1e2', '1.5E-3',
  '+7', ' 3.25 ', '007.50', '.5', '5.', '', 'NaN', 'abc', '1,5', '0.1234567890123456789', '-99999999999999999999.999999999999999999',
];

describe('fastDecimalCasts', () => {
  it('gives exactly the original cast result (value, NULL or error text) for every kind of string', async () => {
    const conn = await connection();
    const original = `SELECT CAST(t.v AS DECIMAL(38,18)) AS d FROM (SELECT $1::VARCHAR AS v) t`;
    const rewritten = fastDecimalCasts(original);
    expect(rewritten).not.toBe(original);
    for (const v of [...VALUES, null]) {
      const run = async (sql: string) => {
        try {
          const r = await conn.runAndReadAll(sql, [v]);
          return { value: r.getRowsJson()[0]?.[0], type: r.columnTypes()[0]?.toString() };
        } catch (err) {
          return { error: (err as Error).message.split('\n')[0] };
        }
      };
      expect(await run(rewritten), JSON.stringify(v)).toEqual(await run(original));
    }
  });

  it('keeps non-VARCHAR inputs on the original cast (DOUBLE rounding unchanged)', async () => {
    const conn = await connection();
    const sql = `SELECT CAST(d AS DECIMAL(38,18)) AS x, CAST(n AS DECIMAL(38,18)) AS y FROM (SELECT 0.1::DOUBLE AS d, 12::INTEGER AS n)`;
    expect((await conn.runAndReadAll(fastDecimalCasts(sql))).getRowsJson()).toEqual((await conn.runAndReadAll(sql)).getRowsJson());
  });

  it('rewrites column references only, never TRY_CAST, literals, other types, strings or comments', () => {
    const sql = [
      `SELECT CAST("lineItem/UsageAmount" AS DECIMAL(38,18)) AS a,`,
      `  TRY_CAST(x AS DECIMAL(38,18)) AS b, CAST(NULL AS DECIMAL(38,18)) AS c, CAST(0 AS DECIMAL(38,18)) AS d,`,
      `  CAST(x AS DECIMAL(18,6)) AS e, CAST(COALESCE(x, y) AS DECIMAL(38,18)) AS f,`,
      `  'CAST(x AS DECIMAL(38,18))' AS g -- CAST(y AS DECIMAL(38,18))`,
      `FROM src`,
    ].join('\n');
    const out = fastDecimalCasts(sql);
    expect(out.match(/regexp_full_match/g)?.length).toBe(2);
    expect(out).toContain(`TRY_CAST(x AS DECIMAL(38,18)) AS b, CAST(NULL AS DECIMAL(38,18)) AS c, CAST(0 AS DECIMAL(38,18)) AS d`);
    expect(out).toContain(`CAST(x AS DECIMAL(18,6)) AS e, CAST(COALESCE(x, y) AS DECIMAL(38,18)) AS f`);
    expect(out).toContain(`'CAST(x AS DECIMAL(38,18))' AS g -- CAST(y AS DECIMAL(38,18))`);
  });

  it('rewrites a cast nested in another expression', async () => {
    const conn = await connection();
    const sql = `SELECT COALESCE(CAST(s.v AS DECIMAL(38,18)), 0) + CAST(s."w x" AS DECIMAL(38,18)) AS t FROM (SELECT '1234.25' AS v, '2' AS "w x") s`;
    const out = fastDecimalCasts(sql);
    expect(out.match(/typeof\(/g)?.length).toBe(2);
    expect((await conn.runAndReadAll(out)).getRowsJson()).toEqual([['1236.250000000000000000']]);
  });
});
