import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnStore, waitFor } from '../support/index.ts';
import { call, createApiKey, createTenant, createUser, login, startTestApi, TEST_JWT_SECRET, type TestApi } from './api-harness.ts';

const FINOPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/finops.js');

interface Served {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  running: () => boolean;
}

function serve(env: NodeJS.ProcessEnv): Served {
  const child = spawn(process.execPath, [FINOPS, 'serve', '--port', '0'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited, running: () => running };
}

function logLines(text: string): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * One request on a connection of its own: the cluster hands out connections (round robin on Linux), so a kept-alive
 * connection would talk to one process only.
 */
function fresh(url: string, reqPath: string, token?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${reqPath}`, { agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Enough connections that round robin reaches both processes. */
async function statuses(url: string, reqPath: string, token?: string, n = 4): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fresh(url, reqPath, token)).status);
  return out;
}

describeOnStore('postgres', 'finops serve with FINOPS_API_PROCESSES=2 next to another API process', () => {
  let a: TestApi;
  let b: Served | undefined;
  let url = '';
  let dataDir = '';
  let admin = '';
  let member = '';
  let memberId = '';
  let analystKey = '';

  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: a.databaseUrl,
      FINOPS_DATA_DIR: dataDir,
      FINOPS_JWT_SECRET: TEST_JWT_SECRET,
      FINOPS_ROLE: 'api',
      FINOPS_LOG_LEVEL: 'info',
    };
    delete env.NODE_ENV;
    delete env.FINOPS_API_PROCESSES;
    return env;
  };

  beforeAll(async () => {
    a = await startTestApi('postgres');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finops-cluster-'));
    await createTenant(a, 'multi-a', 'Multi A');
    await createUser(a, 'root@multi.example', { platformAdmin: true });
    memberId = await createUser(a, 'member@multi.example', { tenantId: 'multi-a', role: 'viewer' });
    admin = (await login(a, 'root@multi.example')).accessToken;
    member = (await login(a, 'member@multi.example')).accessToken;
    analystKey = await createApiKey(a, 'multi-a', 'analyst');
    const seenAt = new Date('2026-11-01T00:00:00Z');
    await a.store.prisma.findingState.create({
      data: {
        tenantId: 'multi-a', fingerprint: 'fp-multi-1', checkId: 'aws.ebs-unattached', provider: 'aws', accountId: '111111111111',
        region: 'eu-west-1', resourceType: 'volume', resourceId: 'vol-1', firstSeenAt: seenAt, lastSeenAt: seenAt, lastRunId: 'run-1',
        estimatedMonthlySavings: '12.500000', currency: 'USD', category: 'waste', severity: 'high', title: 'Unattached volume',
      },
    });
    // Far longer than any wait below: only a notification can make the other processes see a change in time.
    b = serve({ ...baseEnv(), FINOPS_API_PROCESSES: '2', FINOPS_ACCESS_CACHE_MS: '30000', FINOPS_FINDINGS_CACHE_MS: '30000' });
    const served = b;
    url = await waitFor('the cluster to listen', async () => {
      if (!served.running()) throw new Error(`serve exited: ${served.stderr()}`);
      return /listening on (http:\/\/\S+) \(2 processes/.exec(served.stderr())?.[1];
    }, 90_000);
  }, 150_000);

  afterAll(async () => {
    b?.child.kill('SIGKILL');
    await a?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers health and authenticated requests from both processes', async () => {
    expect(await statuses(url, '/health/ready')).toEqual([200, 200, 200, 200]);
    expect(await statuses(url, '/tenants/multi-a', member)).toEqual([200, 200, 200, 200]);
    const pids = await waitFor('request logs from two processes', async () => {
      const found = new Set(logLines(b!.stdout()).filter((l) => l.req?.url === '/tenants/multi-a' && l.res?.statusCode === 200).map((l) => l.pid));
      return found.size === 2 ? found : null;
    }, 5_000);
    expect(pids.has(b!.child.pid)).toBe(false);
  });

  it('refuses a member removed through another process on the next requests, long before the TTL', async () => {
    // Every process of the cluster has the member's access cached now.
    expect(await statuses(url, '/tenants/multi-a', member)).toEqual([200, 200, 200, 200]);
    expect((await call(a, 'DELETE', `/admin/tenants/multi-a/members/${memberId}`, { token: admin })).status).toBe(204);
    await waitFor('both processes to refuse the removed member', async () => {
      const seen = await statuses(url, '/tenants/multi-a', member);
      return seen.every((s) => s === 404);
    }, 5_000);
  });

  it('drops a finding suppressed through another process from the cached open list', async () => {
    const open = async () => (await fresh(url, '/tenants/multi-a/findings?status=open', analystKey)).body.findings.map((f: { fingerprint: string }) => f.fingerprint);
    for (let i = 0; i < 4; i++) expect(await open()).toEqual(['fp-multi-1']);
    const patched = await call(a, 'PATCH', '/tenants/multi-a/findings/fp-multi-1', { token: analystKey, body: { action: 'suppress', reason: 'elsewhere' } });
    expect(patched.status).toBe(200);
    await waitFor('both processes to drop the suppressed finding', async () => {
      const lists = await Promise.all([open(), open(), open(), open()]);
      return lists.every((l) => l.length === 0);
    }, 5_000);
  });

  it('replaces a process that dies, then stops every process on SIGTERM', async () => {
    const started = () => logLines(b!.stdout()).filter((l) => l.msg === 'API process started').map((l) => l.workerPid as number);
    const [victim] = started();
    process.kill(victim!, 'SIGKILL');
    await waitFor('a replacement process', async () => started().length === 3 && logLines(b!.stdout()).some((l) => l.msg === 'an API process died unexpectedly: replacing it' && l.workerPid === victim), 10_000);
    const replacement = started()[2]!;
    await waitFor('the replacement to answer', async () => {
      for (let i = 0; i < 4; i++) await fresh(url, '/health/ready');
      return logLines(b!.stdout()).some((l) => l.pid === replacement && l.req?.url === '/health/ready');
    }, 60_000);

    b!.child.kill('SIGTERM');
    expect(await b!.exited).toBe(0);
    for (const pid of started()) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    b = undefined;
  }, 90_000);

  it('exits non-zero when a process cannot start (here: no such database)', async () => {
    const broken = new URL(a.databaseUrl!);
    broken.pathname = '/finops_no_such_database';
    const failed = serve({ ...baseEnv(), DATABASE_URL: broken.toString(), FINOPS_API_PROCESSES: '2' });
    expect(await failed.exited).toBe(1);
    expect(failed.stderr()).toMatch(/finops_no_such_database/);
    expect(logLines(failed.stdout()).some((l) => l.msg === 'an API process failed at start-up: stopping the others')).toBe(true);
  }, 90_000);
});
