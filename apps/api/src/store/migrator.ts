import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@openfinops/tenants';
import type { SqlConnection } from './sql-connection.ts';

/** Prisma's layout: prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql. */
export const DEFAULT_MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');

/**
 * The key `prisma migrate` itself locks with, so this migrator and Prisma tooling also exclude each other.
 */
export const MIGRATION_ADVISORY_LOCK_KEY = 72707369;

const MIGRATION_DIR_NAME = /^\d{14}_[A-Za-z0-9_]+$/;

export interface MigrationFile {
  name: string;
  /** sha256 hex of the file bytes, as Prisma records it in `_prisma_migrations.checksum`. */
  checksum: string;
  sql: string;
}

export interface MigrationResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
}

export type MigrationErrorCode =
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_MISSING'
  | 'MIGRATION_INCOMPLETE'
  | 'MIGRATION_FAILED'
  | 'MIGRATION_DIR_INVALID';

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    readonly migration: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export async function readMigrationFiles(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (err) {
    throw new MigrationError('MIGRATION_DIR_INVALID', migrationsDir, `Cannot read migrations directory ${migrationsDir}`, {
      cause: err,
    });
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!MIGRATION_DIR_NAME.test(name)) {
      throw new MigrationError(
        'MIGRATION_DIR_INVALID',
        name,
        `Migration folder ${path.join(migrationsDir, name)} is not named <yyyymmddhhmmss>_<name>`,
      );
    }
    const file = path.join(migrationsDir, name, 'migration.sql');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new MigrationError('MIGRATION_DIR_INVALID', name, `Migration ${name} has no readable ${file}`, { cause: err });
    }
    files.push({ name, checksum: createHash('sha256').update(bytes).digest('hex'), sql: bytes.toString('utf8') });
  }
  return files;
}

/** Exactly Prisma's bookkeeping table, so `prisma migrate status` and friends understand our history. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

async function selectAppliedMigrations(db: SqlConnection): Promise<AppliedMigrationRow[]> {
  return db.query<AppliedMigrationRow>(
    `SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations"
      WHERE "rolled_back_at" IS NULL ORDER BY "started_at", "migration_name"`,
  );
}

async function migrationsTableExists(db: SqlConnection): Promise<boolean> {
  const rows = await db.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "present"`,
  );
  return rows[0]?.present === true;
}

async function insertAppliedMigration(db: SqlConnection, file: MigrationFile): Promise<void> {
  await db.query(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
     VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
    [randomUUID(), file.checksum, file.name],
  );
}

/**
 * Compares the recorded history with the files on disk and returns what is still to apply.
 * Throws, naming the migration, when history and files disagree: an edited or deleted applied migration means
 * this database no longer matches the schema the code expects.
 */
function planMigrations(
  files: MigrationFile[],
  applied: AppliedMigrationRow[],
  migrationsDir: string,
): { pending: MigrationFile[]; done: string[] } {
  const byName = new Map(files.map((f) => [f.name, f]));
  const done = new Set<string>();
  for (const row of applied) {
    if (row.finished_at === null) {
      throw new MigrationError(
        'MIGRATION_INCOMPLETE',
        row.migration_name,
        `Migration ${row.migration_name} started but never finished on this database; inspect it and mark it rolled back before migrating again`,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        'MIGRATION_MISSING',
        row.migration_name,
        `Migration ${row.migration_name} is applied to this database but missing from ${migrationsDir}; restore it (migrations are never deleted)`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        'MIGRATION_CHECKSUM_MISMATCH',
        row.migration_name,
        `Migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum} recorded, ${file.checksum} on disk); add a new migration instead of editing an applied one`,
      );
    }
    done.add(row.migration_name);
  }
  return { pending: files.filter((f) => !done.has(f.name)), done: [...done] };
}

/** Pending migrations without applying anything (the bookkeeping table is not even created). */
export async function pendingMigrations(db: SqlConnection, migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrationFiles(migrationsDir);
  const applied = (await migrationsTableExists(db)) ? await selectAppliedMigrations(db) : [];
  return planMigrations(files, applied, migrationsDir).pending.map((f) => f.name);
}

/**
 * Applies pending migrations in name order, each in its own transaction together with its bookkeeping row,
 * so a failed migration leaves no trace and can be fixed and re-run.
 * On PostgreSQL a session advisory lock serialises concurrent migrators: the second waits, then finds nothing to do.
 * The embedded store needs no lock: one process holds it at a time.
 */
export async function migrate(db: SqlConnection, migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = await readMigrationFiles(migrationsDir);
  const locked = db.kind === 'postgres';
  if (locked) await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_ADVISORY_LOCK_KEY]);
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const { pending, done } = planMigrations(files, await selectAppliedMigrations(db), migrationsDir);
    const applied: string[] = [];
    for (const file of pending) {
      try {
        await db.transaction(async (tx) => {
          await tx.exec(file.sql);
          await insertAppliedMigration(tx, file);
        });
      } catch (err) {
        throw new MigrationError(
          'MIGRATION_FAILED',
          file.name,
          `Migration ${file.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      applied.push(file.name);
    }
    return { applied, alreadyApplied: done };
  } finally {
    if (locked) await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_ADVISORY_LOCK_KEY]).catch(() => undefined);
  }
}
