import { type Command, InvalidArgumentError } from 'commander';
import type { WorkerRuntime } from '@openfinops/api';
import { CliError } from '../cli-output.ts';

function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return Number(value);
}

interface WorkerCommandOptions {
  concurrency?: number;
  once?: boolean;
}

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run the scheduler and the worker loop in the foreground: claim queued import, inventory and check runs and execute them. ' +
        'SIGTERM/SIGINT stop claiming and let running runs finish (or release them after FINOPS_WORKER_SHUTDOWN_GRACE). ' +
        'Logs are JSON lines on stdout. Settings: FINOPS_WORKER_*, FINOPS_RETRY_*, FINOPS_SCHEDULER*, FINOPS_RUN_LOG_RETENTION_DAYS (docs/operations.md).',
    )
    .option('--concurrency <n>', 'runs executed at once by this process (overrides FINOPS_WORKER_CONCURRENCY)', parseConcurrency)
    .option('--once', 'execute what is claimable now, print a summary and exit (no scheduler)')
    .action(async (opts: WorkerCommandOptions) => {
      // Loaded here so other commands do not pay for the worker's imports at start-up.
      const api = await import('@openfinops/api');
      let config: ReturnType<typeof api.loadWorkerConfig>;
      try {
        config = api.loadWorkerConfig(process.env, opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {});
      } catch (err) {
        if (err instanceof api.WorkerConfigError) throw new CliError(err.message);
        throw err;
      }
      const storeOptions = api.storeOptionsFromEnv();
      const store = await api.openStore(storeOptions);
      try {
        // Same rule as `finops serve`: a fresh embedded store just works; a shared PostgreSQL is migrated as a deploy step.
        if (store.kind === 'pglite') await store.migrate();
        else await store.assertMigrated();
        const runtimeOptions = {
          store,
          dataDir: storeOptions.dataDir,
          config: opts.once ? { ...config, scheduler: false } : config,
          logger: api.createWorkerLogger(),
          connectors: api.connectorJobDeps(store, storeOptions.dataDir, process.env),
        };
        if (opts.once) {
          // No timers at all: the same services, run to idle without the Nest lifecycle that would start the loops.
          const runtime = await api.createWorkerRuntime(runtimeOptions);
          const summary = await runtime.worker.runUntilIdle();
          process.stderr.write(
            `worker ${runtime.worker.owner}: ${summary.claimed} claimed, ${summary.succeeded} succeeded, ${summary.retried} to retry, ` +
              `${summary.failed} failed, ${summary.cancelled} cancelled\n`,
          );
          if (summary.failed > 0) process.exitCode = 1;
          return;
        }
        // The same WorkerModule the API imports for FINOPS_ROLE=worker|all: its bootstrap hook starts the loops and
        // registers the poll and scheduler intervals; closing the context stops them gracefully.
        const context = await api.createWorkerContext(runtimeOptions);
        const runtime = context.get<WorkerRuntime>(api.WORKER_RUNTIME);
        process.stderr.write(`finops worker ${runtime.worker.owner} started (${store.location}); stop with Ctrl-C or SIGTERM\n`);
        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            process.stderr.write(`received ${signal}: no new claims; finishing the running runs\n`);
            context.close().then(resolve, (err: unknown) => {
              process.stderr.write(`error during shutdown: ${String(err)}\n`);
              resolve();
            });
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      } finally {
        await store.close();
      }
    });
}
