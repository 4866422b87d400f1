import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FocusLakeRepository } from '@openfinops/api';
import { LakeLayout } from '@openfinops/tenants';
import { AWS_SAMPLES } from './import-fixtures.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const LOGZIO = AWS_SAMPLES[1]!;

function runChild(dataDir: string, tenantId: string, input: string, crashAt?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', CHILD, dataDir, tenantId, input], {
    env: { ...process.env, FINOPS_IMPORT_CRASH_AT: crashAt ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('import: crash during the partition swap', () => {
  let dir: string;
  let changed: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finops-crash-'));
    const lines = gunzipSync(await readFile(LOGZIO.input)).toString('utf8').split('\n').filter((l) => l.length > 0);
    changed = path.join(dir, 'changed.csv.gz');
    await writeFile(changed, gzipSync(`${lines.slice(0, 2001).join('\n')}\n`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // after-staging and between-renames roll back to the old partition; after-commit keeps the new one.
  for (const [point, expectedRows] of [
    ['after-staging', 2660],
    ['between-renames', 2660],
    ['after-commit', 2000],
  ] as const) {
    it(`leaves a complete partition when killed at ${point}`, async () => {
      const dataDir = path.join(dir, point);
      const layout = new LakeLayout(dataDir);
      const first = runChild(dataDir, 'crash', LOGZIO.input);
      expect(first.status, first.stderr).toBe(0);

      const crashed = runChild(dataDir, 'crash', changed, point);
      expect(crashed.signal).toBe('SIGKILL');
      // Killed between the renames, the old partition sits in trash until recovery puts it back.
      const final = layout.focusPartitionDir('crash', { billingPeriod: LOGZIO.billingPeriod, provider: 'aws', source: '486140753397' });
      const presentBeforeRecovery = await readdir(final).then(() => true, () => false);
      expect(presentBeforeRecovery).toBe(point !== 'between-renames');

      const lake = new FocusLakeRepository(layout);
      const totals = await lake.totals('crash', { billingPeriod: LOGZIO.billingPeriod });
      expect(totals).toEqual([expect.objectContaining({ rows: expectedRows })]);
      const staging = await readdir(layout.stagingDir('crash'));
      expect(staging.filter((n) => n !== '.lock')).toEqual([]);

      // The next import completes normally and the lake holds exactly the new rows, never both versions.
      const next = runChild(dataDir, 'crash', changed);
      expect(next.status, next.stderr).toBe(0);
      expect(await lake.totals('crash', { billingPeriod: LOGZIO.billingPeriod })).toEqual([expect.objectContaining({ rows: 2000 })]);
      const rollupPeriods = await readdir(layout.rollupsTenantDir('crash'));
      expect(rollupPeriods).toEqual([`billing_period=${LOGZIO.billingPeriod}`]);
    });
  }
});
