import { type Command, InvalidArgumentError } from 'commander';
import {
  AuditLogRepository,
  openStore,
  type Run,
  type RunLogLine,
  RunLogRepository,
  RunQueueRepository,
  RunRepository,
  RunService,
  RUN_KINDS,
  storeOptionsFromEnv,
  type JobKind,
  type RunStatus,
} from '@openfinops/api';
import { parseTenantId } from '@openfinops/tenants';
import { printJson, printTable } from '../cli-output.ts';
import { cliActor } from './user.command.ts';

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

function parseKind(value: string): JobKind {
  if (!(RUN_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${RUN_KINDS.join(', ')}`);
  return value as JobKind;
}

function parseStatus(value: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${RUN_STATUSES.join(', ')}`);
  return value as RunStatus;
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return Number(value);
}

async function withRunService<T>(fn: (service: RunService) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    await store.assertMigrated();
    const prisma = store.prisma;
    return await fn(new RunService(new RunRepository(prisma), new RunQueueRepository(prisma), new RunLogRepository(prisma), new AuditLogRepository(prisma)));
  } finally {
    await store.close();
  }
}

export function runJson(r: Run): Record<string, unknown> {
  return {
    id: r.id,
    tenantId: r.tenantId,
    kind: r.kind,
    status: r.status,
    cloudAccountId: r.cloudAccountId,
    checkId: r.checkId,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    availableAt: r.availableAt.toISOString(),
    leaseOwner: r.leaseOwner,
    leaseExpiresAt: r.leaseExpiresAt?.toISOString() ?? null,
    cancelAskedAt: r.cancelAskedAt?.toISOString() ?? null,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    params: r.params,
    stats: r.stats,
    error: r.error,
  };
}

function logJson(l: RunLogLine): Record<string, unknown> {
  return { id: l.id, at: l.at.toISOString(), level: l.level, message: l.message, fields: l.fields };
}

function duration(r: Run): string {
  if (!r.startedAt) return '';
  const end = r.finishedAt ?? new Date();
  return `${((end.getTime() - r.startedAt.getTime()) / 1000).toFixed(1)}s`;
}

function printRun(run: Run, logs: RunLogLine[]): void {
  const rows: Array<[string, string]> = [
    ['Run', run.id],
    ['Tenant', run.tenantId],
    ['Kind', run.kind + (run.checkId ? ` (${run.checkId})` : '')],
    ['Status', run.status + (run.cancelAskedAt && run.status === 'running' ? ' (cancel asked)' : '')],
    ['Account', run.cloudAccountId ?? 'all'],
    ['Attempts', `${run.attempts} of ${run.maxAttempts}`],
    ['Created', run.createdAt.toISOString()],
    ['Started', run.startedAt?.toISOString() ?? ''],
    ['Finished', run.finishedAt?.toISOString() ?? ''],
    ...(run.status === 'queued' ? ([['Available at', run.availableAt.toISOString()]] as Array<[string, string]>) : []),
    ...(run.leaseOwner ? ([['Worker', `${run.leaseOwner} (lease until ${run.leaseExpiresAt?.toISOString() ?? '?'})`]] as Array<[string, string]>) : []),
    ...(run.error ? ([['Error', run.error]] as Array<[string, string]>) : []),
  ];
  for (const [k, v] of rows) process.stdout.write(`${`${k}:`.padEnd(14)}${v}\n`);
  // Lists and nested objects (per-checker entries, per-period reports) are in --json; the text shows the counts.
  const scalars = Object.entries((run.stats ?? {}) as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== 'object');
  if (scalars.length > 0) process.stdout.write(`${'Stats:'.padEnd(14)}${scalars.map(([k, v]) => `${k}=${String(v)}`).join(' ')}\n`);
  process.stdout.write(logs.length === 0 ? '\nNo log lines.\n' : '\nLog:\n');
  for (const l of logs) {
    const fields = Object.keys(l.fields).length > 0 ? ` ${JSON.stringify(l.fields)}` : '';
    process.stdout.write(`${l.at.toISOString()} ${l.level.toUpperCase().padEnd(5)} ${l.message}${fields}\n`);
  }
}

export function addRunsCommand(program: Command): void {
  const runs = program.command('runs').description('Queued and past runs (imports, inventory, checks): list, show with logs, trigger, cancel, retry');

  runs
    .command('list')
    .description('List runs of a tenant, newest first')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--kind <kind>', `only runs of this kind (${RUN_KINDS.join(', ')})`, parseKind)
    .option('--status <status>', `only runs in this status (${RUN_STATUSES.join(', ')})`, parseStatus)
    .option('--limit <n>', 'at most this many runs (default 50)', parseLimit)
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { tenant: string; kind?: JobKind; status?: RunStatus; limit?: number; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const list = await withRunService((s) =>
        s.list(tenantId, { ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.status ? { status: opts.status } : {}), ...(opts.limit ? { limit: opts.limit } : {}) }),
      );
      if (opts.json) {
        printJson(list.map(runJson));
        return;
      }
      if (list.length === 0) {
        process.stdout.write(`No runs for tenant ${tenantId} yet: queue one with \`finops runs trigger --tenant ${tenantId} --kind check\`\n`);
        return;
      }
      printTable(
        ['Run', 'Kind', 'Status', 'Attempts', 'Created', 'Duration', 'Error'],
        list.map((r) => [r.id, r.kind + (r.checkId ? `:${r.checkId}` : ''), r.status, `${r.attempts}/${r.maxAttempts}`, r.createdAt.toISOString(), duration(r), r.error?.slice(0, 80) ?? '']),
      );
    });

  runs
    .command('show')
    .description('Show one run with its log')
    .argument('<runId>', 'run id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the run and its log lines as JSON')
    .action(async (runId: string, opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const { run, logs } = await withRunService(async (s) => {
        const found = await s.show(tenantId, runId);
        const lines: RunLogLine[] = [];
        // Page through the whole log: a long import can log thousands of lines.
        for (;;) {
          const page = await s.logs(tenantId, runId, { limit: 1000, ...(lines.length > 0 ? { after: lines.at(-1)!.id } : {}) });
          lines.push(...page);
          if (page.length < 1000) break;
        }
        return { run: found, logs: lines };
      });
      if (opts.json) printJson({ ...runJson(run), logs: logs.map(logJson) });
      else printRun(run, logs);
    });

  runs
    .command('trigger')
    .description('Queue a run now for a worker (`finops worker`); returns the queued run if the same work is already waiting')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--kind <kind>', `what to run (${RUN_KINDS.join(', ')})`, parseKind)
    .option('--account <id>', 'cloud account (import, inventory); default: every active account')
    .option('--check <checkId>', 'one checker (check runs); default: every checker')
    .option('--json', 'print the run as JSON')
    .action(async (opts: { tenant: string; kind: JobKind; account?: string; check?: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const { run, created } = await withRunService((s) =>
        s.trigger(tenantId, { kind: opts.kind, cloudAccountId: opts.account ?? null, checkId: opts.check ?? null, actor: cliActor() }),
      );
      if (opts.json) printJson({ ...runJson(run), created });
      else process.stdout.write(created ? `Queued ${run.kind} run ${run.id}\n` : `A ${run.kind} run is already queued: ${run.id} (nothing new queued)\n`);
    });

  runs
    .command('cancel')
    .description('Cancel a run: a queued run at once, a running one at its worker\'s next heartbeat')
    .argument('<runId>', 'run id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const { run, outcome } = await withRunService((s) => s.cancel(tenantId, runId, cliActor()));
      if (opts.json) printJson({ ...runJson(run), outcome });
      else process.stdout.write(outcome === 'cancelled' ? `Cancelled run ${run.id}\n` : `Cancellation asked: the worker running ${run.id} stops at its next heartbeat\n`);
    });

  runs
    .command('retry')
    .description('Queue a failed or cancelled run again (as a new run)')
    .argument('<runId>', 'run id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the new run as JSON')
    .action(async (runId: string, opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const { run, created } = await withRunService((s) => s.retry(tenantId, runId, cliActor()));
      if (opts.json) printJson({ ...runJson(run), created });
      else process.stdout.write(created ? `Queued run ${run.id} (retry of ${runId})\n` : `The same work is already queued: ${run.id}\n`);
    });
}
