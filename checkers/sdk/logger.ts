/** The pino-compatible subset checkers may call, so the API can pass a pino child logger unchanged. */
export interface CheckerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: CheckerLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

/** Keeps entries in memory: the runner stores warnings in run stats, tests assert on them. */
export function memoryLogger(): CheckerLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const push = (level: LogEntry['level']) => (obj: object, msg?: string) => {
    entries.push(msg === undefined ? { level, obj } : { level, obj, msg });
  };
  return { entries, info: push('info'), warn: push('warn'), error: push('error') };
}
