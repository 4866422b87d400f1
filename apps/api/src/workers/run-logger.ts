import type { Logger } from 'pino';
import type { RunLogEntry, RunLogLevel, RunLogRepository } from '../runs/run-log.repository.ts';

/** How job handlers log: a message for people plus fields for machines. Lines reach pino and the run's stored log. */
export interface JobLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const FLUSH_AFTER_MS = 250;
const FLUSH_AT_LINES = 50;

/** Errors, bigints and other values JSON would drop or choke on become plain JSON. */
export function jsonSafeFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const text = JSON.stringify(fields, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) };
    return value;
  });
  return text === undefined ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/**
 * Logger of one run: every line goes to pino at once (with tenantId and runId bound) and, batched, to RunLog so
 * `finops runs show` and the API can show it later. A failure to store lines is logged, never thrown into the job.
 */
export class RunLogger implements JobLogger {
  private readonly pending: RunLogEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  readonly pino: Logger;

  constructor(
    private readonly repository: RunLogRepository,
    logger: Logger,
    readonly tenantId: string,
    readonly runId: string,
  ) {
    this.pino = logger.child({ tenantId, runId });
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  /** Stores every line logged so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.repository.append(this.tenantId, this.runId, batch).catch((err: unknown) => {
          this.pino.warn({ err, lines: batch.length }, 'could not store run log lines');
        }),
      );
    }
    return this.writing;
  }

  private write(level: RunLogLevel, message: string, fields?: Record<string, unknown>): void {
    const safe = jsonSafeFields(fields);
    this.pino[level](safe, message);
    this.pending.push({ at: new Date(), level, message, fields: safe });
    if (this.pending.length >= FLUSH_AT_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }
}
