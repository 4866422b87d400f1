import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../apps/api/src/store/store.ts';
import { runFinopsInProcess } from '../support/cli-in-process.ts';

describe('finops runs / schedule / worker --once (embedded store)', () => {
  let dataDir: string;
  const saved = { dataDir: process.env.FINOPS_DATA_DIR, databaseUrl: process.env.DATABASE_URL, logLevel: process.env.FINOPS_LOG_LEVEL };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-runs-cli-'));
    process.env.FINOPS_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    // The worker's JSON logs go straight to fd 1; keep the test output readable.
    process.env.FINOPS_LOG_LEVEL = 'silent';
    expect((await runFinopsInProcess(['tenant', 'create', 'cli-runs', '--name', 'CLI Runs'])).code).toBe(0);
    expect((await runFinopsInProcess(['tenant', 'create', 'cli-other', '--name', 'Other'])).code).toBe(0);
  });

  afterAll(async () => {
    for (const [key, value] of [['FINOPS_DATA_DIR', saved.dataDir], ['DATABASE_URL', saved.databaseUrl], ['FINOPS_LOG_LEVEL', saved.logLevel]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('triggers (deduped), cancels, retries, runs the queue once and shows the run with its log', async () => {
    const first = await runFinopsInProcess(['runs', 'trigger', '--tenant', 'cli-runs', '--kind', 'check', '--json']);
    expect(first.code).toBe(0);
    const queued = JSON.parse(first.stdout) as { id: string; status: string; created: boolean };
    expect(queued).toMatchObject({ status: 'queued', created: true });
    const again = await runFinopsInProcess(['runs', 'trigger', '--tenant', 'cli-runs', '--kind', 'check']);
    expect(again.stdout).toBe(`A check run is already queued: ${queued.id} (nothing new queued)\n`);

    const bad = await runFinopsInProcess(['runs', 'trigger', '--tenant', 'cli-runs', '--kind', 'check', '--account', 'acc-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid run cloudAccountId: a check run covers every account/);
    const badKind = await runFinopsInProcess(['runs', 'trigger', '--tenant', 'cli-runs', '--kind', 'export']);
    expect(badKind.code).not.toBe(0);
    expect(badKind.stderr).toMatch(/expected one of import, inventory, check/);

    const cancel = await runFinopsInProcess(['runs', 'cancel', queued.id, '--tenant', 'cli-runs']);
    expect(cancel.stdout).toBe(`Cancelled run ${queued.id}\n`);
    const retry = await runFinopsInProcess(['runs', 'retry', queued.id, '--tenant', 'cli-runs', '--json']);
    const retried = JSON.parse(retry.stdout) as { id: string; params: { retryOf: string } };
    expect(retried.params.retryOf).toBe(queued.id);

    const worker = await runFinopsInProcess(['worker', '--once']);
    expect(worker.code).toBe(0);
    expect(worker.stderr).toMatch(/: 1 claimed, 1 succeeded, 0 to retry, 0 failed, 0 cancelled\n$/);

    const show = await runFinopsInProcess(['runs', 'show', retried.id, '--tenant', 'cli-runs']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Status: +succeeded$/m);
    expect(show.stdout).toMatch(/^Attempts: +1 of 3$/m);
    expect(show.stdout).toMatch(/^Stats: +.*skipped=\d+/m);
    expect(show.stdout).toMatch(/INFO +attempt 1 of 3 on worker /);
    expect(show.stdout).toMatch(/INFO +succeeded/);

    const json = JSON.parse((await runFinopsInProcess(['runs', 'show', retried.id, '--tenant', 'cli-runs', '--json'])).stdout) as {
      status: string;
      logs: Array<{ id: string; level: string; message: string }>;
    };
    expect(json.status).toBe('succeeded');
    expect(json.logs[0]!.message).toMatch(/^attempt 1 of 3 on worker/);
    expect(json.logs.at(-1)!.message).toBe('succeeded');

    const list = JSON.parse((await runFinopsInProcess(['runs', 'list', '--tenant', 'cli-runs', '--json'])).stdout) as Array<{ id: string; status: string }>;
    expect(list.map((r) => [r.id, r.status])).toEqual([
      [retried.id, 'succeeded'],
      [queued.id, 'cancelled'],
    ]);
    const other = await runFinopsInProcess(['runs', 'show', retried.id, '--tenant', 'cli-other']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/does not exist for tenant "cli-other"/);
  });

  it('runs one worker on the embedded store: while another opener holds it, `finops worker` refuses and says why', async () => {
    const holder = await openStore({ dataDir });
    try {
      const second = await runFinopsInProcess(['worker', '--once']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/The embedded store at .* is in use/);
      expect(second.stderr).toMatch(/set DATABASE_URL to use PostgreSQL/);
    } finally {
      await holder.close();
    }
  });

  it('adds, lists and removes schedules; bad cron and time zone are named', async () => {
    const badCron = await runFinopsInProcess(['schedule', 'add', '--tenant', 'cli-runs', '--kind', 'import', '--cron', '0 0 3 * * *']);
    expect(badCron.code).toBe(1);
    expect(badCron.stderr).toMatch(/Invalid schedule cron: "0 0 3 \* \* \*" has 6 field\(s\)/);
    const badZone = await runFinopsInProcess(['schedule', 'add', '--tenant', 'cli-runs', '--kind', 'check', '--cron', '0 3 * * *', '--timezone', 'Moon/Base']);
    expect(badZone.stderr).toMatch(/"Moon\/Base" is not an IANA time zone/);

    const add = await runFinopsInProcess(['schedule', 'add', '--tenant', 'cli-runs', '--kind', 'check', '--cron', '15 4 * * 1-5', '--timezone', 'Europe/Paris', '--json']);
    expect(add.code).toBe(0);
    const created = JSON.parse(add.stdout) as { id: string; nextRunAt: string };
    expect(created.nextRunAt).toMatch(/T0[23]:15:00\.000Z$/);
    const list = JSON.parse((await runFinopsInProcess(['schedule', 'list', '--tenant', 'cli-runs', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(list).toEqual([expect.objectContaining({ id: created.id, kind: 'check', cron: '15 4 * * 1-5', timezone: 'Europe/Paris', enabled: true })]);
    expect((await runFinopsInProcess(['schedule', 'list', '--tenant', 'cli-other'])).stdout).toMatch(/^No schedules for tenant cli-other/);
    expect((await runFinopsInProcess(['schedule', 'remove', created.id, '--tenant', 'cli-other'])).stderr).toMatch(/does not exist for tenant "cli-other"/);
    expect((await runFinopsInProcess(['schedule', 'remove', created.id, '--tenant', 'cli-runs'])).stdout).toBe(`Removed schedule ${created.id}\n`);
    expect(JSON.parse((await runFinopsInProcess(['schedule', 'list', '--tenant', 'cli-runs', '--json'])).stdout)).toEqual([]);
  });
});
