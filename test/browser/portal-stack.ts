import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const exec = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'apps', 'cli', 'bin', 'finops.js');
const PORTAL_DIR = path.join(ROOT, 'apps', 'portal');
export const ARTIFACTS = path.join(ROOT, 'test', 'browser', 'artifacts');
export const CHROMIUM = '/usr/bin/chromium';
export const REQUIRE_BROWSER = process.env.FINOPS_REQUIRE_BROWSER === '1';
export const BROWSER_AVAILABLE = existsSync(CHROMIUM);

export interface DemoUser {
  key: string;
  email: string;
  password: string;
}

export interface PortalStack {
  dataDir: string;
  apiUrl: string;
  portalUrl: string;
  users: Record<'operator' | 'analyst', DemoUser>;
  browser: Browser;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, FINOPS_DATA_DIR: dataDir, FINOPS_LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1' };
  delete e.DATABASE_URL;
  delete e.FINOPS_CHECKER_PACKAGES;
  delete e.PORT;
  return e;
}

/** Waits until `child` prints a line matching `pattern`; fails with the output so far when it exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = pattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The whole product on free 127.0.0.1 ports: the demo data (three clouds imported, every checker run, demo users)
 * in a temp data dir, a second tenant nobody of `demo` belongs to, `finops serve`, a production build of the portal
 * (`next build` + `next start`), and a headless Debian chromium.
 */
export async function startPortalStack(): Promise<PortalStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'finops-browser-'));
  const children: ChildProcess[] = [];
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    for (const c of children.reverse()) await stopChild(c);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const build = exec(process.execPath, [nextBin(), 'build'], { cwd: PORTAL_DIR, env: env(dataDir), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    const { stdout } = await exec(process.execPath, [BIN, 'demo', '--json', '--no-serve'], { cwd: ROOT, env: env(dataDir), timeout: 400_000, maxBuffer: 64 * 1024 * 1024 });
    const summary = JSON.parse(stdout) as { users: Array<{ key: string; email: string; password: string }> };
    await exec(process.execPath, [BIN, 'tenant', 'create', 'other-co', '--name', 'Other Co'], { cwd: ROOT, env: env(dataDir) });
    await build;

    // The suite signs in a dozen times within a minute from 127.0.0.1, above the default login rate limit (10/min).
    const api = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: ROOT, env: { ...env(dataDir), FINOPS_LOGIN_RATE_LIMIT: '120' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(api);
    const apiUrl = (await waitForLine(api, /listening on (http:\/\/\S+)/, 'finops serve', 120_000))[1]!;

    const portalPort = await freePort();
    const portal = spawn(process.execPath, [nextBin(), 'start', '-H', '127.0.0.1', '-p', String(portalPort)], {
      cwd: PORTAL_DIR,
      env: { ...env(dataDir), FINOPS_API_URL: apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(portal);
    await waitForLine(portal, /Ready in|started server|Local:/, 'next start', 120_000);

    // launch() gives chromium a fresh temporary profile (user-data-dir) of its own, removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await mkdir(ARTIFACTS, { recursive: true });
    const byKey = Object.fromEntries(summary.users.map((u) => [u.key, u])) as PortalStack['users'];
    return { dataDir, apiUrl, portalUrl: `http://127.0.0.1:${portalPort}`, users: byKey, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function nextBin(): string {
  return path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
}

export async function signIn(page: Page, portalUrl: string, user: Pick<DemoUser, 'email' | 'password'>): Promise<void> {
  await page.goto(`${portalUrl}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 }), page.getByRole('button', { name: 'Sign in' }).click()]);
}

export type ApiCall = <T>(pathAndQuery: string, init?: { method?: string; body?: unknown }) => Promise<T>;

const clients = new Map<string, Promise<ApiCall>>();

/**
 * A client of the API with the same user's tokens, to compare what the portal shows with what the API says. One login
 * per user and API (the access token outlives the suite), so the suite stays clear of the login rate limit.
 */
export function apiClient(apiUrl: string, user: Pick<DemoUser, 'email' | 'password'>): Promise<ApiCall> {
  const key = `${apiUrl} ${user.email}`;
  let client = clients.get(key);
  if (!client) {
    client = login(apiUrl, user);
    clients.set(key, client);
    client.catch(() => clients.delete(key));
  }
  return client;
}

async function login(apiUrl: string, user: Pick<DemoUser, 'email' | 'password'>): Promise<ApiCall> {
  const res = await fetch(`${apiUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: user.password }) });
  if (!res.ok) throw new Error(`login ${user.email}: HTTP ${res.status}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return async <T>(pathAndQuery: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const r = await fetch(`${apiUrl}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${accessToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${pathAndQuery}: HTTP ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
}

/** A fresh browser context (own cookies) with `user` signed in. */
export async function signedInPage(stack: PortalStack, user: Pick<DemoUser, 'email' | 'password'>): Promise<Page> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await signIn(page, stack.portalUrl, user);
  return page;
}

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Full-page screenshots at desktop and phone width into test/browser/artifacts. */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${w.name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
