import { type DuckDBConnection } from '@duckdb/node-api';
import { focusDuckDbType, isFocusColumn, quoteIdentifier } from '@openfinops/focus';

export const FOCUS_SAMPLE_CSV = new URL('../fixtures/billing/focus-sample-data/focus_1.0_sample_all-providers_chargeperiod_2024-09-01_to_15.csv', import.meta.url).pathname;

/**
 * Loads the FOCUS 1.0 sample as text (NULL is the literal token; account ids keep their leading zeros) and casts the
 * columns 1.2 also defines to their 1.2 storage types. Oracle rows carry '' for missing values: typed columns turn
 * '' into NULL, String columns keep it. Tags stays text so the validator's KeyValueFormat rule sees the raw JSON.
 */
export async function loadFocusSample(conn: DuckDBConnection, table: string): Promise<void> {
  const header = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_csv($1, all_varchar = true, header = true, nullstr = 'NULL')`, [FOCUS_SAMPLE_CSV]);
  const names = (header.getRowObjectsJS() as unknown as Array<{ column_name: string }>).map((r) => r.column_name);
  const select = names.map((name) => {
    const col = quoteIdentifier(name);
    if (!isFocusColumn(name) || name === 'Tags') return col;
    const type = focusDuckDbType(name);
    return type === 'VARCHAR' ? col : `CAST(NULLIF(${col}, '') AS ${type}) AS ${col}`;
  });
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(`CREATE TEMP TABLE raw_sample AS SELECT * FROM read_csv($1, all_varchar = true, header = true, nullstr = 'NULL')`, [FOCUS_SAMPLE_CSV]);
  await conn.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT ${select.join(', ')} FROM raw_sample`);
  await conn.run('DROP TABLE raw_sample');
}
