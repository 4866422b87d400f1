import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from './cli-output.ts';
import { INTERRUPTED_EXIT_CODE, withInterrupt } from './interrupt.ts';

describe('withInterrupt', () => {
  afterEach(() => vi.restoreAllMocks());

  it('aborts the work on the first SIGINT and reports exit code 130; handlers are removed afterwards', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.listenerCount('SIGINT');
    const beforeTerm = process.listenerCount('SIGTERM');
    let seen: unknown;
    const result = withInterrupt('import', async (signal) => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      process.emit('SIGINT', 'SIGINT');
      seen = signal.reason;
      signal.throwIfAborted();
      return 'finished';
    });
    const err = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(INTERRUPTED_EXIT_CODE);
    expect((err as CliError).message).toMatch(/^import interrupted/);
    expect(String(seen)).toMatch(/import interrupted by SIGINT/);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(beforeTerm);
  });

  it('passes results and other errors through untouched when no signal came', async () => {
    await expect(withInterrupt('import', async () => 42)).resolves.toBe(42);
    const boom = new Error('bad file');
    await expect(withInterrupt('import', async () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('exits at once on a second signal', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await withInterrupt('import', async (signal) => {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      expect(signal.aborted).toBe(true);
    });
    expect(exit).toHaveBeenCalledWith(INTERRUPTED_EXIT_CODE);
  });
});
