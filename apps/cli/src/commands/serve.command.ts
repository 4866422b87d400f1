import cluster from 'node:cluster';
import { type Command, InvalidArgumentError } from 'commander';
import type * as Api from '@openfinops/api';
import { CliError } from '../cli-output.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('expected a port number 0-65535');
  return port;
}

interface ServeOptions {
  port?: number;
  host?: string;
}

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the HTTP API (config from the environment: PORT, HOST, DATABASE_URL, FINOPS_*; see docs/api.md). ' +
        'FINOPS_API_PROCESSES=N (PostgreSQL only) runs N processes sharing the port.',
    )
    .option('--port <port>', 'port to listen on (overrides PORT)', parsePort)
    .option('--host <host>', 'interface to bind (overrides HOST)')
    .action(async (opts: ServeOptions) => {
      // Loaded here so other commands do not pay for NestJS at start-up.
      const api = await import('@openfinops/api');
      if (cluster.isPrimary) {
        let config: ReturnType<typeof api.loadApiConfig>;
        try {
          // Validated once before forking: a bad variable is one message, not one per process.
          config = api.loadApiConfig(process.env);
        } catch (err) {
          if (err instanceof api.ConfigError) throw new CliError(err.message);
          throw err;
        }
        if (config.apiProcesses > 1) return serveCluster(api, config.apiProcesses, config.logLevel);
      }
      await serveOne(api, opts);
    });
}

type ApiModule = typeof Api;

/** The primary: the workers re-run this same command line and take the single-process path. */
async function serveCluster(api: ApiModule, processes: number, logLevel: string): Promise<void> {
  const exitCode = await api.runApiCluster({
    processes,
    logLevel,
    onListening: (url) => process.stderr.write(`finops API listening on ${url} (${processes} processes; docs: ${url}/docs)\n`),
  });
  if (exitCode !== 0) throw new CliError('the API stopped: an API process failed (its error is above)', undefined, exitCode);
}

async function serveOne(api: ApiModule, opts: ServeOptions): Promise<void> {
  let running: Awaited<ReturnType<typeof api.startApiServer>>;
  try {
    running = await api.startApiServer(process.env, opts);
  } catch (err) {
    // Let a worker that failed at boot exit (with the code main returns): its IPC channel would keep it alive.
    disconnectFromPrimary();
    if (err instanceof api.ConfigError) throw new CliError(err.message);
    throw err;
  }
  // In a cluster the primary announces the shared address once every process listens.
  if (!cluster.isWorker) process.stderr.write(`finops API listening on ${running.url} (docs: ${running.url}/docs)\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${cluster.isWorker ? `API process ${process.pid}: ` : ''}received ${signal}, shutting down\n`);
      // Alone, a second signal falls back to the default (stop now). In a cluster, Ctrl-C reaches every process
      // and the primary forwards it too: the duplicate must not cut the graceful stop short.
      if (!cluster.isWorker) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      running.close().then(done, (err: unknown) => {
        process.stderr.write(`error during shutdown: ${String(err)}\n`);
        done();
      });
    };
    const done = () => {
      disconnectFromPrimary();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * In a cluster worker the IPC channel to the primary keeps the process alive once its server has closed. The
 * worker's own disconnect (not process.disconnect(), which node:cluster answers with exit code 0) lets the process
 * end with the exit code main returns.
 */
function disconnectFromPrimary(): void {
  if (cluster.worker?.isConnected()) cluster.worker.disconnect();
}
