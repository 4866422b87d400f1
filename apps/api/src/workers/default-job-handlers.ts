import {
  type AwsConnection,
  type Checker,
  collectInventory,
  type CollectInventoryInput,
  type CheckerLogger,
  type InventoryCollectionResult,
  writeInventoryResult,
} from '@openfinops/checkers';
import { LakeLayout } from '@openfinops/tenants';
import { CheckRunnerService } from '../checks/check-runner.service.ts';
import type { ConnectorLogger } from '../connectors/billing-connector.ts';
import type { CloudProvider, PrismaClient } from '../generated/prisma/client.ts';
import { errorMessage, type JobContext, type JobHandler, type JobHandlers, PermanentJobError } from './job-handlers.ts';
import type { JobLogger } from './run-logger.ts';

/** The connector import (ConnectorImportService.importAccount): one account, every billing period it has. */
export type ImportAccountFn = (
  tenantId: string,
  accountId: string,
  opts: { runId: string; log: ConnectorLogger; signal: AbortSignal },
) => Promise<unknown>;

/** An AWS account as the inventory collector needs it. */
export interface InventoryTarget {
  /** 12-digit AWS account id. */
  accountId: string;
  regions: string[];
  credentials: AwsConnection;
  /** Credentials that call AssumeRole (static keys stored as the account's secret); the SDK chain when absent. */
  sourceCredentials?: CollectInventoryInput['sourceCredentials'];
  /** EC2 endpoint override (AWS_ENDPOINT_URL_EC2 applies when unset). */
  endpoint?: string;
}

/** What import and inventory jobs read about a tenant's cloud accounts. */
export interface AccountDirectory {
  /** Ids of the tenant's active accounts, optionally of one provider: runs without an account cover all of them. */
  activeAccountIds(tenantId: string, provider?: CloudProvider): Promise<string[]>;
  inventoryTarget(tenantId: string, accountId: string): Promise<InventoryTarget>;
}

export interface DefaultJobHandlerDeps {
  prisma: PrismaClient;
  dataDir: string;
  /** Built-ins plus plugins, loaded once at start (loadCheckers()). */
  checkers?: readonly Checker<unknown>[];
  /** Worker threads for inventory checks over lake snapshots (FINOPS_CHECK_WORKERS); unset or 0: none. */
  checkWorkers?: number;
  /** Import and inventory handlers exist only with the connectors wired in. */
  importAccount?: ImportAccountFn;
  accounts?: AccountDirectory;
}

function checkerLogger(log: JobLogger): CheckerLogger {
  const line = (level: 'info' | 'warn' | 'error') => (obj: object, msg?: string) => log[level](msg ?? '', obj as Record<string, unknown>);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Every checker (or the run's one checker) over the tenant's latest inventory and FOCUS data. */
export function checkJobHandler(deps: DefaultJobHandlerDeps): JobHandler {
  return async ({ run, tenantId, signal, log }) => {
    const runner = new CheckRunnerService({
      prisma: deps.prisma,
      dataDir: deps.dataDir,
      logger: checkerLogger(log),
      ...(deps.checkers ? { checkers: deps.checkers } : {}),
      ...(deps.checkWorkers ? { checkWorkers: deps.checkWorkers } : {}),
    });
    const result = await runner.runAll({
      tenantId,
      signal,
      ...(run.checkId ? { checkerIds: [run.checkId] } : {}),
      onProgress: (message) => log.debug(message),
      onEntry: (entry) => {
        const fields = { checkerId: entry.checkerId, accountId: entry.accountId, checkRunId: entry.runId, reason: entry.reason };
        if (entry.status === 'failed') log.error(`${entry.checkerId} failed`, fields);
        else if (entry.status === 'skipped') log.info(`${entry.checkerId} skipped: ${entry.reason ?? ''}`, fields);
        else log.info(`${entry.checkerId} for ${entry.accountId ?? '?'}: ${entry.stats?.emitted ?? 0} finding(s)`, fields);
      },
    });
    const { totals } = result;
    // Some checkers failing is reported in stats; nothing succeeding at all is worth another attempt.
    if (totals.runs > 0 && totals.succeeded === 0) throw new Error(`all ${totals.runs} check run(s) failed`);
    return {
      stats: {
        ...totals,
        entries: result.entries.map((e) => ({ checkerId: e.checkerId, accountId: e.accountId, status: e.status, runId: e.runId, reason: e.reason })),
      },
    };
  };
}

/** The connector import of the run's account, or of every active account of the tenant. */
export function importJobHandler(importAccount: ImportAccountFn, accounts: AccountDirectory): JobHandler {
  return async ({ run, tenantId, runId, signal, log }: JobContext) => {
    const accountIds = run.cloudAccountId ? [run.cloudAccountId] : await accounts.activeAccountIds(tenantId);
    if (accountIds.length === 0) throw new PermanentJobError(`tenant ${tenantId} has no active cloud account to import from`);
    const reports: Record<string, unknown> = {};
    for (const accountId of accountIds) {
      throwIfAborted(signal);
      log.info(`importing account ${accountId}`, { cloudAccountId: accountId });
      reports[accountId] = await importAccount(tenantId, accountId, { runId, log, signal });
    }
    return { stats: { accounts: accountIds.length, reports } };
  };
}

/** EC2 inventory of the run's AWS account (or every active AWS account), written as the tenant's latest snapshots. */
export function inventoryJobHandler(dataDir: string, accounts: AccountDirectory): JobHandler {
  const layout = new LakeLayout(dataDir);
  return async ({ run, tenantId, signal, log }: JobContext) => {
    const accountIds = run.cloudAccountId ? [run.cloudAccountId] : await accounts.activeAccountIds(tenantId, 'aws');
    if (accountIds.length === 0) throw new PermanentJobError(`tenant ${tenantId} has no active AWS account to collect inventory from`);
    const perAccount: Record<string, unknown> = {};
    let failedKinds = 0;
    for (const cloudAccountId of accountIds) {
      throwIfAborted(signal);
      const target = await accounts.inventoryTarget(tenantId, cloudAccountId);
      log.info(`collecting inventory of AWS account ${target.accountId} in ${target.regions.join(', ')}`, { cloudAccountId });
      let result: InventoryCollectionResult;
      try {
        result = await collectInventory({
          tenantId,
          accountId: target.accountId,
          regions: target.regions,
          credentials: target.credentials,
          ...(target.sourceCredentials ? { sourceCredentials: target.sourceCredentials } : {}),
          ...(target.endpoint ? { endpoint: target.endpoint } : {}),
          signal,
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'INVALID_COLLECTION_INPUT') throw new PermanentJobError(errorMessage(err), { cause: err });
        throw err;
      }
      for (const e of result.errors) log.warn(`${e.kind} in ${e.region}: ${e.error.code}: ${e.error.message}`, { ...e });
      // The collector stops on the signal; one that fires as it returns still keeps the previous snapshots as they were.
      throwIfAborted(signal);
      const written = await writeInventoryResult(layout, result);
      failedKinds += written.skipped.length;
      perAccount[target.accountId] = {
        written: written.written.map((w) => ({ kind: w.kind, records: w.records })),
        skipped: written.skipped,
        ...result.stats,
      };
    }
    // A snapshot that could not be written is kept out of the lake; a whole run without one is worth a retry.
    const writtenAny = Object.values(perAccount).some((a) => (a as { written: unknown[] }).written.length > 0);
    if (!writtenAny) throw new Error(`no inventory kind could be collected (${failedKinds} kind(s) failed); see the run log`);
    return { stats: { accounts: perAccount, failedKinds } };
  };
}

/** The handlers `finops worker` and the API run. Import and inventory need the connectors (deps.importAccount, deps.accounts). */
export function defaultJobHandlers(deps: DefaultJobHandlerDeps): JobHandlers {
  return {
    check: checkJobHandler(deps),
    ...(deps.importAccount && deps.accounts ? { import: importJobHandler(deps.importAccount, deps.accounts) } : {}),
    ...(deps.accounts ? { inventory: inventoryJobHandler(deps.dataDir, deps.accounts) } : {}),
  };
}
