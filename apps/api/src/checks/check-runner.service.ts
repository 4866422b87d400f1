import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  builtinCheckers,
  type Checker,
  collectFindings,
  createCheckerContext,
  createFocusInputFromLake,
  ec2OnDemandLinuxPricing,
  findChecker,
  fixedClock,
  FOCUS_PROVIDER_NAMES,
  type FocusInput,
  getChecker,
  inventoryCheckPool,
  sightingColumnsOf,
  sightingValue,
  MAX_REJECTIONS_RETURNED,
  type InventoryCheckPool,
  type InventoryCheckJobRun,
  type InventoryCheckRunOutcome,
  type SightingColumns,
  INVENTORY_KINDS,
  type InventoryKind,
  type InventorySnapshot,
  inventoryAccountIds,
  listInventorySnapshots,
  memoryLogger,
  parseInventoryDocument,
  readInventorySnapshot,
  type CheckerLogger,
  type PricingLookup,
} from '@openfinops/checkers';
import { FindingsParquetWriter, type FindingRejection, utcDay } from '@openfinops/contracts';
import { LakeLayout, parseTenantId } from '@openfinops/tenants';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { FindingStateRepository, type FindingSighting } from '../findings/finding-state.repository.ts';
import type { LifecyclePlan } from '../findings/finding-lifecycle.ts';
import { RunRepository } from '../runs/run.repository.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { TenantCheckerConfigRepository } from '../admin/tenant-checker-config.repository.ts';

export interface CheckRunnerDeps {
  prisma: PrismaClient;
  dataDir: string;
  /** Prices for checkers that estimate savings; defaults to the shipped AWS on-demand Linux table. */
  pricing?: PricingLookup;
  /** pino (or compatible) logger; checker log lines are forwarded here too. */
  logger?: CheckerLogger;
  /** Checkers to choose from (built-ins plus plugins from `loadCheckers()`); defaults to the built-ins. */
  checkers?: readonly Checker<unknown>[];
  /**
   * Worker threads for `runAll`'s inventory checks over the lake's snapshots (FINOPS_CHECK_WORKERS): each account's
   * snapshots are read, checked, cast and written on a thread of the process's pool, accounts side by side. Built-in
   * checkers with the shipped price table only; plugins, a custom `pricing` and inventory files run on this thread.
   * 0 or unset: every check runs on this thread.
   */
  checkWorkers?: number;
}

export interface RunCheckInput {
  tenantId: string;
  checkerId: string;
  /** Cloud account the run covers; derived from the inventory when it holds exactly one account. */
  accountId?: string;
  /**
   * A snapshot file (DescribeInstances JSON or kind-keyed records), or `inventory`: one of them when the
   * checker declares inventory inputs; neither for a checker that reads none.
   */
  inventoryFile?: string;
  inventory?: InventorySnapshot;
  /**
   * FOCUS rows for checkers with `inputs.focus`; the caller owns (and closes) it. Without it the runner opens the
   * tenant's lake itself and closes it when the run ends.
   */
  focus?: FocusInput;
  /** Raw checker config; parsed with the checker's schema (defaults applied). */
  config?: unknown;
  now?: Date;
  onProgress?: (message: string) => void;
}

export interface CheckRunStats {
  emitted: number;
  valid: number;
  rejected: number;
  /** First rejections (index, resourceId, field, reason); `rejected` has the full count. */
  rejections: FindingRejection[];
  new: number;
  stillOpen: number;
  resolved: number;
  reopened: number;
  suppressed: number;
  unsuppressed: number;
  warnings: number;
  durationMs: number;
}

export interface CheckRunResult {
  runId: string;
  tenantId: string;
  checkerId: string;
  accountId: string;
  status: 'succeeded';
  parquetPath: string;
  stats: CheckRunStats;
}

export class CheckRunInputError extends Error {
  readonly code = 'CHECK_RUN_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'CheckRunInputError';
  }
}

export class TenantSuspendedError extends Error {
  readonly code = 'TENANT_SUSPENDED';
  constructor(readonly tenantId: string) {
    super(`Tenant ${JSON.stringify(tenantId)} is suspended: checks do not run for it`);
    this.name = 'TenantSuspendedError';
  }
}

/** The run was created and then failed; it is recorded as failed and FindingState is unchanged. */
export class CheckRunFailedError extends Error {
  readonly code = 'CHECK_RUN_FAILED';
  constructor(readonly runId: string, cause: unknown) {
    super(`Check run ${runId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CheckRunFailedError';
  }
}

function emptyStats(): CheckRunStats {
  return { emitted: 0, valid: 0, rejected: 0, rejections: [], new: 0, stillOpen: 0, resolved: 0, reopened: 0, suppressed: 0, unsuppressed: 0, warnings: 0, durationMs: 0 };
}

/** Adds line and column to V8's "at position N" when the runtime's message lacks them (Node 20). */
export function withLineColumn(message: string, text: string): string {
  const match = /at position (\d+)(?! \(line)/.exec(message);
  if (!match) return message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return message.replace(match[0], `${match[0]} (line ${line} column ${column})`);
}

/** Reads an inventory snapshot file; errors name the file (and the JSON position or field). */
export async function loadInventoryFile(file: string, accountId?: string): Promise<InventorySnapshot> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckRunInputError(`Inventory file ${resolved} does not exist`);
    if (code === 'EISDIR') throw new CheckRunInputError(`Inventory file ${resolved} is a directory, expected a JSON file`);
    throw new CheckRunInputError(`Inventory file ${resolved} cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CheckRunInputError(`Inventory file ${resolved} is not valid JSON: ${withLineColumn((err as Error).message, text)}`);
  }
  return parseInventoryDocument(doc, resolved, accountId ? { accountId } : {});
}

function resolveAccountId(checker: Checker<unknown>, inventory: InventorySnapshot, requested: string | undefined, source: string): string {
  const found = inventoryAccountIds(inventory);
  if (requested !== undefined) {
    if (checker.provider === 'aws' && !/^\d{12}$/.test(requested)) {
      throw new CheckRunInputError(`Invalid account id ${JSON.stringify(requested)}: an AWS account id is 12 digits`);
    }
    const others = found.filter((a) => a !== requested);
    if (others.length > 0) {
      throw new CheckRunInputError(`Inventory ${source} holds resources of account(s) ${others.join(', ')}, not only ${requested}`);
    }
    return requested;
  }
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length === 0) throw new CheckRunInputError(`Inventory ${source} names no account: pass the account id (--account)`);
  throw new CheckRunInputError(`Inventory ${source} holds several accounts (${found.join(', ')}): pass one with --account and one file per account`);
}

/** The FOCUS sub accounts (SubAccountId) of the checker's provider, as the billing checks filter them. */
export async function focusSubAccountIds(focus: FocusInput, provider: Checker<unknown>['provider']): Promise<string[]> {
  const names = new Set(FOCUS_PROVIDER_NAMES[provider]);
  const accounts = (await focus.subAccounts()).filter((a) => names.has(a.providerName.toLowerCase())).map((a) => a.subAccountId);
  return [...new Set(accounts)].sort();
}

async function resolveFocusAccountId(checker: Checker<unknown>, focus: FocusInput, requested: string | undefined, tenantId: string): Promise<string> {
  const found = await focusSubAccountIds(focus, checker.provider);
  if (found.length === 0) {
    throw new CheckRunInputError(
      `Checker ${checker.id} reads FOCUS billing data but tenant ${tenantId} has none for provider ${checker.provider}: import a billing export first (finops import)`,
    );
  }
  if (requested !== undefined) {
    if (!found.includes(requested)) {
      throw new CheckRunInputError(
        `Tenant ${tenantId} has no ${checker.provider} FOCUS data for sub account ${JSON.stringify(requested)}; sub accounts with data: ${found.join(', ')}`,
      );
    }
    return requested;
  }
  if (found.length === 1 && found[0] !== undefined) return found[0];
  throw new CheckRunInputError(
    `Tenant ${tenantId} has ${checker.provider} FOCUS data for several sub accounts (${found.join(', ')}): pass one with --account, or run them all with --all`,
  );
}

function forward(target: CheckerLogger | undefined, capture: CheckerLogger): CheckerLogger {
  return {
    info: (o, m) => {
      capture.info(o, m);
      target?.info(o, m);
    },
    warn: (o, m) => {
      capture.warn(o, m);
      target?.warn(o, m);
    },
    error: (o, m) => {
      capture.error(o, m);
      target?.error(o, m);
    },
  };
}

export interface RunAllChecksInput {
  tenantId: string;
  /** One inventory file for every inventory checker; without it (and without `inventory`) the latest lake snapshots are read. */
  inventoryFile?: string;
  inventory?: InventorySnapshot;
  /** Checker ids to run (default: every loaded checker, built-ins plus plugins). */
  checkerIds?: readonly string[];
  /** Raw config per checker id; the others run with their defaults. */
  configs?: Readonly<Record<string, unknown>>;
  now?: Date;
  onProgress?: (message: string) => void;
  /** Called after each (checker, account) run or skip, for progress lines. */
  onEntry?: (entry: CheckRunAllEntry, index: number) => void;
  /**
   * Stops the run between (checker, account) runs, throwing the signal's reason: a cancelled worker run. A checker
   * run already started finishes, so every recorded check run is complete.
   */
  signal?: AbortSignal;
}

export interface CheckRunAllEntry {
  checkerId: string;
  /** Null when the checker was skipped before any account was known. */
  accountId: string | null;
  status: 'succeeded' | 'failed' | 'skipped';
  /** Set for every run that was created (succeeded or failed after it started). */
  runId: string | null;
  /** Why it was skipped or failed. */
  reason: string | null;
  stats: CheckRunStats | null;
}

export interface CheckRunAllTotals {
  runs: number;
  succeeded: number;
  failed: number;
  skipped: number;
  emitted: number;
  new: number;
  stillOpen: number;
  resolved: number;
  reopened: number;
}

export interface CheckRunAllResult {
  tenantId: string;
  /** The inventory file, "snapshot", "lake" or null when there was no inventory. */
  inventorySource: string | null;
  entries: CheckRunAllEntry[];
  totals: CheckRunAllTotals;
}

interface AllInventory {
  source: string;
  /** Every account's records; lake snapshots are read on the first call only (pooled checks read their own). */
  load(): Promise<InventorySnapshot>;
  /** Accounts per kind: every account of a file; for lake snapshots, the accounts that have a snapshot of that kind. */
  accountsByKind: Map<InventoryKind, string[]>;
}

/** The lifecycle's sightings of a run (its `sightingColumnsOf` columns), one object per row. */
function sightingsFromColumns(columns: SightingColumns, scope: { accountId: string; checkId: string }): FindingSighting[] {
  const out = new Array<FindingSighting>(columns.fingerprint.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = {
      fingerprint: columns.fingerprint[i]!,
      checkId: scope.checkId,
      provider: sightingValue(columns.provider, i),
      accountId: scope.accountId,
      region: sightingValue(columns.region, i),
      resourceType: sightingValue(columns.resourceType, i),
      resourceId: columns.resourceId[i]!,
      estimatedMonthlySavings: columns.estimatedMonthlySavings[i]!,
      currency: sightingValue(columns.currency, i),
      savingsBasis: sightingValue(columns.savingsBasis, i),
      exclusionGroup: sightingValue(columns.exclusionGroup, i) ?? null,
      category: sightingValue(columns.category, i),
      severity: sightingValue(columns.severity, i),
      title: sightingValue(columns.title, i),
    };
  }
  return out;
}

function snapshotForAccount(snapshot: InventorySnapshot, accountId: string): InventorySnapshot {
  const out: Record<string, unknown[]> = {};
  for (const [kind, records] of Object.entries(snapshot)) out[kind] = (records ?? []).filter((r) => r.AccountId === accountId);
  return out as InventorySnapshot;
}

export function runAllTotals(entries: readonly CheckRunAllEntry[]): CheckRunAllTotals {
  const totals: CheckRunAllTotals = { runs: 0, succeeded: 0, failed: 0, skipped: 0, emitted: 0, new: 0, stillOpen: 0, resolved: 0, reopened: 0 };
  for (const e of entries) {
    totals[e.status]++;
    if (e.runId !== null) totals.runs++;
    if (e.status !== 'succeeded' || !e.stats) continue;
    totals.emitted += e.stats.emitted;
    totals.new += e.stats.new;
    totals.stillOpen += e.stats.stillOpen;
    totals.resolved += e.stats.resolved;
    totals.reopened += e.stats.reopened;
  }
  return totals;
}

/**
 * Runs one checker for one tenant and account: validates inputs (before any run exists), records a Run,
 * writes the run's findings partition atomically, then applies the finding lifecycle and marks the run
 * succeeded in one transaction. Any failure after the run exists marks it failed and leaves FindingState as it was.
 */
export class CheckRunnerService {
  private readonly runs: RunRepository;
  private readonly tenants: TenantRepository;
  private readonly states: FindingStateRepository;
  private readonly layout: LakeLayout;

  constructor(private readonly deps: CheckRunnerDeps) {
    this.runs = new RunRepository(deps.prisma);
    this.tenants = new TenantRepository(deps.prisma);
    this.states = new FindingStateRepository(deps.prisma);
    this.layout = new LakeLayout(deps.dataDir);
  }

  async runCheck(input: RunCheckInput): Promise<CheckRunResult> {
    const started = performance.now();
    const progress = input.onProgress ?? (() => undefined);
    const tenantId = parseTenantId(input.tenantId);
    const checker = this.deps.checkers ? findChecker(this.deps.checkers, input.checkerId) : getChecker(input.checkerId);
    const config = checker.parseConfig(input.config);
    const tenant = await this.tenants.require(tenantId);
    if (tenant.status !== 'active') throw new TenantSuspendedError(tenantId);

    if (input.inventoryFile !== undefined && input.inventory !== undefined) {
      throw new CheckRunInputError('Give either an inventory file or an inventory snapshot, not both');
    }
    const kinds = checker.inputs.inventory ?? [];
    if (kinds.length > 0 && input.inventoryFile === undefined && input.inventory === undefined) {
      throw new CheckRunInputError(`Checker ${checker.id} reads inventory (${kinds.join(', ')}): pass an inventory file (--inventory)`);
    }
    const source = input.inventoryFile !== undefined ? path.resolve(input.inventoryFile) : 'snapshot';
    let inventory: InventorySnapshot = input.inventory ?? {};
    if (input.inventoryFile !== undefined) {
      progress(`loading inventory ${source}`);
      inventory = await loadInventoryFile(source, input.accountId);
    }
    // A checker reading FOCUS gets the caller's input or its own over the tenant's lake, closed when the run ends.
    const ownFocus = checker.inputs.focus === true && input.focus === undefined ? createFocusInputFromLake(this.layout, tenantId) : undefined;
    const focus = checker.inputs.focus === true ? (input.focus ?? ownFocus) : undefined;
    try {
      const accountId =
        kinds.length === 0 && focus
          ? await resolveFocusAccountId(checker, focus, input.accountId, tenantId)
          : resolveAccountId(checker, inventory, input.accountId, source);
      const now = input.now ?? new Date();

      const run = await this.runs.create(tenantId, {
        kind: 'check',
        checkId: checker.id,
        params: {
          accountId,
          checkerVersion: checker.version,
          config: config as Prisma.InputJsonValue,
          inventory: kinds.length > 0 ? source : null,
          focus: focus ? focus.source : null,
        },
      });
      const runId = run.id;
      const parquetPath = this.layout.findingsFile(tenantId, utcDay(now), runId);
      const captured = memoryLogger();
      const stats = emptyStats();
      let wroteFile = false;

      try {
        progress(`running ${checker.id} for ${tenantId}/${accountId} (run ${runId})`);
        const ctx = createCheckerContext(checker, {
          tenantId,
          accountId,
          config,
          inventory,
          pricing: this.deps.pricing ?? ec2OnDemandLinuxPricing(),
          clock: fixedClock(now),
          logger: forward(this.deps.logger, captured),
          ...(focus ? { focus } : {}),
        });
        const emitted = await collectFindings(checker, ctx);
        if (!this.layout.isInsideTenant(tenantId, parquetPath)) throw new Error(`Findings path ${parquetPath} is outside tenant ${tenantId}`);
        // The path the checkers benchmark measures: no storage record object per finding, only the sightings; the
        // finding ids, Arrow buffers and parquet encoding happen on the encoder thread while this thread goes on.
        let sightings: SightingColumns | undefined;
        const scope = { accountId, checkId: checker.id };
        const writer = new FindingsParquetWriter(parquetPath);
        try {
          const { rows, rejected } = writer.castAndAppend(emitted, { tenantId, runId, observedAt: now }, { onColumns: (columns) => (sightings = sightingColumnsOf(columns, scope)) });
          stats.emitted = emitted.length;
          stats.valid = rows;
          stats.rejected = rejected.length;
          stats.rejections = rejected.slice(0, MAX_REJECTIONS_RETURNED);
          stats.warnings = captured.entries.filter((e) => e.level !== 'info').length;
        } catch (err) {
          writer.abort();
          throw err;
        }

        progress(`writing ${stats.valid} finding(s) to ${parquetPath}`);
        await writer.close();
        wroteFile = true;

        progress('updating finding states');
        await this.commitRun({ tenantId, accountId, checkId: checker.id, runId, now, started, stats, sightings: sightingsFromColumns(sightings!, scope) });
        return { runId, tenantId, checkerId: checker.id, accountId, status: 'succeeded', parquetPath, stats };
      } catch (err) {
        await this.failRun({ tenantId, runId, writtenFile: wroteFile ? parquetPath : undefined, started, stats, err });
        throw new CheckRunFailedError(runId, err);
      }
    } finally {
      await ownFocus?.close();
    }
  }

  /**
   * Runs every loaded checker (or `checkerIds`) for a tenant: inventory checkers once per account of the inventory,
   * billing checkers once per FOCUS sub account of their provider. Each (checker, account) pair is its own run, so
   * the lifecycle resolves findings per scope; a checker whose inputs are missing is skipped with the reason, and a
   * failing one is recorded as failed without stopping the others.
   */
  async runAll(input: RunAllChecksInput): Promise<CheckRunAllResult> {
    const progress = input.onProgress ?? (() => undefined);
    const tenantId = parseTenantId(input.tenantId);
    const loaded = this.deps.checkers ?? builtinCheckers;
    const checkers = input.checkerIds ? input.checkerIds.map((id) => findChecker(loaded, id)) : [...loaded];
    const tenant = await this.tenants.require(tenantId);
    if (tenant.status !== 'active') throw new TenantSuspendedError(tenantId);
    // Per-tenant settings (admin API): disabled checkers are skipped, stored config applies unless the caller passes one.
    const settings = new Map((await new TenantCheckerConfigRepository(this.deps.prisma).list(tenantId)).map((s) => [s.checkId, s]));
    const inventory = await this.inventoryForAll(tenantId, input, progress);
    const entries: CheckRunAllEntry[] = [];
    const record = (entry: CheckRunAllEntry) => {
      entries.push(entry);
      input.onEntry?.(entry, entries.length - 1);
    };

    const focus = checkers.some((c) => c.inputs.focus === true) ? createFocusInputFromLake(this.layout, tenantId) : undefined;
    let inFlight: Promise<void> = Promise.resolve();
    // An entry decided while a run is still in flight is recorded after that run's.
    const recordInOrder = (entry: CheckRunAllEntry) => {
      inFlight = inFlight.then(() => record(entry));
    };
    try {
      // Inventory checks over lake snapshots go to the worker threads first, account by account; the rest follow here.
      const pooled = inventory ? this.pooledCheckers(checkers, inventory, settings) : [];
      if (pooled.length > 0 && inventory) {
        await this.runPooled({ tenantId, checkers: pooled, inventory, settings, input, progress, record });
      }
      for (const checker of checkers) {
        input.signal?.throwIfAborted();
        if (pooled.includes(checker)) continue;
        const kinds = checker.inputs.inventory ?? [];
        const skip = (reason: string) => recordInOrder({ checkerId: checker.id, accountId: null, status: 'skipped', runId: null, reason, stats: null });
        const setting = settings.get(checker.id);
        if (setting && !setting.enabled) {
          skip('disabled for this tenant');
          continue;
        }
        let accounts: string[];
        if (kinds.length > 0) {
          if (!inventory) {
            skip('no inventory: pass an inventory file (--inventory) or collect inventory snapshots into the lake');
            continue;
          }
          accounts = [...new Set(kinds.flatMap((k) => inventory.accountsByKind.get(k) ?? []))].sort();
          if (accounts.length === 0) {
            skip(`no inventory of ${kinds.join(', ')} in ${inventory.source}`);
            continue;
          }
        } else if (focus) {
          // The run in flight may still be querying FOCUS on the shared connection.
          await inFlight;
          try {
            accounts = await focusSubAccountIds(focus, checker.provider);
          } catch (err) {
            record({ checkerId: checker.id, accountId: null, status: 'failed', runId: null, reason: `reading FOCUS sub accounts: ${(err as Error).message}`, stats: null });
            continue;
          }
          if (accounts.length === 0) {
            skip(`no FOCUS data for provider ${checker.provider}`);
            continue;
          }
        } else {
          skip('declares no inventory or FOCUS input');
          continue;
        }

        for (const accountId of accounts) {
          input.signal?.throwIfAborted();
          // FOCUS queries share one DuckDB connection: a billing run starts only once the run before it is done.
          if (checker.inputs.focus === true) await inFlight;
          const outcome = this.runCheck({
            tenantId,
            checkerId: checker.id,
            accountId,
            ...(kinds.length > 0 && inventory ? { inventory: snapshotForAccount(await inventory.load(), accountId) } : {}),
            ...(focus ? { focus } : {}),
            config: input.configs?.[checker.id] ?? setting?.config,
            ...(input.now ? { now: input.now } : {}),
            onProgress: progress,
          }).then(
            (result) => ({ result, err: undefined }),
            (err: unknown) => ({ result: undefined, err }),
          );
          // One run in flight behind this one: its findings are encoded (on the encoder thread), written and applied
          // to the lifecycle while this run's checks go on. Entries are still recorded in run order.
          await inFlight;
          inFlight = outcome.then(({ result, err }) => {
            if (result) {
              record({ checkerId: checker.id, accountId, status: 'succeeded', runId: result.runId, reason: null, stats: result.stats });
              return;
            }
            const runId = err instanceof CheckRunFailedError ? err.runId : null;
            const reason = err instanceof CheckRunFailedError && err.cause instanceof Error ? err.cause.message : (err as Error).message;
            this.deps.logger?.error({ tenantId, checkerId: checker.id, accountId, runId, err }, 'check run failed; continuing with the other checkers');
            record({ checkerId: checker.id, accountId, status: 'failed', runId, reason, stats: null });
          });
        }
      }
      await inFlight;
    } finally {
      // A stop (signal) or an input error leaves the run in flight to finish before its FOCUS input closes.
      await inFlight.catch(() => undefined);
      await focus?.close();
    }
    return { tenantId, inventorySource: inventory?.source ?? null, entries, totals: runAllTotals(entries) };
  }

  /** The checkers `runAll` hands to the worker threads: enabled built-in inventory checkers, lake snapshots, shipped prices. */
  private pooledCheckers(
    checkers: readonly Checker<unknown>[],
    inventory: AllInventory,
    settings: ReadonlyMap<string, { enabled: boolean }>,
  ): Checker<unknown>[] {
    if ((this.deps.checkWorkers ?? 0) < 1 || this.deps.pricing !== undefined || inventory.source !== 'lake') return [];
    return checkers.filter((checker) => {
      const kinds = checker.inputs.inventory ?? [];
      return (
        builtinCheckers.includes(checker) &&
        checker.inputs.focus !== true &&
        settings.get(checker.id)?.enabled !== false &&
        kinds.some((k) => (inventory.accountsByKind.get(k)?.length ?? 0) > 0)
      );
    });
  }

  /**
   * `runAll`'s pooled inventory runs: per account, a Run for each checker with snapshots there, one job on the pool
   * (read, check, cast, write each run's file), then, on this thread and in account order, each run's lifecycle and
   * outcome as `runCheck` records them. Up to one job per thread plus one more is in flight, so a stop (signal) waits
   * for few jobs and no Run is created for an account whose job never started.
   */
  private async runPooled(args: {
    tenantId: string;
    checkers: readonly Checker<unknown>[];
    inventory: AllInventory;
    settings: ReadonlyMap<string, { config: unknown }>;
    input: RunAllChecksInput;
    progress: (message: string) => void;
    record: (entry: CheckRunAllEntry) => void;
  }): Promise<void> {
    const { tenantId, checkers, inventory, settings, input, progress, record } = args;
    const pool = inventoryCheckPool(this.deps.checkWorkers!);
    const now = input.now ?? new Date();
    const accountsOf = (checker: Checker<unknown>) => new Set((checker.inputs.inventory ?? []).flatMap((k) => inventory.accountsByKind.get(k) ?? []));
    const perChecker = new Map(checkers.map((c) => [c, accountsOf(c)] as const));
    const accounts = [...new Set([...perChecker.values()].flatMap((set) => [...set]))].sort();
    const inFlight: Promise<void>[] = [];
    // Entries are recorded in account order; every submitted account is completed even when one before it threw.
    let recorded: Promise<void> = Promise.resolve();
    try {
      for (const accountId of accounts) {
        if (inFlight.length > pool.size) await inFlight.shift()!.catch(() => undefined);
        input.signal?.throwIfAborted();
        const { complete } = await this.submitPooledAccount({ tenantId, accountId, checkers, perChecker, settings, input, progress, pool, now });
        const link = () => complete(record);
        recorded = recorded.then(link, (err: unknown) =>
          link().then(() => {
            throw err;
          }),
        );
        inFlight.push(recorded);
      }
    } finally {
      // A stop or an error still lets the jobs already submitted finish and be recorded.
      await recorded.catch(() => undefined);
    }
    await recorded;
  }

  /**
   * Creates the account's Runs and submits its job; `complete` waits for the job and records each run's outcome
   * (lifecycle, Run status) through `record`, never throwing for a run that failed.
   */
  private async submitPooledAccount(args: {
    tenantId: string;
    accountId: string;
    checkers: readonly Checker<unknown>[];
    perChecker: ReadonlyMap<Checker<unknown>, ReadonlySet<string>>;
    settings: ReadonlyMap<string, { config: unknown }>;
    input: RunAllChecksInput;
    progress: (message: string) => void;
    pool: InventoryCheckPool;
    now: Date;
  }): Promise<{ complete: (record: (entry: CheckRunAllEntry) => void) => Promise<void> }> {
    const { tenantId, accountId, checkers, perChecker, settings, input, progress, pool, now } = args;
    const runs: { checker: Checker<unknown>; run: InventoryCheckJobRun; started: number }[] = [];
    const early: CheckRunAllEntry[] = [];
    try {
      for (const checker of checkers) {
        if (!perChecker.get(checker)!.has(accountId)) continue;
        let config: unknown;
        try {
          config = checker.parseConfig(input.configs?.[checker.id] ?? settings.get(checker.id)?.config);
        } catch (err) {
          // As runCheck: a bad config fails before any Run exists.
          early.push({ checkerId: checker.id, accountId, status: 'failed', runId: null, reason: (err as Error).message, stats: null });
          continue;
        }
        const run = await this.runs.create(tenantId, {
          kind: 'check',
          checkId: checker.id,
          params: { accountId, checkerVersion: checker.version, config: config as Prisma.InputJsonValue, inventory: 'lake', focus: null },
        });
        const parquetPath = this.layout.findingsFile(tenantId, utcDay(now), run.id);
        if (!this.layout.isInsideTenant(tenantId, parquetPath)) throw new Error(`Findings path ${parquetPath} is outside tenant ${tenantId}`);
        progress(`running ${checker.id} for ${tenantId}/${accountId} (run ${run.id}, worker thread)`);
        runs.push({ checker, run: { checkerId: checker.id, checkerVersion: checker.version, runId: run.id, config, parquetPath }, started: performance.now() });
      }
    } catch (err) {
      // The account's job never starts: its Runs created so far are failed, not left running.
      for (const { run } of runs) await this.runs.markFailed(tenantId, run.runId, (err as Error).message, {}).catch(() => undefined);
      throw err;
    }
    const job =
      runs.length === 0
        ? Promise.resolve({ outcomes: [] as InventoryCheckRunOutcome[], err: undefined })
        : pool.run({ dataDir: this.deps.dataDir, tenantId, accountId, now: now.toISOString(), runs: runs.map((r) => r.run) }).then(
            (outcomes) => ({ outcomes, err: undefined }),
            (err: unknown) => ({ outcomes: undefined, err: err as Error }),
          );
    return {
      complete: async (record) => {
        for (const entry of early) record(entry);
        const { outcomes, err } = await job;
        for (const [index, { checker, run, started }] of runs.entries()) {
          const outcome: InventoryCheckRunOutcome = outcomes?.[index] ?? {
            ok: false,
            runId: run.runId,
            checkerId: run.checkerId,
            error: err?.message ?? 'no outcome from the worker thread',
            emitted: 0,
            logs: [],
          };
          record(await this.completePooledRun({ tenantId, accountId, checker, run, outcome, now, started }));
        }
      },
    };
  }

  /** One pooled run's lifecycle and Run status, as `runCheck` records them (a failure removes the run's file). */
  private async completePooledRun(args: {
    tenantId: string;
    accountId: string;
    checker: Checker<unknown>;
    run: InventoryCheckJobRun;
    outcome: InventoryCheckRunOutcome;
    now: Date;
    started: number;
  }): Promise<CheckRunAllEntry> {
    const { tenantId, accountId, checker, run, outcome, now, started } = args;
    for (const line of outcome.logs) this.deps.logger?.[line.level](line.obj, line.msg);
    const stats: CheckRunStats = {
      ...emptyStats(),
      emitted: outcome.emitted,
      ...(outcome.ok ? { valid: outcome.rows, rejected: outcome.rejected, rejections: outcome.rejections } : {}),
      warnings: outcome.logs.filter((e) => e.level !== 'info').length,
    };
    const base = { checkerId: checker.id, accountId, runId: run.runId };
    try {
      if (!outcome.ok) throw new Error(outcome.error);
      const sightings = sightingsFromColumns(outcome.sightings, { accountId, checkId: checker.id });
      await this.commitRun({ tenantId, accountId, checkId: checker.id, runId: run.runId, now, started, stats, sightings });
      return { ...base, status: 'succeeded', reason: null, stats };
    } catch (err) {
      // The thread may have written the file before the run failed (e.g. in the lifecycle).
      const message = await this.failRun({ tenantId, runId: run.runId, writtenFile: run.parquetPath, started, stats, err });
      this.deps.logger?.error({ tenantId, checkerId: checker.id, accountId, runId: run.runId, err: message }, 'check run failed; continuing with the other checkers');
      return { ...base, status: 'failed', reason: message, stats: null };
    }
  }

  /** A run's success: its sightings applied to the lifecycle and the Run marked succeeded, in one transaction. */
  private async commitRun(args: {
    tenantId: string;
    accountId: string;
    checkId: string;
    runId: string;
    now: Date;
    started: number;
    stats: CheckRunStats;
    sightings: FindingSighting[];
  }): Promise<void> {
    const { tenantId, accountId, checkId, runId, now, started, stats, sightings } = args;
    await this.states.applyRun({
      scope: { tenantId, accountId, checkId },
      runId,
      now,
      sightings,
      onApplied: async (tx, plan: LifecyclePlan) => {
        Object.assign(stats, plan.counts, { durationMs: Math.round(performance.now() - started) });
        // The transaction client has the model delegates RunRepository uses, so the run's success commits with the states.
        await new RunRepository(tx as unknown as PrismaClient).markSucceeded(tenantId, runId, { ...stats } as unknown as Prisma.InputJsonValue);
      },
    });
  }

  /** A run's failure: the file it may have written removed, the Run marked failed with the reason, which is returned. */
  private async failRun(args: { tenantId: string; runId: string; writtenFile: string | undefined; started: number; stats: CheckRunStats; err: unknown }): Promise<string> {
    const { tenantId, runId, writtenFile, started, stats, err } = args;
    stats.durationMs = Math.round(performance.now() - started);
    // Observations of a failed run would read as real in the lake: remove the partition file again.
    if (writtenFile !== undefined) await rm(writtenFile, { force: true }).catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    await this.runs.markFailed(tenantId, runId, message, { ...stats } as unknown as Prisma.InputJsonValue).catch((markErr: unknown) => {
      this.deps.logger?.error({ runId, err: markErr }, 'could not mark the check run failed');
    });
    return message;
  }

  private async inventoryForAll(tenantId: string, input: RunAllChecksInput, progress: (m: string) => void): Promise<AllInventory | undefined> {
    if (input.inventoryFile !== undefined && input.inventory !== undefined) {
      throw new CheckRunInputError('Give either an inventory file or an inventory snapshot, not both');
    }
    if (input.inventoryFile !== undefined || input.inventory !== undefined) {
      const source = input.inventoryFile !== undefined ? path.resolve(input.inventoryFile) : 'snapshot';
      if (input.inventoryFile !== undefined) progress(`loading inventory ${source}`);
      const snapshot = input.inventory ?? (await loadInventoryFile(source));
      const accounts = inventoryAccountIds(snapshot);
      // A file is a complete picture of its accounts: a kind with no records means there are none.
      return { source, load: () => Promise.resolve(snapshot), accountsByKind: new Map(INVENTORY_KINDS.map((k) => [k, accounts] as const)) };
    }
    const accountsByKind = new Map<InventoryKind, string[]>();
    for (const kind of INVENTORY_KINDS) {
      const files = await listInventorySnapshots(this.layout, tenantId, kind);
      if (files.length > 0) accountsByKind.set(kind, files.map((f) => f.accountId));
    }
    if (accountsByKind.size === 0) return undefined;
    progress(`using the latest inventory snapshots of tenant ${tenantId}`);
    let loaded: Promise<InventorySnapshot> | undefined;
    const load = async (): Promise<InventorySnapshot> => {
      const snapshot: Record<string, unknown[]> = {};
      for (const kind of accountsByKind.keys()) snapshot[kind] = await readInventorySnapshot(this.layout, tenantId, kind);
      return snapshot as InventorySnapshot;
    };
    return { source: 'lake', load: () => (loaded ??= load()), accountsByKind };
  }
}
