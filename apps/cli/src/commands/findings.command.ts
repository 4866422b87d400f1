import { type Command } from 'commander';
import { FindingsService, openStore, storeOptionsFromEnv, type FindingStateView } from '@openfinops/api';
import { parseTenantId } from '@openfinops/tenants';
import { stringify } from 'csv-stringify/sync';
import { CliError, printJson, printTable } from '../cli-output.ts';

const STATUSES = ['open', 'resolved', 'suppressed'] as const;
const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface FindingsListOptions {
  tenant: string;
  status?: string;
  check?: string;
  account?: string;
  format?: string;
  json?: boolean;
  limit?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** JSON/CSV row: money as decimal text beside its currency, dates as ISO 8601. */
export function findingRow(f: FindingStateView) {
  return {
    fingerprint: f.fingerprint,
    status: f.status,
    checkId: f.checkId,
    provider: f.provider,
    accountId: f.accountId,
    region: f.region,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    title: f.title,
    category: f.category,
    severity: f.severity,
    estimatedMonthlySavings: f.estimatedMonthlySavings,
    currency: f.currency,
    savingsBasis: f.savingsBasis,
    exclusionGroup: f.exclusionGroup,
    firstSeenAt: iso(f.firstSeenAt),
    lastSeenAt: iso(f.lastSeenAt),
    resolvedAt: iso(f.resolvedAt),
    reopenCount: f.reopenCount,
    suppressedUntil: iso(f.suppressedUntil),
    suppressedBy: f.suppressedBy,
    suppressedReason: f.suppressedReason,
    lastRunId: f.lastRunId,
  };
}

const CSV_COLUMNS = [
  'fingerprint',
  'status',
  'checkId',
  'provider',
  'accountId',
  'region',
  'resourceType',
  'resourceId',
  'title',
  'category',
  'severity',
  'estimatedMonthlySavings',
  'currency',
  'savingsBasis',
  'firstSeenAt',
  'lastSeenAt',
  'resolvedAt',
  'reopenCount',
  'suppressedUntil',
  'suppressedBy',
  'suppressedReason',
  'lastRunId',
] as const satisfies ReadonlyArray<keyof ReturnType<typeof findingRow>>;

export function findingsCsv(findings: readonly FindingStateView[]): string {
  const rows = findings.map(findingRow);
  // RFC 4180: quoted where needed, CRLF line ends; csv-stringify handles commas, quotes and newlines in titles.
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });
}

function parseFormat(opts: FindingsListOptions): Format {
  if (opts.json) return 'json';
  const format = opts.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`Unknown --format "${format}": use ${FORMATS.join(', ')}`);
  return format as Format;
}

export function addFindingsCommand(program: Command): void {
  const findings = program.command('findings').description("A tenant's findings and their lifecycle state");

  findings
    .command('list')
    .description('List findings from the store (current state of each finding)')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--status <status>', `only findings in this state: ${STATUSES.join(', ')}`)
    .option('--check <id>', 'only findings of this checker, e.g. aws/ec2-graviton')
    .option('--account <id>', 'only findings of this cloud account')
    .option('--limit <n>', 'at most this many findings (highest savings first)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--json', 'same as --format json')
    .action(async (opts: FindingsListOptions) => {
      const tenantId = parseTenantId(opts.tenant);
      if (opts.status !== undefined && !(STATUSES as readonly string[]).includes(opts.status)) {
        throw new CliError(`Unknown --status "${opts.status}": use ${STATUSES.join(', ')}`);
      }
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError(`--limit must be a positive integer, got "${opts.limit}"`);
      const format = parseFormat(opts);

      const store = await openStore(storeOptionsFromEnv());
      let list: FindingStateView[];
      try {
        await store.assertMigrated();
        list = await new FindingsService(store.prisma).list(tenantId, {
          ...(opts.status ? { status: opts.status as (typeof STATUSES)[number] } : {}),
          ...(opts.check ? { checkId: opts.check } : {}),
          ...(opts.account ? { accountId: opts.account } : {}),
          ...(limit ? { limit } : {}),
        });
      } catch (err) {
        if ((err as { code?: string } | null)?.code === 'TENANT_NOT_FOUND') {
          throw new CliError(`${(err as Error).message}. Create it first: finops tenant create ${tenantId} --name "<name>"`);
        }
        throw err;
      } finally {
        await store.close();
      }

      if (format === 'json') {
        printJson(list.map(findingRow));
        return;
      }
      if (format === 'csv') {
        process.stdout.write(findingsCsv(list));
        return;
      }
      if (list.length === 0) {
        process.stdout.write('No findings.\n');
        return;
      }
      printTable(
        ['Fingerprint', 'Status', 'Check', 'Account', 'Region', 'Resource', 'Savings/month', 'Basis', 'Title', 'Last seen'],
        list.map((f) => [
          f.fingerprint.slice(0, 12),
          f.status + (f.reopenCount > 0 ? ` (reopened ${f.reopenCount}x)` : ''),
          f.checkId,
          f.accountId,
          f.region,
          f.resourceId,
          f.estimatedMonthlySavings === null ? '' : `${f.estimatedMonthlySavings} ${f.currency ?? ''}`.trim(),
          f.savingsBasis,
          f.title,
          f.lastSeenAt.toISOString().slice(0, 10),
        ]),
      );
    });
}
