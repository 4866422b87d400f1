import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStore, describeOnStore, type TestStore } from '../../../../test/support/store-harness.ts';
import { waitFor } from '../../../../test/support/wait-for.ts';
import { accessChanged } from '../auth/access-cache.ts';
import { changeCounter } from '../common/cache-changes.ts';
import { CHANGE_CHANNEL, ChangeListener, changePayload } from './change-notifications.ts';

describeOnStore('postgres', 'cache change notifications', () => {
  let t: TestStore;
  let other: pg.Client;
  const logs: Array<{ level: number; msg: string }> = [];
  let listener: ChangeListener;

  beforeAll(async () => {
    t = await createTestStore('postgres');
    other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    listener = new ChangeListener({ databaseUrl: t.databaseUrl!, logger, minRetryDelayMs: 50, maxRetryDelayMs: 200 });
    await listener.start();
  });
  afterAll(async () => {
    await listener?.close();
    await other?.end();
    await t?.dispose();
  });

  const notify = (payload: string) => other.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);

  it("applies another process's change and skips this process's own, which it applied when writing", async () => {
    expect(listener.listening).toBe(true);
    const access = changeCounter('access').value;
    const findings = changeCounter('findings').value;
    await notify(changePayload('access'));
    await notify(changePayload('findings', 'another-process'));
    // One connection delivers in order: once the second arrived, the first was seen (and skipped).
    await waitFor('the findings notification', async () => changeCounter('findings').value === findings + 1, 5_000);
    expect(changeCounter('access').value).toBe(access);
  });

  it("announces this process's committed changes through the store", async () => {
    await other.query(`LISTEN ${CHANGE_CHANNEL}`);
    const received: string[] = [];
    other.on('notification', (m) => received.push(m.payload ?? ''));
    const before = changeCounter('access').value;
    accessChanged();
    expect(changeCounter('access').value).toBe(before + 1);
    await waitFor('the access notification', async () => received.includes(changePayload('access')), 5_000);
    await other.query(`UNLISTEN ${CHANGE_CHANNEL}`);
  });

  it('reconnects after losing its connection, warns meanwhile, and drops everything cached on return', async () => {
    const terminated = await other.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()`,
      [`LISTEN ${CHANGE_CHANNEL}`],
    );
    expect(terminated.rows).toEqual([{ ok: true }]);
    await waitFor('the warning', async () => logs.some((l) => l.level === 40 && /listener is down/.test(l.msg)), 5_000);
    const access = changeCounter('access').value;
    await waitFor('the reconnection', async () => logs.some((l) => /listener reconnected/.test(l.msg)), 5_000);
    expect(listener.listening).toBe(true);
    // Notifications sent while it was down are lost, so the return itself invalidates.
    expect(changeCounter('access').value).toBeGreaterThan(access);
    const after = changeCounter('access').value;
    await notify(changePayload('access', 'another-process'));
    await waitFor('a notification after the reconnection', async () => changeCounter('access').value === after + 1, 5_000);
  });
});
