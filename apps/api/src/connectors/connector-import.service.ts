/**
 * One connector import of one cloud account (what a scheduled import run does, and `finops import run`):
 * discover the periods the cloud holds → skip those whose version is already in ImportState → stage each changed
 * period into a fresh directory under the tenant's staging root → ImportService (convert, validate, reconcile,
 * swap the period's partition) → remove the staging directory.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type LakeLayout, partitionValues } from '@openfinops/tenants';
import { CloudAccountService, redactingLogger } from '../accounts/cloud-account.service.ts';
import { ImportService } from '../imports/import.service.ts';
import { ImportStateRepository, type ImportStateRecord } from '../imports/import-state.repository.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { newRunId } from '../store/run-id.ts';
import type { Store } from '../store/store.ts';
import {
  ConnectorAuthError,
  type ConnectorContext,
  type ConnectorLogger,
  ConnectorTransientError,
  type DiscoveredPeriod,
} from './billing-connector.ts';
import type { ConnectorRegistry } from './connector-registry.ts';

export interface ConnectorImportOptions {
  /** The worker's run id (also names the parquet parts); a new one otherwise. */
  runId?: string;
  log?: ConnectorLogger;
  /** Clock of the run (which periods are open); now by default. */
  now?: Date;
  signal?: AbortSignal;
  /** Short human progress lines for a terminal. */
  onProgress?: (message: string) => void;
}

export interface PeriodCurrencyTotal {
  currency: string;
  rows: number;
  billedCost: string;
}

export interface PeriodImportReport {
  billingPeriod: string;
  sourceKey: string;
  version: string;
  status: 'imported' | 'skipped' | 'failed';
  /** Rows in the period's partition (imported now, or as recorded when skipped). */
  rows: number;
  /** Per currency, decimal strings; never summed across currencies. */
  totals: PeriodCurrencyTotal[];
  files: number;
  bytes: number;
  error?: string;
}

export interface ConnectorImportReport {
  tenantId: string;
  accountId: string;
  provider: string;
  runId: string;
  periods: PeriodImportReport[];
  imported: number;
  skipped: number;
  failed: number;
  durationMs: number;
}

/** Some periods failed (others may have been imported); the report says which and why. Not retried at once. */
export class ConnectorImportError extends Error {
  readonly code = 'CONNECTOR_IMPORT_FAILED';
  readonly retryable = false;
  constructor(
    message: string,
    readonly report: ConnectorImportReport,
  ) {
    super(message);
    this.name = 'ConnectorImportError';
  }
}

export class CloudAccountDisabledError extends Error {
  readonly code = 'CLOUD_ACCOUNT_DISABLED';
  readonly retryable = false;
  constructor(
    readonly tenantId: string,
    readonly accountId: string,
  ) {
    super(`Cloud account ${accountId} of tenant ${tenantId} is disabled; enable it before importing`);
    this.name = 'CloudAccountDisabledError';
  }
}

function totalsOf(summary: ImportStateRecord['currencySummary']): PeriodCurrencyTotal[] {
  return Object.entries(summary)
    .map(([currency, t]) => ({ currency, rows: t.rows, billedCost: t.billedCost }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * Errors after which the other periods are not worth trying: the credentials or the cloud are the problem, or the
 * run was stopped (cancelled, worker shutting down), whatever error the interrupted SDK call threw for it.
 */
function stopsTheRun(err: unknown, signal: AbortSignal | undefined): boolean {
  return (
    signal?.aborted === true ||
    err instanceof ConnectorAuthError ||
    err instanceof ConnectorTransientError ||
    (err instanceof Error && err.name === 'AbortError')
  );
}

/** A run's staging dir older than this belongs to a process that died (kill -9, power loss); imports never take so long. */
const ABANDONED_RUN_DIR_MS = 24 * 3600_000;

async function removeAbandonedRunDirs(stagingRoot: string): Promise<void> {
  for (const name of await readdir(stagingRoot).catch(() => [] as string[])) {
    if (!name.startsWith('connector-')) continue;
    const dir = path.join(stagingRoot, name);
    const info = await stat(dir).catch(() => null);
    if (info && Date.now() - info.mtimeMs > ABANDONED_RUN_DIR_MS) await rm(dir, { recursive: true, force: true });
  }
}

export class ConnectorImportService {
  private readonly accounts: CloudAccountService;
  private readonly imports: ImportService;
  private readonly states: ImportStateRepository;

  constructor(
    store: Store,
    private readonly layout: LakeLayout,
    secrets: SecretBox,
    private readonly connectors: ConnectorRegistry,
  ) {
    this.accounts = new CloudAccountService(store, secrets, connectors);
    this.imports = new ImportService(store, layout);
    this.states = new ImportStateRepository(store.prisma);
  }

  async importAccount(tenantId: string, accountId: string, opts: ConnectorImportOptions = {}): Promise<ConnectorImportReport> {
    const started = Date.now();
    const opened = await this.accounts.openForConnector(tenantId, accountId);
    if (opened.record.status === 'disabled') throw new CloudAccountDisabledError(tenantId, accountId);
    const { redactor, connector: account } = opened;
    const runId = partitionValues.runId(opts.runId ?? newRunId());
    const log = redactingLogger(opts.log, redactor);
    const progress = opts.onProgress ?? (() => {});
    const connector = this.connectors.get(account.provider);
    const now = opts.now ?? new Date();
    // Beside the lake (same filesystem) but not named import-*: the FOCUS import's crash recovery owns those.
    const runDir = path.join(this.layout.stagingDir(tenantId), `connector-${runId}`);
    const report: ConnectorImportReport = { tenantId, accountId, provider: account.provider, runId, periods: [], imported: 0, skipped: 0, failed: 0, durationMs: 0 };
    const ctx: ConnectorContext = { account, stagingDir: runDir, now, log, signal: opts.signal };
    try {
      await removeAbandonedRunDirs(this.layout.stagingDir(tenantId));
      await mkdir(runDir, { recursive: true });
      progress(`Discovering ${account.provider} billing periods`);
      const periods = await connector.discover(ctx);
      log.info('Discovered billing periods', { periods: periods.map((p) => `${p.billingPeriod}@${p.version}`) });
      for (const period of periods) {
        opts.signal?.throwIfAborted();
        const entry = await this.importPeriod(tenantId, account.provider, account.externalId, runId, period, ctx, progress);
        report.periods.push(entry);
        report[entry.status] += 1;
      }
    } catch (err) {
      // A stopped run ends with the caller's own reason, whatever the interrupted call threw (nothing of the account's
      // in it to redact), and says nothing about the account: its last import result stays what it was.
      opts.signal?.throwIfAborted();
      const e = redactor.redactError(err);
      await this.accounts.recordImport(tenantId, accountId, { at: now, error: `${e.name}: ${e.message}` });
      throw e;
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
    report.durationMs = Date.now() - started;
    const failed = report.periods.filter((p) => p.status === 'failed');
    const error = failed.length > 0 ? failed.map((p) => `${p.billingPeriod}: ${p.error}`).join('; ') : null;
    await this.accounts.recordImport(tenantId, accountId, { at: now, error });
    if (error) throw new ConnectorImportError(`Import of cloud account ${accountId} failed for ${failed.length} period(s): ${error}`, report);
    return report;
  }

  private async importPeriod(
    tenantId: string,
    provider: string,
    externalId: string,
    runId: string,
    period: DiscoveredPeriod,
    ctx: ConnectorContext,
    progress: (message: string) => void,
  ): Promise<PeriodImportReport> {
    partitionValues.billingPeriod(period.billingPeriod);
    // Namespaced by account: two accounts of a tenant may use the same export name.
    const sourceKey = `${provider}:${externalId}:${period.sourceKey}`;
    const base = { billingPeriod: period.billingPeriod, sourceKey, version: period.version };
    const known = await this.states.find(tenantId, sourceKey, period.billingPeriod);
    if (known?.version === period.version) {
      ctx.log.info('Period unchanged since its last import: skipped', { period: period.billingPeriod, version: period.version });
      return { ...base, status: 'skipped', rows: known.rowCount, totals: totalsOf(known.currencySummary), files: 0, bytes: 0 };
    }
    const dir = await mkdtemp(path.join(ctx.stagingDir, `${period.billingPeriod}-`));
    try {
      progress(`${period.billingPeriod}: downloading ${period.objects.length} object(s)`);
      const staged = await this.stageAndImport(tenantId, runId, sourceKey, externalId, period, { ...ctx, stagingDir: dir }, progress);
      return { ...base, ...staged };
    } catch (err) {
      if (stopsTheRun(err, ctx.signal)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      ctx.log.warn('Period import failed; its partition was left as it was', { period: period.billingPeriod, error: message });
      return { ...base, status: 'failed', rows: 0, totals: [], files: 0, bytes: 0, error: message };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async stageAndImport(
    tenantId: string,
    runId: string,
    sourceKey: string,
    externalId: string,
    period: DiscoveredPeriod,
    ctx: ConnectorContext,
    progress: (message: string) => void,
  ): Promise<Pick<PeriodImportReport, 'status' | 'rows' | 'totals' | 'files' | 'bytes'>> {
    const connector = this.connectors.get(ctx.account.provider);
    const staged = await connector.stage(ctx, period);
    ctx.signal?.throwIfAborted();
    if (staged.files.length === 0) throw new Error(`${period.billingPeriod}: the connector staged no files`);
    const summary = await this.imports.import({
      tenantId,
      inputs: staged.files,
      format: staged.format,
      runId,
      source: { sourceKey, version: period.version, sourceId: externalId },
      signal: ctx.signal,
      onProgress: (m) => progress(`${period.billingPeriod}: ${m}`),
    });
    if (summary.status === 'skipped') {
      // The FOCUS import found this exact version already recorded (another period of the same delivery).
      return { status: 'skipped', rows: 0, totals: [], files: staged.files.length, bytes: staged.bytes };
    }
    const own = summary.totals.filter((t) => t.billingPeriod === period.billingPeriod);
    const others = summary.partitions.filter((p) => p.billingPeriod !== period.billingPeriod).map((p) => p.billingPeriod);
    if (others.length > 0) ctx.log.warn('Delivery holds rows of other billing periods too', { period: period.billingPeriod, others });
    if (own.length === 0) {
      // An empty delivery still counts as imported at this version, so the next run skips it.
      await this.states.upsert({
        tenantId,
        sourceKey,
        billingPeriod: period.billingPeriod,
        provider: ctx.account.provider,
        version: period.version,
        rowCount: 0,
        billedCost: '0',
        currencySummary: {},
        runId,
      });
    }
    ctx.log.info('Period imported', { period: period.billingPeriod, rows: summary.rows, files: staged.files.length, bytes: staged.bytes });
    return {
      status: 'imported',
      rows: own.reduce((n, t) => n + t.rows, 0),
      totals: own.map((t) => ({ currency: t.currency, rows: t.rows, billedCost: t.billedCost })).sort((a, b) => a.currency.localeCompare(b.currency)),
      files: staged.files.length,
      bytes: staged.bytes,
    };
  }
}
