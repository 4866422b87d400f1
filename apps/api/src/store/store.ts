import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { embeddedStoreDir, resolveDataDir } from '@openfinops/tenants';
import lockfile from 'proper-lockfile';
import { PrismaClient } from '../generated/prisma/client.ts';
import { addChangePublisher } from '../common/cache-changes.ts';
import { prismaChangeNotifier } from './change-notifications.ts';
import { DEFAULT_MIGRATIONS_DIR, migrate, pendingMigrations, type MigrationResult } from './migrator.ts';
import {
  connectPostgres,
  describePostgresUrl,
  pgliteConnection,
  type SqlConnection,
  type StoreKind,
} from './sql-connection.ts';

export interface StoreOptions {
  /** Data dir; the embedded store lives under `embeddedStoreDir(dataDir)`. */
  dataDir: string;
  /** PostgreSQL URL; unset or empty selects the embedded PGlite store. */
  databaseUrl?: string | undefined;
}

export interface MigrationOptions {
  /** Only tests point this elsewhere. */
  migrationsDir?: string;
}

export interface Store {
  readonly kind: StoreKind;
  readonly prisma: PrismaClient;
  /** Where the data is, for humans: embedded path, or PostgreSQL host:port/database (never a password). */
  readonly location: string;
  migrate(options?: MigrationOptions): Promise<MigrationResult>;
  pendingMigrations(options?: MigrationOptions): Promise<string[]>;
  /** Throws StoreNotMigratedError naming the pending migrations. Commands call this instead of migrating implicitly. */
  assertMigrated(options?: MigrationOptions): Promise<void>;
  /** A raw SQL connection outside Prisma (migrator, drift checks). On PostgreSQL a dedicated session per call. */
  withSql<T>(fn: (db: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class StoreLockedError extends Error {
  readonly code = 'STORE_LOCKED';
  constructor(readonly storeDir: string) {
    super(
      `The embedded store at ${storeDir} is in use (open in another finops process, or already open in this one: PGlite allows one opener at a time). ` +
        'Stop the other finops process (API, worker or CLI), or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'StoreLockedError';
  }
}

export class StoreNotMigratedError extends Error {
  readonly code = 'STORE_NOT_MIGRATED';
  constructor(readonly location: string, readonly pending: string[]) {
    super(`The store (${location}) has ${pending.length} pending migration(s): ${pending.join(', ')}. Run \`finops db migrate\`.`);
    this.name = 'StoreNotMigratedError';
  }
}

/** Options from the environment: FINOPS_DATA_DIR and DATABASE_URL. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return { dataDir: resolveDataDir(env), databaseUrl: env.DATABASE_URL?.trim() || undefined };
}

export function storeKindFor(options: StoreOptions): StoreKind {
  return options.databaseUrl ? 'postgres' : 'pglite';
}

function makeStore(
  kind: StoreKind,
  prisma: PrismaClient,
  location: string,
  withSql: <T>(fn: (db: SqlConnection) => Promise<T>) => Promise<T>,
  dispose: () => Promise<void>,
  /** Runs before Prisma disconnects (work still using the client). */
  drain: () => Promise<void> = async () => undefined,
): Store {
  let closed: Promise<void> | null = null;
  const store: Store = {
    kind,
    prisma,
    location,
    migrate: (o = {}) => withSql((db) => migrate(db, o.migrationsDir ?? DEFAULT_MIGRATIONS_DIR)),
    pendingMigrations: (o = {}) => withSql((db) => pendingMigrations(db, o.migrationsDir ?? DEFAULT_MIGRATIONS_DIR)),
    async assertMigrated(o = {}) {
      const pending = await store.pendingMigrations(o);
      if (pending.length > 0) throw new StoreNotMigratedError(location, pending);
    },
    withSql,
    close() {
      closed ??= (async () => {
        try {
          await drain();
          await prisma.$disconnect();
        } finally {
          await dispose();
        }
      })();
      return closed;
    },
  };
  return store;
}

async function openEmbedded(dataDir: string): Promise<Store> {
  const storeDir = embeddedStoreDir(path.resolve(dataDir));
  await mkdir(storeDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(storeDir, {
      lockfilePath: `${storeDir}.lock`,
      realpath: false,
      // A crashed process leaves the lock behind for at most this long.
      stale: 15_000,
      onCompromised: (err) => process.emitWarning(`Lock on the embedded store ${storeDir} was compromised: ${err.message}`),
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') throw new StoreLockedError(storeDir);
    throw err;
  }
  let db: PGlite;
  try {
    // Each driver loads only when its kind of store opens: a process uses one, and each costs 0.2-0.4 s of CPU to load.
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create({ dataDir: storeDir });
  } catch (err) {
    await release();
    throw err;
  }
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  const connection = pgliteConnection(db);
  return makeStore(
    'pglite',
    prisma,
    `embedded PGlite at ${storeDir}`,
    (fn) => fn(connection),
    async () => {
      try {
        await db.close();
      } finally {
        await release();
      }
    },
  );
}

async function openPostgres(databaseUrl: string): Promise<Store> {
  const location = describePostgresUrl(databaseUrl);
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  const withSql = async <T>(fn: (db: SqlConnection) => Promise<T>): Promise<T> => {
    const { connection, close } = await connectPostgres(databaseUrl);
    try {
      return await fn(connection);
    } finally {
      await close();
    }
  };
  // Other processes drop their cached answers when this one's writes commit (change-notifications.ts).
  const notifier = prismaChangeNotifier(prisma);
  const unsubscribe = addChangePublisher((kind) => notifier.publish(kind));
  return makeStore('postgres', prisma, location, withSql, async () => undefined, async () => {
    unsubscribe();
    await notifier.drain();
  });
}

/**
 * Opens the tenant store: PostgreSQL when `databaseUrl` is set, else the embedded PGlite store under the data dir.
 * Does not migrate: call `store.migrate()` / `migrateStore()` (the CLI's `db migrate`, the API at start).
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openEmbedded(options.dataDir);
}

export interface MigrateStoreResult extends MigrationResult {
  kind: StoreKind;
  location: string;
}

export async function migrateStore(options: StoreOptions & MigrationOptions): Promise<MigrateStoreResult> {
  const store = await openStore(options);
  try {
    const result = await store.migrate(options);
    return { kind: store.kind, location: store.location, ...result };
  } finally {
    await store.close();
  }
}
