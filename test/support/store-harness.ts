import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { embeddedStoreDir, REPO_ROOT } from '@openfinops/tenants';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type Store } from '../../apps/api/src/store/store.ts';
import type { StoreKind } from '../../apps/api/src/store/sql-connection.ts';

/**
 * Store fixtures for tests: a fresh, migrated store per suite, on PGlite (temp dir) and on PostgreSQL
 * (a throwaway database on FINOPS_TEST_PG_URL's server, dropped afterwards).
 * Without a PostgreSQL server the PostgreSQL variants are skipped with the reason in their name,
 * unless FINOPS_REQUIRE_PG=1 (CI), where they fail.
 */

export const TEST_PG_URL = process.env.FINOPS_TEST_PG_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REQUIRE_PG = process.env.FINOPS_REQUIRE_PG === '1';

export interface PgAvailability {
  available: boolean;
  reason?: string;
}

async function probePostgres(url: string): Promise<PgAvailability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true };
  } catch (err) {
    const where = new URL(url);
    return { available: false, reason: `no PostgreSQL at ${where.hostname}:${where.port || '5432'} (${(err as Error).message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let probe: Promise<PgAvailability> | undefined;
export function postgresAvailability(): Promise<PgAvailability> {
  probe ??= probePostgres(TEST_PG_URL);
  return probe;
}

// Probed once at import (top-level await) so suites can be skipped while vitest collects them.
const pgAtImport = await postgresAvailability();
if (!pgAtImport.available && !REQUIRE_PG) {
  process.stderr.write(`[store-harness] PostgreSQL store tests skipped: ${pgAtImport.reason}\n`);
}

/**
 * The one PostgreSQL gate: a suite on `kind` runs unless it is PostgreSQL, no server answers and FINOPS_REQUIRE_PG is
 * unset (a laptop without PostgreSQL). CI sets FINOPS_REQUIRE_PG=1, so there the suite runs and fails instead.
 */
export function describeOnStore(kind: StoreKind, name: string, fn: () => void): void {
  if (kind === 'postgres' && !pgAtImport.available && !REQUIRE_PG) {
    describe.skip(`${name} [postgres] (skipped: ${pgAtImport.reason}; set FINOPS_REQUIRE_PG=1 to fail instead)`, fn);
    return;
  }
  describe(`${name} [${kind}]`, fn);
}

export function storeKinds(): StoreKind[] {
  return ['pglite', 'postgres'];
}

/** A fresh, empty database (not migrated, not opened): the migrator tests start from here. */
export interface TestDatabase {
  kind: StoreKind;
  dataDir: string;
  /** Set for PostgreSQL: the throwaway database's URL. */
  databaseUrl?: string;
  dispose(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// The package does not export its package.json; the template must be rebuilt when PGlite changes.
const PGLITE_VERSION = (
  JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * PGlite's initdb costs seconds per store; an empty, initialised data dir is built once per machine and PGlite
 * version, then copied. Built in a temp dir and renamed into place so concurrent test processes never see half of it.
 */
async function pgliteTemplateDir(): Promise<string> {
  const template = path.join(os.tmpdir(), `finops-pglite-template-${PGLITE_VERSION}`);
  if (await exists(path.join(template, 'READY'))) return template;
  const building = await mkdtemp(path.join(os.tmpdir(), 'finops-pglite-template-build-'));
  const db = await PGlite.create({ dataDir: path.join(building, 'data') });
  await db.query('SELECT 1');
  await db.close();
  await mkdir(path.join(building, 'READY'));
  try {
    await rename(building, template);
  } catch {
    // Another process won the race (or a broken template exists without READY: ours replaces nothing, retry later).
    await rm(building, { recursive: true, force: true });
    if (!(await exists(path.join(template, 'READY')))) {
      await rm(template, { recursive: true, force: true });
      return pgliteTemplateDir();
    }
  }
  return template;
}

export async function createTestDatabase(kind: StoreKind): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-store-test-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (kind === 'pglite') {
    try {
      await cp(path.join(await pgliteTemplateDir(), 'data'), embeddedStoreDir(dataDir), { recursive: true });
    } catch (err) {
      await removeDir();
      throw err;
    }
    return { kind, dataDir, dispose: removeDir };
  }

  const availability = await postgresAvailability();
  if (!availability.available) {
    await removeDir();
    throw new Error(`PostgreSQL store test cannot run: ${availability.reason} (FINOPS_TEST_PG_URL=${TEST_PG_URL})`);
  }
  const name = `finops_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    kind,
    dataDir,
    databaseUrl: withDatabase(TEST_PG_URL, name),
    async dispose() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
        await removeDir();
      }
    },
  };
}

export interface TestStore {
  kind: StoreKind;
  store: Store;
  dataDir: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** A fresh store of `kind`, opened and migrated. */
export async function createTestStore(kind: StoreKind, options: { migrate?: boolean } = {}): Promise<TestStore> {
  const db = await createTestDatabase(kind);
  let store: Store;
  try {
    store = await openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl });
    if (options.migrate !== false) await store.migrate();
  } catch (err) {
    await db.dispose();
    throw err;
  }
  return {
    ...db,
    store,
    async dispose() {
      try {
        await store.close();
      } finally {
        await db.dispose();
      }
    },
  };
}

/** One fresh, migrated store for the duration of `fn`. */
export async function withStore<T>(kind: StoreKind, fn: (t: TestStore) => Promise<T>): Promise<T> {
  const t = await createTestStore(kind);
  try {
    return await fn(t);
  } finally {
    await t.dispose();
  }
}

export interface StoreSuite {
  /** The suite's store; valid inside tests and hooks (after the harness's beforeAll). */
  readonly store: Store;
  readonly kind: StoreKind;
  readonly testStore: TestStore;
}

/**
 * Runs `fn` as a suite once per store kind, each with its own fresh migrated store shared by the suite's tests.
 * Register the suite's own hooks inside `fn`; they run after the store is ready.
 */
export function describeStores(name: string, fn: (suite: StoreSuite) => void, options: { migrate?: boolean } = {}): void {
  for (const kind of storeKinds()) {
    if (kind === 'postgres' && !pgAtImport.available && !REQUIRE_PG) {
      describeOnStore(kind, name, () => fn(unavailableSuite(kind)));
      continue;
    }
    describeOnStore(kind, name, () => {
      let current: TestStore | undefined;
      beforeAll(async () => {
        current = await createTestStore(kind, options);
      });
      afterAll(async () => {
        await current?.dispose();
      });
      fn({
        kind,
        get store() {
          if (!current) throw new Error(`The ${kind} test store is not ready (used outside a test or hook?)`);
          return current.store;
        },
        get testStore() {
          if (!current) throw new Error(`The ${kind} test store is not ready (used outside a test or hook?)`);
          return current;
        },
      });
    });
  }
}

function unavailableSuite(kind: StoreKind): StoreSuite {
  const fail = (): never => {
    throw new Error('PostgreSQL is not available');
  };
  return {
    kind,
    get store() {
      return fail();
    },
    get testStore() {
      return fail();
    },
  };
}
