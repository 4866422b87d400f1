import { type Command, InvalidArgumentError } from 'commander';
import {
  AuditLogRepository,
  openStore,
  RUN_KINDS,
  ScheduleRepository,
  ScheduleService,
  type ScheduleView,
  storeOptionsFromEnv,
  type JobKind,
} from '@openfinops/api';
import { parseTenantId } from '@openfinops/tenants';
import { printJson, printTable } from '../cli-output.ts';
import { cliActor } from './user.command.ts';

function parseKind(value: string): JobKind {
  if (!(RUN_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${RUN_KINDS.join(', ')}`);
  return value as JobKind;
}

async function withScheduleService<T>(fn: (service: ScheduleService) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    await store.assertMigrated();
    return await fn(new ScheduleService(store.prisma, new ScheduleRepository(store.prisma), new AuditLogRepository(store.prisma)));
  } finally {
    await store.close();
  }
}

function scheduleJson(s: ScheduleView): Record<string, unknown> {
  return {
    id: s.id,
    tenantId: s.tenantId,
    kind: s.kind,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    cloudAccountId: s.cloudAccountId,
    lastEnqueuedAt: s.lastEnqueuedAt?.toISOString() ?? null,
    nextRunAt: s.nextRunAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

export function addScheduleCommand(program: Command): void {
  const schedule = program.command('schedule').description('Per-tenant schedules that queue import, inventory and check runs (cron + IANA time zone)');

  schedule
    .command('add')
    .description('Add a schedule; workers running the scheduler (`finops worker`) queue its runs when due')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--kind <kind>', `what to run (${RUN_KINDS.join(', ')})`, parseKind)
    .requiredOption('--cron <expr>', 'five cron fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"')
    .option('--timezone <zone>', 'IANA time zone the cron fields are read in', 'UTC')
    .option('--account <id>', 'cloud account (import, inventory); default: every active account')
    .option('--disabled', 'create it disabled')
    .option('--json', 'print the schedule as JSON')
    .action(async (opts: { tenant: string; kind: JobKind; cron: string; timezone: string; account?: string; disabled?: boolean; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const created = await withScheduleService((s) =>
        s.create(tenantId, { kind: opts.kind, cron: opts.cron, timezone: opts.timezone, enabled: !opts.disabled, cloudAccountId: opts.account ?? null }, cliActor()),
      );
      if (opts.json) printJson(scheduleJson(created));
      else process.stdout.write(`Added schedule ${created.id}: ${created.kind} at "${created.cron}" ${created.timezone}, next ${created.nextRunAt?.toISOString() ?? 'never'}\n`);
    });

  schedule
    .command('list')
    .description('List the schedules of a tenant')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the schedules as JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const list = await withScheduleService((s) => s.list(tenantId));
      if (opts.json) {
        printJson(list.map(scheduleJson));
        return;
      }
      if (list.length === 0) {
        process.stdout.write(`No schedules for tenant ${tenantId}: add one with \`finops schedule add --tenant ${tenantId} --kind import --cron "0 3 * * *"\`\n`);
        return;
      }
      printTable(
        ['Id', 'Kind', 'Cron', 'Time zone', 'Enabled', 'Account', 'Last slot', 'Next'],
        list.map((s) => [s.id, s.kind, s.cron, s.timezone, s.enabled ? 'yes' : 'no', s.cloudAccountId ?? 'all', s.lastEnqueuedAt?.toISOString() ?? '', s.nextRunAt?.toISOString() ?? '']),
      );
    });

  schedule
    .command('remove')
    .description('Remove a schedule (runs it queued stay)')
    .argument('<scheduleId>', 'schedule id')
    .requiredOption('--tenant <id>', 'tenant id')
    .action(async (scheduleId: string, opts: { tenant: string }) => {
      const tenantId = parseTenantId(opts.tenant);
      await withScheduleService((s) => s.remove(tenantId, scheduleId, cliActor()));
      process.stdout.write(`Removed schedule ${scheduleId}\n`);
    });
}
