import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-output.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('expected a port number 0-65535');
  return port;
}

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API (config from the environment: PORT, HOST, DATABASE_URL, FINOPS_*; see docs/api.md)')
    .option('--port <port>', 'port to listen on (overrides PORT)', parsePort)
    .option('--host <host>', 'interface to bind (overrides HOST)')
    .action(async (opts: { port?: number; host?: string }) => {
      // Loaded here so other commands do not pay for NestJS at start-up.
      const { startApiServer, ConfigError } = await import('@openfinops/api');
      let running: Awaited<ReturnType<typeof startApiServer>>;
      try {
        running = await startApiServer(process.env, opts);
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message);
        throw err;
      }
      process.stderr.write(`finops API listening on ${running.url} (docs: ${running.url}/docs)\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.stderr.write(`received ${signal}, shutting down\n`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          running.close().then(resolve, (err: unknown) => {
            process.stderr.write(`error during shutdown: ${String(err)}\n`);
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
