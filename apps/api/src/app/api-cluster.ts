import cluster, { type Worker } from 'node:cluster';
import { type Logger, pino } from 'pino';

export interface ApiClusterOptions {
  /** Worker processes to keep running (FINOPS_API_PROCESSES). */
  processes: number;
  /** JSON lines on stdout like the workers' logs, tagged role=api-primary. */
  logLevel?: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Wait before replacing a worker that died. */
  restartDelayMs?: number;
  /** More unexpected deaths than this within restartWindowMs stop the whole server (a crash loop, not bad luck). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Called once every first-generation worker listens, with the shared address. */
  onListening?: (url: string) => void;
}

/**
 * The node:cluster primary behind `finops serve` with FINOPS_API_PROCESSES > 1. It forks the workers (which re-run
 * the same command and call startApiServer, sharing the port), forwards SIGINT/SIGTERM and waits for them, replaces
 * a worker that dies unexpectedly, and resolves with the exit code for the whole server: non-zero when a worker of
 * the first generation fails before it listens (a config or store error every replacement would repeat) or when
 * workers keep dying.
 */
export function runApiCluster(options: ApiClusterOptions): Promise<number> {
  const { processes } = options;
  const logger = options.logger ?? pino({ level: options.logLevel ?? 'info', base: { pid: process.pid, role: 'api-primary' } });
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  const maxRestarts = options.maxRestarts ?? 5;
  const restartWindowMs = options.restartWindowMs ?? 60_000;

  return new Promise<number>((resolve) => {
    const live = new Set<Worker>();
    const listening = new Set<Worker>();
    const firstGeneration = new Set<Worker>();
    const restarts: number[] = [];
    const timers = new Set<NodeJS.Timeout>();
    let announced = false;
    let stopping: { exitCode: number } | null = null;

    const fork = (first: boolean) => {
      const worker = cluster.fork();
      live.add(worker);
      if (first) firstGeneration.add(worker);
      logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'API process started');
    };

    const finishIfDone = () => {
      if (stopping && live.size === 0) {
        cluster.off('listening', onListening);
        cluster.off('exit', onExit);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(stopping.exitCode);
      }
    };

    const stopAll = (signal: NodeJS.Signals, exitCode: number) => {
      if (stopping) {
        stopping.exitCode = Math.max(stopping.exitCode, exitCode);
        return;
      }
      stopping = { exitCode };
      for (const timer of timers) clearTimeout(timer);
      for (const worker of live) worker.process.kill(signal);
      finishIfDone();
    };

    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal, processes: live.size }, 'stopping the API processes');
      stopAll(signal, 0);
    };

    const onListening = (worker: Worker, address: { address: string | null; port: number; addressType: number | string }) => {
      listening.add(worker);
      if (announced || ![...firstGeneration].every((w) => listening.has(w))) return;
      announced = true;
      const host = address.addressType === 6 || address.addressType === 'udp6' ? `[${address.address}]` : address.address;
      options.onListening?.(`http://${host ?? '127.0.0.1'}:${address.port}`);
    };

    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      live.delete(worker);
      const wasListening = listening.delete(worker);
      const fields = { worker: worker.id, workerPid: worker.process.pid, code, signal };
      if (stopping) {
        // A clean stop exits 0; anything else (killed, crashed while draining) makes the whole stop non-zero.
        if (code !== 0) stopping.exitCode = 1;
        finishIfDone();
        return;
      }
      if (!wasListening && firstGeneration.has(worker)) {
        logger.error(fields, 'an API process failed at start-up: stopping the others');
        stopAll('SIGTERM', 1);
        return;
      }
      const now = Date.now();
      while (restarts.length > 0 && restarts[0]! <= now - restartWindowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        logger.error({ ...fields, restarts: restarts.length, windowMs: restartWindowMs }, 'API processes keep dying: stopping the server');
        stopAll('SIGTERM', 1);
        return;
      }
      restarts.push(now);
      logger.warn({ ...fields, restartInMs: restartDelayMs }, 'an API process died unexpectedly: replacing it');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork(false);
      }, restartDelayMs);
      timers.add(timer);
    };

    cluster.on('listening', onListening);
    cluster.on('exit', onExit);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (let i = 0; i < processes; i++) fork(true);
  });
}
