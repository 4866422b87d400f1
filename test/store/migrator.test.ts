import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  readMigrationFiles,
} from '../../apps/api/src/store/migrator.ts';
import { migrateStore, openStore, type Store } from '../../apps/api/src/store/store.ts';
import {
  createTestDatabase,
  postgresAvailability,
  REQUIRE_PG,
  storeKinds,
  type TestDatabase,
} from '../support/store-harness.ts';

const pg = await postgresAvailability();

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

function migrationRows(store: Store): Promise<MigrationRow[]> {
  return store.withSql((db) =>
    db.query<MigrationRow>(
      'SELECT "migration_name", "checksum", "finished_at", "applied_steps_count" FROM "_prisma_migrations" ORDER BY "migration_name"',
    ),
  );
}

function tableExists(store: Store, table: string): Promise<boolean> {
  return store.withSql(async (db) => {
    const rows = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS "present"', [`"${table}"`]);
    return rows[0]?.present === true;
  });
}

for (const kind of storeKinds()) {
  const skip = kind === 'postgres' && !pg.available && !REQUIRE_PG;
  describe.skipIf(skip)(`migrator [${kind}]${skip ? ` (skipped: ${pg.reason})` : ''}`, () => {
    let db: TestDatabase;
    let store: Store;
    let migrationsDir: string;

    beforeEach(async () => {
      db = await createTestDatabase(kind);
      store = await openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl });
      migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'finops-migrations-'));
    });

    afterEach(async () => {
      await store.close();
      await db.dispose();
      await rm(migrationsDir, { recursive: true, force: true });
    });

    it('applies the real migrations to a fresh database and records them as Prisma does', async () => {
      const files = await readMigrationFiles(DEFAULT_MIGRATIONS_DIR);
      expect(files.length).toBeGreaterThan(0);
      expect(await store.pendingMigrations()).toEqual(files.map((f) => f.name));

      const result = await store.migrate();
      expect(result).toEqual({ applied: files.map((f) => f.name), alreadyApplied: [] });
      expect(await tableExists(store, 'Tenant')).toBe(true);
      expect(await tableExists(store, 'FindingState')).toBe(true);

      const rows = await migrationRows(store);
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      for (const row of rows) {
        const bytes = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
        expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(row.finished_at).not.toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
      expect(await store.pendingMigrations()).toEqual([]);
      await expect(store.assertMigrated()).resolves.toBeUndefined();
    });

    it('is idempotent: a second run applies nothing and keeps one row per migration', async () => {
      const first = await store.migrate();
      const second = await store.migrate();
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toEqual(first.applied);
      expect((await migrationRows(store)).length).toBe(first.applied.length);
    });

    it('reports pending migrations before migrating, without creating anything', async () => {
      await expect(store.assertMigrated()).rejects.toThrow(/pending migration\(s\): 20261122000000_init/);
      expect(await tableExists(store, '_prisma_migrations')).toBe(false);
    });

    it('applies only the migrations added since the last run', async () => {
      await writeMigration(migrationsDir, '20260101000000_one', 'CREATE TABLE "One" ("id" INTEGER NOT NULL);');
      expect((await store.migrate({ migrationsDir })).applied).toEqual(['20260101000000_one']);
      await writeMigration(migrationsDir, '20260102000000_two', 'CREATE TABLE "Two" ("id" INTEGER NOT NULL);');
      const result = await store.migrate({ migrationsDir });
      expect(result).toEqual({ applied: ['20260102000000_two'], alreadyApplied: ['20260101000000_one'] });
      expect(await tableExists(store, 'Two')).toBe(true);
    });

    it('refuses to start when an applied migration was edited, naming it', async () => {
      await writeMigration(migrationsDir, '20260101000000_one', 'CREATE TABLE "One" ("id" INTEGER NOT NULL);');
      await store.migrate({ migrationsDir });
      await writeMigration(migrationsDir, '20260101000000_one', 'CREATE TABLE "One" ("id" BIGINT NOT NULL);');
      await writeMigration(migrationsDir, '20260102000000_two', 'CREATE TABLE "Two" ("id" INTEGER NOT NULL);');

      const err = await store.migrate({ migrationsDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).code).toBe('MIGRATION_CHECKSUM_MISMATCH');
      expect((err as MigrationError).message).toContain('20260101000000_one');
      await expect(store.pendingMigrations({ migrationsDir })).rejects.toThrow(/20260101000000_one was modified/);
      // Nothing after the refusal was applied.
      expect(await tableExists(store, 'Two')).toBe(false);
    });

    it('refuses to start when an applied migration is missing from disk, naming it', async () => {
      await writeMigration(migrationsDir, '20260101000000_one', 'CREATE TABLE "One" ("id" INTEGER NOT NULL);');
      await writeMigration(migrationsDir, '20260102000000_two', 'CREATE TABLE "Two" ("id" INTEGER NOT NULL);');
      await store.migrate({ migrationsDir });
      await rm(path.join(migrationsDir, '20260101000000_one'), { recursive: true });

      const err = await store.migrate({ migrationsDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).code).toBe('MIGRATION_MISSING');
      expect((err as MigrationError).message).toMatch(/Migration 20260101000000_one is applied .* missing/);
    });

    it('rolls a failing migration back entirely and applies it once fixed', async () => {
      await writeMigration(migrationsDir, '20260101000000_one', 'CREATE TABLE "One" ("id" INTEGER NOT NULL);');
      await writeMigration(
        migrationsDir,
        '20260102000000_broken',
        'CREATE TABLE "Half" ("id" INTEGER NOT NULL);\nALTER TABLE "Nope" ADD COLUMN "x" INTEGER;',
      );
      const err = await store.migrate({ migrationsDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).code).toBe('MIGRATION_FAILED');
      expect((err as MigrationError).message).toMatch(/20260102000000_broken failed .*Nope/);
      expect(await tableExists(store, 'One')).toBe(true);
      expect(await tableExists(store, 'Half')).toBe(false);
      expect((await migrationRows(store)).map((r) => r.migration_name)).toEqual(['20260101000000_one']);

      await writeMigration(migrationsDir, '20260102000000_broken', 'CREATE TABLE "Half" ("id" INTEGER NOT NULL);');
      expect((await store.migrate({ migrationsDir })).applied).toEqual(['20260102000000_broken']);
    });

    it('rejects a migration folder that is not named like Prisma names them', async () => {
      await writeMigration(migrationsDir, 'add-things', 'SELECT 1;');
      await expect(store.migrate({ migrationsDir })).rejects.toThrow(/add-things is not named <yyyymmddhhmmss>_<name>/);
    });
  });
}

describe.skipIf(!pg.available && !REQUIRE_PG)(
  `migrator concurrency [postgres]${!pg.available && !REQUIRE_PG ? ` (skipped: ${pg.reason})` : ''}`,
  () => {
    it('two concurrent migrators both succeed and each migration is applied once', async () => {
      const db = await createTestDatabase('postgres');
      const migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'finops-migrations-'));
      try {
        // The sleep keeps the first migrator inside its lock long enough for the second to queue behind it.
        await writeMigration(
          migrationsDir,
          '20260101000000_slow',
          'SELECT pg_sleep(0.5);\nCREATE TABLE "Slow" ("id" INTEGER NOT NULL);',
        );
        await writeMigration(migrationsDir, '20260102000000_next', 'CREATE TABLE "Next" ("id" INTEGER NOT NULL);');
        const options = { dataDir: db.dataDir, databaseUrl: db.databaseUrl, migrationsDir };
        const results = await Promise.all([migrateStore(options), migrateStore(options)]);

        const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
        expect(applied).toEqual([['20260101000000_slow', '20260102000000_next'], []]);
        const waited = results.find((r) => r.applied.length === 0);
        expect(waited?.alreadyApplied.sort()).toEqual(['20260101000000_slow', '20260102000000_next']);

        const store = await openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl });
        try {
          expect((await migrationRows(store)).map((r) => r.migration_name)).toEqual([
            '20260101000000_slow',
            '20260102000000_next',
          ]);
        } finally {
          await store.close();
        }
      } finally {
        await db.dispose();
        await rm(migrationsDir, { recursive: true, force: true });
      }
    });
  },
);
