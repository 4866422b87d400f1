import Table from 'cli-table3';

/** Errors the CLI shows as one clear line (no stack), exit code 1. Anything else is a bug and shows its stack. */
export class CliError extends Error {
  constructor(message: string, readonly details?: unknown, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export interface OutputOptions {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: string[], rows: Array<Array<string | number | null | undefined>>): void {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((c) => (c === null || c === undefined ? '' : String(c))));
  process.stdout.write(`${table.toString()}\n`);
}

/** Progress goes to stderr so `--json` stdout stays machine-readable; on a TTY it redraws one line. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private last = 0;

  constructor(private readonly enabled = true) {}

  update(message: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && this.tty && now - this.last < 100) return;
    this.last = now;
    if (this.tty) process.stderr.write(`\r\x1b[2K${message}`);
    else process.stderr.write(`${message}\n`);
  }

  done(message?: string): void {
    if (!this.enabled) return;
    if (this.tty) process.stderr.write('\r\x1b[2K');
    if (message) process.stderr.write(`${message}\n`);
  }
}
