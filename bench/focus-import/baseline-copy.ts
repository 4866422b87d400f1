// Baseline for the benchmark: plain DuckDB CSV → parquet of the same file, no conversion.
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: baseline-copy <input.csv.gz> <output.parquet>');
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const started = Date.now();
await conn.run(`COPY (SELECT * FROM read_csv('${input.replaceAll("'", "''")}')) TO '${output.replaceAll("'", "''")}' (FORMAT parquet)`);
process.stdout.write(JSON.stringify({ durationMs: Date.now() - started }));
