import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeLayout, REPO_ROOT } from '@openfinops/tenants';
import { type FocusValidator, importFocusFiles } from './focus-import.ts';

const INPUT = path.join(REPO_ROOT, 'test', 'fixtures', 'billing', 'focus-converters', 'aws-cur1_sample-anonymous-aws-export-dataset.csv.gz');

describe('import abort inside a DuckDB statement', () => {
  let dir: string;
  let layout: LakeLayout;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-import-interrupt-'));
    layout = new LakeLayout(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('interrupts the statement running when the signal fires instead of waiting for it to finish', async () => {
    const controller = new AbortController();
    let statementError: unknown = null;
    // Stands in for a long phase: a statement that would run for hours unless interrupted (the test times out then).
    const validate: FocusValidator = async (conn) => {
      const running = conn.run('SELECT sum(i) FROM range(10000000000000) t(i)');
      setTimeout(() => controller.abort(), 300);
      await running.catch((err: unknown) => {
        statementError = err;
        throw err;
      });
      return { valid: true, errors: 0, warnings: 0, messages: [] };
    };
    const err = await importFocusFiles({ tenantId: 'interrupted', inputs: [INPUT], layout, validate, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(String(statementError)).toMatch(/interrupt/i);
    await expect(readdir(layout.focusTenantDir('interrupted'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(layout.stagingDir('interrupted'))).toEqual([]);
  });

  it('stops waiting for the tenant lock held by another import when the signal fires', async () => {
    const staging = layout.stagingDir('locked');
    // Another live import (this very process) holds the lock: without the signal the wait would last its 30 s timeout.
    await mkdir(path.join(staging, '.lock'), { recursive: true });
    await writeFile(path.join(staging, '.lock', 'pid'), String(process.pid));
    const controller = new AbortController();
    const reason = new Error('import interrupted by SIGINT');
    setTimeout(() => controller.abort(reason), 300);
    const err = await importFocusFiles({ tenantId: 'locked', inputs: [INPUT], layout, signal: controller.signal }).catch((e: unknown) => e);
    // The import stops with the signal's reason, as at every other stopping point.
    expect(err).toBe(reason);
    // The other import's lock is left alone.
    expect(await readdir(path.join(staging, '.lock'))).toEqual(['pid']);
  });
});
