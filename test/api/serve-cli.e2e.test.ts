import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from './api-harness.ts';

const FINOPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/finops.js');

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FINOPS_DATA_DIR: dataDir, FINOPS_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.FINOPS_JWT_SECRET;
  delete env.NODE_ENV;
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FINOPS, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** The real launcher (tsx, no decorator metadata): proves the runtime path, not just vitest's transform. */
describe('finops serve / user / apikey (separate processes)', () => {
  let dataDir: string;
  let server: ChildProcessWithoutNullStreams | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finops-serve-'));
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops start-up on a bad variable with a message naming it', async () => {
    const res = await run(['serve'], { ...baseEnv(dataDir), PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Invalid configuration: PORT /);
  });

  it('creates users and API keys from the CLI, then serves them over HTTP', async () => {
    const env = baseEnv(dataDir);
    const tenant = await run(['tenant', 'create', 'cli-corp', '--name', 'CLI Corp'], env);
    expect(tenant.code, tenant.stderr).toBe(0);

    const admin = await run(['user', 'create', 'Ops@Example.com', '--password-stdin', '--platform-admin', '--json'], env, `${PASSWORD}\n`);
    expect(admin.code, admin.stderr).toBe(0);
    expect(JSON.parse(admin.stdout)).toMatchObject({ user: { email: 'ops@example.com', isPlatformAdmin: true }, oneTimePassword: null });

    const member = await run(['user', 'create', 'analyst@example.com', '--tenant', 'cli-corp', '--role', 'analyst'], env);
    expect(member.code, member.stderr).toBe(0);
    expect(member.stdout).toMatch(/analyst of cli-corp/);
    expect(member.stdout).toMatch(/One-time password \(shown once\): \S{20}/);

    const missingRole = await run(['user', 'create', 'x@example.com', '--tenant', 'cli-corp'], env);
    expect(missingRole.code).toBe(1);
    expect(missingRole.stderr).toMatch(/--tenant needs --role/);

    const key = await run(['apikey', 'create', '--tenant', 'cli-corp', '--role', 'viewer', '--name', 'ci', '--json'], env);
    expect(key.code, key.stderr).toBe(0);
    const apiKey = (JSON.parse(key.stdout) as { key: string }).key;
    expect(apiKey).toMatch(/^ofk_[a-f0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const noTenant = await run(['apikey', 'create', '--tenant', 'nope-corp', '--role', 'viewer', '--name', 'ci'], env);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toMatch(/nope-corp/);

    server = spawn(process.execPath, [FINOPS, 'serve', '--port', '0'], { env: { ...env, FINOPS_LOG_LEVEL: 'info' } });
    let logs = '';
    server.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 45_000);
      server!.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      server!.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const tenants = await fetch(`${url}/admin/tenants`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await tenants.json()) as { tenants: Array<{ id: string }> }).tenants.map((t) => t.id)).toEqual(['cli-corp']);
    const runs = await fetch(`${url}/tenants/cli-corp/runs`, {
      headers: { authorization: `Bearer ${apiKey}`, 'x-request-id': 'trace-me-123' },
    });
    expect(runs.status).toBe(200);
    expect(runs.headers.get('x-request-id')).toBe('trace-me-123');

    // Structured JSON logs carry the request id and the route's tenant, never the credential.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { req?: { id?: string; url?: string }; tenantId?: string; res?: { statusCode?: number } })
      .find((l) => l.req?.id === 'trace-me-123');
    expect(line).toMatchObject({ tenantId: 'cli-corp', req: { method: 'GET', url: '/tenants/cli-corp/runs' }, res: { statusCode: 200 } });
    // Request fields are an allow-list: no headers at all, so no Authorization or Cookie.
    expect(Object.keys(line!.req!).sort()).toEqual(['id', 'method', 'remoteAddress', 'url', 'userAgent']);
    expect(Object.keys(line!.res!)).toEqual(['statusCode']);
    expect(logs).not.toContain(apiKey);
    expect(logs).not.toContain(accessToken);

    const exited = new Promise<number | null>((resolve) => server!.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    // Seven separate processes each start tsx and load the API: on a busy 2-core machine that alone can pass a minute.
  }, 150_000);
});
