import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RunLogEntry, RunLogRepository } from '../runs/run-log.repository.ts';
import { jsonSafeFields, RunLogger } from './run-logger.ts';

class MemoryRunLogs {
  readonly batches: RunLogEntry[][] = [];
  fail = false;
  async append(_tenantId: string, _runId: string, entries: readonly RunLogEntry[]): Promise<void> {
    if (this.fail) throw new Error('database is down');
    this.batches.push([...entries]);
  }
}

describe('jsonSafeFields', () => {
  it('turns errors, bigints and dates into JSON and drops undefined', () => {
    const err = Object.assign(new Error('refused'), { code: 'EACCES' });
    expect(jsonSafeFields({ err, rows: 12n, at: new Date('2026-01-02T03:04:05Z'), gone: undefined, nested: { ok: true } })).toEqual({
      err: { name: 'Error', message: 'refused', code: 'EACCES' },
      rows: '12',
      at: '2026-01-02T03:04:05.000Z',
      nested: { ok: true },
    });
    expect(jsonSafeFields(undefined)).toEqual({});
  });
});

describe('RunLogger', () => {
  it('stores lines in order, batched, with their level and fields', async () => {
    const repo = new MemoryRunLogs();
    const log = new RunLogger(repo as unknown as RunLogRepository, pino({ level: 'silent' }), 'acme', 'run_1');
    log.info('first', { n: 1 });
    log.warn('second');
    log.error('third', { err: new Error('boom') });
    expect(repo.batches).toEqual([]);
    await log.flush();
    expect(repo.batches).toHaveLength(1);
    expect(repo.batches[0]!.map((e) => [e.level, e.message, e.fields])).toEqual([
      ['info', 'first', { n: 1 }],
      ['warn', 'second', {}],
      ['error', 'third', { err: { name: 'Error', message: 'boom' } }],
    ]);
  });

  it('flushes by itself after 50 lines, and a storage failure never reaches the job', async () => {
    const repo = new MemoryRunLogs();
    const log = new RunLogger(repo as unknown as RunLogRepository, pino({ level: 'silent' }), 'acme', 'run_2');
    for (let i = 0; i < 50; i++) log.debug(`line ${i}`);
    await log.flush();
    expect(repo.batches[0]).toHaveLength(50);
    repo.fail = true;
    log.info('lost line');
    await expect(log.flush()).resolves.toBeUndefined();
  });
});
