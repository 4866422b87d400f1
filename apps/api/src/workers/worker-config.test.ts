import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { loadCheckWorkers, loadWorkerConfig, parseDurationMs } from './worker-config.ts';

describe('loadWorkerConfig', () => {
  it('has defaults: 60s lease, heartbeat a quarter of it, scheduler on', () => {
    expect(loadWorkerConfig({})).toMatchObject({
      concurrency: 2,
      leaseMs: 60_000,
      heartbeatMs: 15_000,
      pollMs: 2_000,
      scheduler: true,
      runLogRetentionDays: 90,
      backoff: { baseMs: 30_000, maxMs: 1_800_000 },
    });
  });

  it('reads durations with units and the concurrency override', () => {
    const c = loadWorkerConfig({ FINOPS_WORKER_LEASE: '1500ms', FINOPS_WORKER_POLL: '100ms', FINOPS_SCHEDULER: 'off', FINOPS_WORKER_CONCURRENCY: '3' }, { concurrency: 5 });
    expect(c).toMatchObject({ leaseMs: 1500, heartbeatMs: 375, pollMs: 100, scheduler: false, concurrency: 5 });
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(loadWorkerConfig({ FINOPS_RUN_LOG_RETENTION_DAYS: '14' }).runLogRetentionDays).toBe(14);
  });

  it('names the variable at fault', () => {
    expect(() => loadWorkerConfig({ FINOPS_WORKER_LEASE: '10 parsecs' })).toThrow(/FINOPS_WORKER_LEASE expected a duration/);
    expect(() => loadWorkerConfig({ FINOPS_WORKER_LEASE: '1s', FINOPS_WORKER_HEARTBEAT: '2s' })).toThrow(/FINOPS_WORKER_HEARTBEAT .* must be shorter/);
    expect(() => loadWorkerConfig({ FINOPS_WORKER_CONCURRENCY: '0' })).toThrow(/FINOPS_WORKER_CONCURRENCY must be a whole number >= 1/);
    expect(() => loadWorkerConfig({ FINOPS_RUN_LOG_RETENTION_DAYS: '0' })).toThrow(/FINOPS_RUN_LOG_RETENTION_DAYS must be a whole number >= 1/);
    expect(() => loadWorkerConfig({ FINOPS_RUN_LOG_RETENTION_DAYS: '30d' })).toThrow(/FINOPS_RUN_LOG_RETENTION_DAYS must be a whole number >= 1, got "30d"/);
    expect(() => loadWorkerConfig({ FINOPS_SCHEDULER: 'maybe' })).toThrow(/FINOPS_SCHEDULER must be on or off/);
  });

  it('FINOPS_CHECK_WORKERS: one check thread per CPU up to 4 by default, 0 for none, anything else named', () => {
    expect(loadWorkerConfig({}).checkWorkers).toBe(Math.min(4, availableParallelism()));
    expect(loadCheckWorkers({ FINOPS_CHECK_WORKERS: '0' })).toBe(0);
    expect(loadCheckWorkers({ FINOPS_CHECK_WORKERS: ' 6 ' })).toBe(6);
    expect(() => loadCheckWorkers({ FINOPS_CHECK_WORKERS: 'two' })).toThrow(/FINOPS_CHECK_WORKERS must be a whole number from 0 to 64, got "two"/);
    expect(() => loadWorkerConfig({ FINOPS_CHECK_WORKERS: '65' })).toThrow(/FINOPS_CHECK_WORKERS must be a whole number from 0 to 64, got "65"/);
  });
});
