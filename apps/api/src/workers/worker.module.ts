import 'reflect-metadata';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestApplicationContext,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.ts';

/** Injection token of the process's WorkerRuntime. */
export const WORKER_RUNTIME = Symbol('WORKER_RUNTIME');

/**
 * Starts the runtime once the application is bootstrapped (its intervals go into SchedulerRegistry) and stops it
 * before the application shuts down, while the store is still open: running runs finish or are released first.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(SchedulerRegistry) private readonly timers: SchedulerRegistry,
    @Inject(WORKER_RUNTIME) private readonly runtime: WorkerRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.runtime.start(this.timers);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/**
 * The scheduler and worker loop as a Nest module: imported by the API module when FINOPS_ROLE is worker or all, and
 * the whole application context of `finops worker`, so both run the same lifecycle.
 */
@Module({})
export class WorkerModule {
  static register(options: WorkerRuntimeOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ScheduleModule.forRoot()],
      providers: [{ provide: WORKER_RUNTIME, useFactory: () => createWorkerRuntime(options) }, WorkerLifecycle],
      exports: [WORKER_RUNTIME],
    };
  }
}

/** `finops worker` (and the multi-process tests): a Nest application context holding only the worker module, started. */
export async function createWorkerContext(options: WorkerRuntimeOptions): Promise<INestApplicationContext> {
  // The runtime logs through pino (JSON lines); Nest's own start-up lines would interleave plain text with them.
  return NestFactory.createApplicationContext(WorkerModule.register(options), { logger: false, abortOnError: false });
}
