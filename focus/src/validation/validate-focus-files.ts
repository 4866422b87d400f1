import { DuckDBInstance } from '@duckdb/node-api';
import { createParquetView } from './focus-validation.query.ts';
import { validateFocus, type FocusValidationReport, type ValidateFocusOptions } from './validate-focus.ts';

/** Validates parquet files (paths or globs, read as one relation) in a private in-memory DuckDB. */
export async function validateFocusParquet(paths: readonly string[], opts: ValidateFocusOptions = {}): Promise<FocusValidationReport> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await createParquetView(conn, 'focus_input', paths);
    return await validateFocus(conn, 'focus_input', opts);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
