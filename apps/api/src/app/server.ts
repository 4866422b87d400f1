import { pino } from 'pino';
import { type ApiConfig, loadApiConfig } from '../config/api-config.ts';
import { ChangeListener } from '../store/change-notifications.ts';
import { openStore, type Store } from '../store/store.ts';
import { connectorJobDeps } from '../workers/connector-job-deps.ts';
import { loadWorkerConfig } from '../workers/worker-config.ts';
import { createWorkerLogger, type WorkerRuntime } from '../workers/worker-runtime.ts';
import { WORKER_RUNTIME } from '../workers/worker.module.ts';
import { type ApiApp, createApiApp } from './create-app.ts';

export interface RunningApi {
  app: ApiApp;
  store: Store;
  config: ApiConfig;
  /** `http://host:port`, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  /** The scheduler and worker loop running in this process (FINOPS_ROLE=worker or all); null for FINOPS_ROLE=api. */
  worker: WorkerRuntime | null;
  close(): Promise<void>;
}

/** Loads config, opens and migrates the store, and listens. Used by `finops serve` and `npm start`. */
export async function startApiServer(
  env: NodeJS.ProcessEnv = process.env,
  overrides: { port?: number; host?: string } = {},
): Promise<RunningApi> {
  const config = loadApiConfig(env);
  // Validated whatever the role, so a bad worker setting fails every process of a deployment at boot alike.
  const workerConfig = loadWorkerConfig(env);
  if (overrides.port !== undefined) config.port = overrides.port;
  if (overrides.host !== undefined) config.host = overrides.host;
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let app: ApiApp | undefined;
  let changes: ChangeListener | undefined;
  try {
    // Same rule as the CLI: a fresh embedded store just works; a shared PostgreSQL is migrated as a deploy step.
    if (store.kind === 'pglite') await store.migrate();
    else await store.assertMigrated();
    if (config.databaseUrl) {
      // Other processes' writes (API replicas, workers, the CLI) drop this process's cached answers as they commit.
      changes = new ChangeListener({ databaseUrl: config.databaseUrl, logger: pino({ level: config.logLevel }) });
      await changes.start();
    }
    const worker =
      config.role === 'api'
        ? undefined
        : {
            store,
            dataDir: config.dataDir,
            config: workerConfig,
            logger: createWorkerLogger(config.logLevel),
            connectors: connectorJobDeps(store, config.dataDir, env),
          };
    app = await createApiApp({ config, store, ...(worker ? { worker } : {}) });
    await app.listen(config.port, config.host);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await changes?.close();
    await store.close();
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  const started = app;
  const runningWorker = config.role === 'api' ? null : app.get<WorkerRuntime>(WORKER_RUNTIME);
  return {
    app: started,
    store,
    config,
    url: `http://${host}:${port}`,
    worker: runningWorker,
    close() {
      closing ??= (async () => {
        try {
          // WorkerModule's shutdown hook lets runs finish (or releases them) while the store is still open.
          await started.close();
        } finally {
          await changes?.close();
          await store.close();
        }
      })();
      return closing;
    },
  };
}
