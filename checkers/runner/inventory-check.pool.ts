import { Worker } from 'node:worker_threads';
import type { InventoryCheckJob, InventoryCheckRunOutcome } from './inventory-check.job.ts';

/**
 * A job allocates an account's parsed snapshot and, per run, a finding object, its validated copy and column values
 * per row, most of it short-lived. With V8's default young generation much of that survives a scavenge or two and is
 * copied into the old generation. 64 MB cut the benchmark's CPU time by 5-8 % against the default, 128 MB another
 * 6-8 % once the cast allocated less (bench/checkers/README.md), for about 60 MB more resident memory per thread;
 * 192 and 384 MB gained nothing more.
 */
const YOUNG_GENERATION_MB = 128;

interface PendingJob {
  job: InventoryCheckJob;
  resolve: (outcomes: InventoryCheckRunOutcome[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  current: (PendingJob & { id: number }) | undefined;
}

/**
 * Worker threads that run inventory check jobs (`runInventoryCheckJob`), one job per thread at a time, so the
 * accounts of a tenant are read, checked, cast and encoded side by side. Threads start on first use and hold the
 * event loop open only while they have a job, so an idle pool never keeps a process alive. A thread that dies
 * fails its job with the reason and is replaced for the next one.
 */
export class InventoryCheckPool {
  private readonly slots: (Slot | undefined)[];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closed = false;

  private readonly entry: URL;

  /** `options.entry` replaces the thread's entry module (tests: a thread that dies on cue). */
  constructor(
    readonly size: number,
    options: { entry?: URL } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`InventoryCheckPool: size must be a positive integer, got ${size}`);
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
    this.entry = options.entry ?? new URL('./inventory-check.worker.mjs', import.meta.url);
  }

  /** The job's run outcomes; rejects only when the job as a whole could not run (its thread died, a bad job). */
  run(job: InventoryCheckJob): Promise<InventoryCheckRunOutcome[]> {
    if (this.closed) return Promise.reject(new Error('inventory check pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; jobs still queued or running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    if (shared.get(this.size) === this) shared.delete(this.size);
    const error = new Error('inventory check pool closed');
    for (const pending of this.queue.splice(0)) pending.reject(error);
    await Promise.all(
      this.slots.map(async (slot, index) => {
        if (!slot) return;
        this.slots[index] = undefined;
        slot.current?.reject(error);
        await slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (let index = 0; index < this.slots.length && this.queue.length > 0; index++) {
      const slot = this.slots[index] ?? this.start(index);
      if (slot.current) continue;
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      slot.current = { ...pending, id };
      slot.worker.ref();
      slot.worker.postMessage({ id, job: pending.job });
    }
  }

  private start(index: number): Slot {
    const worker = new Worker(this.entry, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, current: undefined };
    worker.on('message', (message: { id: number; outcomes?: InventoryCheckRunOutcome[]; error?: string }) => {
      const current = slot.current;
      if (!current || current.id !== message.id) return;
      slot.current = undefined;
      worker.unref();
      if (message.error !== undefined) current.reject(new Error(`inventory check job for account ${current.job.accountId}: ${message.error}`));
      else current.resolve(message.outcomes ?? []);
      this.dispatch();
    });
    const fail = (error: Error) => {
      if (this.slots[index] !== slot) return;
      this.slots[index] = undefined;
      slot.current?.reject(error);
      slot.current = undefined;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => fail(new Error(`inventory check thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new Error(`inventory check thread exited with code ${code}`)));
    worker.unref();
    this.slots[index] = slot;
    return slot;
  }
}

const shared = new Map<number, InventoryCheckPool>();

/** The process's pool of `size` threads, created on first use (the API's job handlers create a runner per job). */
export function inventoryCheckPool(size: number): InventoryCheckPool {
  let pool = shared.get(size);
  if (!pool) {
    pool = new InventoryCheckPool(size);
    shared.set(size, pool);
  }
  return pool;
}
