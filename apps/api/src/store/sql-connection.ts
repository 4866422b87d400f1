import { type PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';

export type StoreKind = 'pglite' | 'postgres';

/**
 * The raw SQL surface the migrator and the drift test need, over either driver.
 * Prisma is deliberately not used here: migrations must run before the client's models exist.
 */
export interface SqlConnection {
  readonly kind: StoreKind;
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (a migration file); no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T>;
}

interface PgliteQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

class PgliteConnection implements SqlConnection {
  readonly kind = 'pglite' as const;

  constructor(
    private readonly db: PgliteQueryable,
    private readonly root: PGlite | null,
  ) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    if (!this.root) throw new Error('Nested transactions are not supported on the embedded store');
    return this.root.transaction((tx: Transaction) => fn(new PgliteConnection(tx, null)));
  }
}

export function pgliteConnection(db: PGlite): SqlConnection {
  return new PgliteConnection(db, db);
}

class PgConnection implements SqlConnection {
  readonly kind = 'postgres' as const;
  private inTransaction = false;

  constructor(private readonly client: pg.Client) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    const result = await this.client.query(sql, params);
    return result.rows as R[];
  }

  async exec(sql: string): Promise<void> {
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    await this.client.query(sql);
  }

  async transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new Error('Nested transactions are not supported');
    this.inTransaction = true;
    await this.client.query('BEGIN');
    try {
      const value = await fn(this);
      await this.client.query('COMMIT');
      return value;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }
}

/** A dedicated session (not a pool): the migrator's advisory lock belongs to one session. */
export async function connectPostgres(databaseUrl: string): Promise<{ connection: SqlConnection; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new StoreConnectionError(describePostgresUrl(databaseUrl), err);
  }
  return { connection: new PgConnection(client), close: () => client.end() };
}

export class StoreConnectionError extends Error {
  readonly code = 'STORE_CONNECTION_FAILED';
  constructor(readonly location: string, cause: unknown) {
    super(`Cannot connect to ${location}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreConnectionError';
  }
}

/** host:port/database and user, never the password: safe for logs and CLI output. */
export function describePostgresUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new InvalidDatabaseUrlError();
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') throw new InvalidDatabaseUrlError(url.protocol);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const user = url.username ? ` (user ${decodeURIComponent(url.username)})` : '';
  return `PostgreSQL ${url.hostname || 'localhost'}:${url.port || '5432'}/${database}${user}`;
}

export class InvalidDatabaseUrlError extends Error {
  readonly code = 'INVALID_DATABASE_URL';
  constructor(protocol?: string) {
    // The URL itself may hold a password, so it is never echoed.
    super(
      protocol
        ? `DATABASE_URL must be a postgresql:// URL, got protocol ${JSON.stringify(protocol)}`
        : 'DATABASE_URL is not a valid URL (expected postgresql://user@host:5432/database)',
    );
    this.name = 'InvalidDatabaseUrlError';
  }
}
