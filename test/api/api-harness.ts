import http from 'node:http';
import type { Store } from '../../apps/api/src/store/store.ts';
import type { StoreKind } from '../../apps/api/src/store/sql-connection.ts';
import { AuditLogRepository } from '../../apps/api/src/admin/audit-log.repository.ts';
import { ApiKeyRepository } from '../../apps/api/src/api-keys/api-key.repository.ts';
import { ApiKeyService } from '../../apps/api/src/api-keys/api-key.service.ts';
import type { ApiModuleOptions } from '../../apps/api/src/app/app.module.ts';
import { createApiApp, type ApiApp } from '../../apps/api/src/app/create-app.ts';
import { loadApiConfig, type ApiConfig } from '../../apps/api/src/config/api-config.ts';
import { TenantRepository } from '../../apps/api/src/tenants/tenant.repository.ts';
import { MembershipRepository } from '../../apps/api/src/users/membership.repository.ts';
import { UserRepository } from '../../apps/api/src/users/user.repository.ts';
import { UserService } from '../../apps/api/src/users/user.service.ts';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestStore, postgresAvailability, REQUIRE_PG, type TestStore } from '../support/index.ts';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const PASSWORD = 'correct horse battery staple';

export interface TestApi {
  url: string;
  app: ApiApp;
  store: Store;
  config: ApiConfig;
  dataDir: string;
  /** PostgreSQL only: the throwaway database, for other processes to open. */
  databaseUrl: string | undefined;
  users: UserService;
  close(): Promise<void>;
}

/** The real app on 127.0.0.1 (random port) over a fresh migrated store in a temp dir. */
export async function startTestApi(
  kind: StoreKind = 'pglite',
  env: Record<string, string> = {},
  extra: Pick<ApiModuleOptions, 'controllers'> = {},
): Promise<TestApi> {
  const testStore: TestStore = await createTestStore(kind);
  try {
    const config = loadApiConfig({
      FINOPS_DATA_DIR: testStore.dataDir,
      FINOPS_JWT_SECRET: TEST_JWT_SECRET,
      FINOPS_LOG_LEVEL: 'silent',
      FINOPS_LOGIN_RATE_LIMIT: '1000',
      ...env,
    });
    const app = await createApiApp({ config, store: testStore.store, ...extra });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const prisma = testStore.store.prisma;
    return {
      url: `http://127.0.0.1:${address.port}`,
      app,
      store: testStore.store,
      config,
      dataDir: testStore.dataDir,
      databaseUrl: testStore.databaseUrl,
      users: new UserService(
        new UserRepository(prisma),
        new MembershipRepository(prisma),
        new TenantRepository(prisma),
        new AuditLogRepository(prisma),
      ),
      async close() {
        try {
          await app.close();
        } finally {
          await testStore.dispose();
        }
      },
    };
  } catch (err) {
    await testStore.dispose();
    throw err;
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  text: string;
}

export async function call(
  api: Pick<TestApi, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(`${api.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Sends the path byte-for-byte (fetch would normalise `../` away before it reaches the server). */
export function rawGet(api: Pick<TestApi, 'url'>, rawPath: string, token?: string): Promise<{ status: number; body: any; text: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, method: 'GET', path: rawPath, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function login(api: TestApi, email: string, password = PASSWORD) {
  const res = await call(api, 'POST', '/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number };
}

export async function createTenant(api: TestApi, id: string, name: string): Promise<void> {
  await new TenantRepository(api.store.prisma).create({ id, name }, 'test');
}

export async function createUser(
  api: TestApi,
  email: string,
  options: { platformAdmin?: boolean; tenantId?: string; role?: 'owner' | 'admin' | 'analyst' | 'viewer' } = {},
): Promise<string> {
  const created = await api.users.create({
    email,
    password: PASSWORD,
    isPlatformAdmin: options.platformAdmin === true,
    ...(options.tenantId && options.role ? { membership: { tenantId: options.tenantId, role: options.role } } : {}),
    actor: 'test',
  });
  return created.user.id;
}

export async function createApiKey(api: TestApi, tenantId: string, role: 'owner' | 'admin' | 'analyst' | 'viewer'): Promise<string> {
  const prisma = api.store.prisma;
  const created = await new ApiKeyService(new ApiKeyRepository(prisma), new AuditLogRepository(prisma)).create({
    tenantId,
    name: `${role} key`,
    role,
    actor: 'test',
  });
  return created.key;
}

const pgAvailability = await postgresAvailability();

/**
 * Runs `fn` once per store kind against its own app: PGlite always; PostgreSQL when a server answers
 * (FINOPS_REQUIRE_PG=1 makes its absence a failure, as in describeStores).
 */
export function describeApi(
  name: string,
  fn: (ctx: { readonly api: TestApi; kind: StoreKind }) => void,
  options: { env?: Record<string, string>; kinds?: StoreKind[] } = {},
): void {
  for (const kind of options.kinds ?? (['pglite', 'postgres'] as StoreKind[])) {
    if (kind === 'postgres' && !pgAvailability.available && !REQUIRE_PG) {
      describe.skip(`${name} [postgres] (skipped: ${pgAvailability.reason})`, () => fn({ api: undefined as never, kind }));
      continue;
    }
    describe(`${name} [${kind}]`, () => {
      let current: TestApi | undefined;
      beforeAll(async () => {
        current = await startTestApi(kind, options.env);
      });
      afterAll(async () => {
        await current?.close();
      });
      fn({
        kind,
        get api() {
          if (!current) throw new Error('the test API is not started (used outside a test or hook?)');
          return current;
        },
      });
    });
  }
}
