import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { CHANGE_KINDS, isChangeKind, remoteChange, type ChangeKind } from '../common/cache-changes.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

/**
 * Cross-process cache invalidation on PostgreSQL. Every process that writes through a PostgreSQL store (API, worker,
 * CLI) announces its committed access and findings changes with NOTIFY; every serving process LISTENs on one
 * dedicated connection and drops the matching cached answers. The caches' TTLs stay as the fallback for changes
 * nobody announces (SQL by hand) and for the time a listening connection is down.
 */
export const CHANGE_CHANNEL = 'finops_cache';

/**
 * Marks this process's own notifications, which it has already applied. Not the pid: every container's process
 * may be pid 1.
 */
const PROCESS_TOKEN = randomUUID();

export function changePayload(kind: ChangeKind, token: string = PROCESS_TOKEN): string {
  return `${kind}:${token}`;
}

export interface ChangeNotifier {
  publish(kind: ChangeKind): void;
  /** Waits for the notifications already sent (a CLI command closes its store right after its write). */
  drain(): Promise<void>;
}

/** NOTIFY through the store's own pool: no connection of its own, and the write it follows has committed. */
export function prismaChangeNotifier(prisma: PrismaClient): ChangeNotifier {
  const pending = new Set<Promise<unknown>>();
  return {
    publish(kind) {
      const sent = prisma.$executeRaw`SELECT pg_notify(${CHANGE_CHANNEL}, ${changePayload(kind)})`.catch((err: unknown) => {
        process.emitWarning(
          `Could not announce the ${kind} change to the other finops processes (they see it within their cache TTL): ${String(err)}`,
        );
      });
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    },
    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
}

export interface ChangeListenerOptions {
  databaseUrl: string;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** First reconnection delay; doubles per failed attempt up to maxRetryDelayMs. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** LISTENs on one dedicated connection and applies other processes' changes; reconnects with backoff. */
export class ChangeListener {
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failedAttempts = 0;
  private closed = false;
  private readonly minDelay: number;
  private readonly maxDelay: number;

  constructor(private readonly options: ChangeListenerOptions) {
    this.minDelay = options.minRetryDelayMs ?? 500;
    this.maxDelay = options.maxRetryDelayMs ?? 30_000;
  }

  /** True while the LISTEN is in place (false: other processes' changes show within the caches' TTL). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** The first attempt: a failure is logged and retried in the background, never thrown (the TTL covers it). */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 10_000, keepAlive: true });
    let lost = false;
    const fail = (err: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) this.retryLater(err);
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      const [kind, token] = message.payload.split(':');
      if (token !== PROCESS_TOKEN && kind && isChangeKind(kind)) remoteChange(kind);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      fail(err);
      return;
    }
    if (lost) return;
    if (this.closed) {
      lost = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failedAttempts > 0) {
      // Whatever was announced while nobody listened is lost: treat everything cached as stale.
      for (const kind of CHANGE_KINDS) remoteChange(kind);
      this.options.logger.info({ attempts: this.failedAttempts }, 'cache invalidation listener reconnected');
    }
    this.failedAttempts = 0;
  }

  private retryLater(err: unknown): void {
    const delayMs = Math.min(this.maxDelay, this.minDelay * 2 ** this.failedAttempts);
    this.failedAttempts++;
    this.options.logger.warn(
      { err: err instanceof Error ? err.message : String(err), attempt: this.failedAttempts, retryInMs: delayMs },
      "cache invalidation listener is down: other processes' changes show within FINOPS_ACCESS_CACHE_MS / FINOPS_FINDINGS_CACHE_MS / FINOPS_LAKE_VERSION_CACHE_MS until it reconnects",
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
    // Never keeps a process alive on its own: the server (or nothing) does.
    this.retryTimer.unref();
  }
}
