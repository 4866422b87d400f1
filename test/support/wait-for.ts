import { vi } from 'vitest';

/**
 * Polls `probe` (vitest's waitUntil) until it returns a truthy value; on timeout the error says what was awaited,
 * which is all a failing process or queue test has to go on. A probe that throws fails at once.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  try {
    return (await vi.waitUntil(probe, { timeout: timeoutMs, interval: 50 })) as T;
  } catch (err) {
    if (err instanceof Error && err.message === 'Timed out in waitUntil!') {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: err });
    }
    throw err;
  }
}
