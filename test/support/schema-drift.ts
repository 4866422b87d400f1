import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { REPO_ROOT } from '@openfinops/tenants';
import type { SqlConnection } from '../../apps/api/src/store/sql-connection.ts';

/**
 * Compares prisma/schema.prisma (parsed by Prisma's own schema parser) with a live database:
 * tables, columns (name, nullability, type family), enums, indexes and foreign keys.
 * Hand-written migrations and the schema cannot diverge unnoticed.
 */

export const SCHEMA_PATH = path.join(REPO_ROOT, 'prisma', 'schema.prisma');
/** Postgres truncates identifiers at 63 bytes; Prisma's default names must fit or carry `map:`. */
const MAX_IDENTIFIER = 63;

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: Array<{ name: string; sortOrder?: 'asc' | 'desc' }>;
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; dbName: string | null; values: Array<{ name: string; dbName: string | null }> }>;
    indexes: DmmfIndex[];
  };
}

export async function loadSchemaDmmf(schemaPath = SCHEMA_PATH): Promise<Dmmf> {
  const schema = await readFile(schemaPath, 'utf8');
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[path.basename(schemaPath), schema]] }))) as Dmmf;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
}

function selectColumns(db: SqlConnection): Promise<ColumnRow[]> {
  return db.query<ColumnRow>(
    `SELECT "table_name", "column_name", "is_nullable", "data_type", "udt_name", "numeric_precision", "numeric_scale"
       FROM information_schema.columns WHERE "table_schema" = current_schema() ORDER BY "table_name", "ordinal_position"`,
  );
}

function selectEnums(db: SqlConnection): Promise<Array<{ typname: string; enumlabel: string }>> {
  return db.query(
    `SELECT t."typname", e."enumlabel" FROM pg_type t
       JOIN pg_enum e ON e."enumtypid" = t."oid"
       JOIN pg_namespace n ON n."oid" = t."typnamespace"
      WHERE n."nspname" = current_schema() ORDER BY t."typname", e."enumsortorder"`,
  );
}

function selectIndexes(db: SqlConnection): Promise<Array<{ tablename: string; indexname: string; indexdef: string }>> {
  return db.query(
    `SELECT "tablename", "indexname", "indexdef" FROM pg_indexes WHERE "schemaname" = current_schema()`,
  );
}

function selectForeignKeys(
  db: SqlConnection,
): Promise<Array<{ table_name: string; constraint_name: string; delete_rule: string; update_rule: string }>> {
  return db.query(
    `SELECT tc."table_name", tc."constraint_name", rc."delete_rule", rc."update_rule"
       FROM information_schema.table_constraints tc
       JOIN information_schema.referential_constraints rc
         ON rc."constraint_schema" = tc."constraint_schema" AND rc."constraint_name" = tc."constraint_name"
      WHERE tc."constraint_type" = 'FOREIGN KEY' AND tc."table_schema" = current_schema()`,
  );
}

/** The family a Prisma field's column must belong to, as information_schema reports it. */
function expectedType(field: DmmfField): { dataType: string; udt?: string; precision?: [number, number] } {
  if (field.isList) return { dataType: 'ARRAY' };
  if (field.kind === 'enum') return { dataType: 'USER-DEFINED', udt: field.type };
  const native = field.nativeType?.[0];
  switch (field.type) {
    case 'String':
      return { dataType: native === 'VarChar' ? 'character varying' : native === 'Char' ? 'character' : 'text' };
    case 'Int':
      return { dataType: 'integer' };
    case 'BigInt':
      return { dataType: 'bigint' };
    case 'Float':
      return { dataType: 'double precision' };
    case 'Boolean':
      return { dataType: 'boolean' };
    case 'DateTime':
      return { dataType: native === 'Timestamptz' ? 'timestamp with time zone' : native === 'Date' ? 'date' : 'timestamp without time zone' };
    case 'Json':
      return { dataType: native === 'Json' ? 'json' : 'jsonb' };
    case 'Decimal': {
      const args = field.nativeType?.[1] ?? ['65', '30'];
      return { dataType: 'numeric', precision: [Number(args[0]), Number(args[1])] };
    }
    case 'Bytes':
      return { dataType: 'bytea' };
    default:
      return { dataType: `unknown Prisma type ${field.type}` };
  }
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetDefault: 'SET DEFAULT',
};

/** Returns one human-readable line per difference; empty when schema and database agree. */
export async function findSchemaDrift(db: SqlConnection, dmmf?: Dmmf): Promise<string[]> {
  const { models, enums, indexes } = (dmmf ?? (await loadSchemaDmmf())).datamodel;
  const problems: string[] = [];

  const columns = await selectColumns(db);
  const liveTables = new Map<string, Map<string, ColumnRow>>();
  for (const c of columns) {
    if (!liveTables.has(c.table_name)) liveTables.set(c.table_name, new Map());
    liveTables.get(c.table_name)?.set(c.column_name, c);
  }
  const modelByName = new Map(models.map((m) => [m.name, m]));
  const expectedTables = new Set(models.map(tableName));
  for (const t of liveTables.keys()) {
    if (t !== '_prisma_migrations' && !expectedTables.has(t)) problems.push(`table "${t}" exists in the database but not in schema.prisma`);
  }

  for (const model of models) {
    const table = tableName(model);
    const live = liveTables.get(table);
    if (!live) {
      problems.push(`table "${table}" (model ${model.name}) is missing from the database`);
      continue;
    }
    const scalarFields = model.fields.filter((f) => f.kind !== 'object');
    const expectedColumns = new Set(scalarFields.map(columnName));
    for (const c of live.keys()) {
      if (!expectedColumns.has(c)) problems.push(`column "${table}"."${c}" exists in the database but not in model ${model.name}`);
    }
    for (const field of scalarFields) {
      const col = live.get(columnName(field));
      const where = `"${table}"."${columnName(field)}"`;
      if (!col) {
        problems.push(`column ${where} (${model.name}.${field.name}) is missing from the database`);
        continue;
      }
      // Prisma creates list columns without NOT NULL even when the field is required.
      const nullable = !field.isRequired || field.isList;
      if ((col.is_nullable === 'YES') !== nullable) {
        problems.push(`column ${where} is ${col.is_nullable === 'YES' ? 'NULL' : 'NOT NULL'} but ${model.name}.${field.name} is ${nullable ? 'optional' : 'required'}`);
      }
      const want = expectedType(field);
      if (col.data_type !== want.dataType || (want.udt && col.udt_name !== want.udt)) {
        problems.push(`column ${where} is ${col.data_type}${col.data_type === 'USER-DEFINED' ? ` ${col.udt_name}` : ''} but ${model.name}.${field.name} needs ${want.dataType}${want.udt ? ` ${want.udt}` : ''}`);
      } else if (want.precision && (col.numeric_precision !== want.precision[0] || col.numeric_scale !== want.precision[1])) {
        problems.push(`column ${where} is numeric(${col.numeric_precision},${col.numeric_scale}) but ${model.name}.${field.name} is Decimal(${want.precision.join(',')})`);
      }
    }
  }

  const liveEnums = new Map<string, string[]>();
  for (const row of await selectEnums(db)) {
    if (!liveEnums.has(row.typname)) liveEnums.set(row.typname, []);
    liveEnums.get(row.typname)?.push(row.enumlabel);
  }
  for (const e of enums) {
    const name = e.dbName ?? e.name;
    const want = e.values.map((v) => v.dbName ?? v.name);
    const got = liveEnums.get(name);
    if (!got) problems.push(`enum type "${name}" is missing from the database`);
    else if (got.join(',') !== want.join(',')) problems.push(`enum "${name}" has values [${got.join(', ')}] but schema.prisma says [${want.join(', ')}]`);
    liveEnums.delete(name);
  }
  for (const name of liveEnums.keys()) problems.push(`enum type "${name}" exists in the database but not in schema.prisma`);

  const liveIndexes = new Map((await selectIndexes(db)).filter((i) => i.tablename !== '_prisma_migrations').map((i) => [i.indexname, i]));
  for (const index of indexes) {
    const model = modelByName.get(index.model);
    if (!model) continue;
    const table = tableName(model);
    const cols = index.fields.map((f) => {
      const field = model.fields.find((x) => x.name === f.name);
      return field ? columnName(field) : f.name;
    });
    const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
    const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`);
    if (name.length > MAX_IDENTIFIER) {
      problems.push(`index name ${name} is longer than ${MAX_IDENTIFIER} characters: give it a map: name in schema.prisma`);
      continue;
    }
    const def = `${index.type === 'normal' ? '' : 'UNIQUE '}(${index.fields
      .map((f, i) => `"${cols[i]}"${f.sortOrder === 'desc' ? ' DESC' : ''}`)
      .join(', ')})`;
    const live = liveIndexes.get(name);
    if (!live) {
      problems.push(`index "${name}" on "${table}" ${def} is missing from the database`);
      continue;
    }
    liveIndexes.delete(name);
    const liveDef = `${/^CREATE UNIQUE INDEX/.test(live.indexdef) ? 'UNIQUE ' : ''}${live.indexdef.replace(/^.* USING btree /, '')}`;
    // pg_indexes quotes only identifiers that need it.
    if (liveDef.replaceAll('"', '') !== def.replaceAll('"', '')) problems.push(`index "${name}" is ${liveDef} in the database but ${def} in schema.prisma`);
  }
  for (const name of liveIndexes.keys()) problems.push(`index "${name}" exists in the database but not in schema.prisma`);

  const liveFks = new Map((await selectForeignKeys(db)).map((f) => [f.constraint_name, f]));
  for (const model of models) {
    const table = tableName(model);
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const fromCols = field.relationFromFields.map((n) => {
        const f = model.fields.find((x) => x.name === n);
        return f ? columnName(f) : n;
      });
      const name = `${table}_${fromCols.join('_')}_fkey`;
      const onDelete = REFERENTIAL_ACTIONS[field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull')];
      const live = liveFks.get(name);
      if (!live) {
        problems.push(`foreign key "${name}" (${model.name}.${field.name}) is missing from the database`);
        continue;
      }
      liveFks.delete(name);
      if (live.delete_rule !== onDelete) problems.push(`foreign key "${name}" is ON DELETE ${live.delete_rule} but ${model.name}.${field.name} says ${onDelete}`);
      if (live.update_rule !== 'CASCADE') problems.push(`foreign key "${name}" is ON UPDATE ${live.update_rule}; Prisma's default is CASCADE`);
    }
  }
  for (const name of liveFks.keys()) problems.push(`foreign key "${name}" exists in the database but not in schema.prisma`);

  return problems;
}
