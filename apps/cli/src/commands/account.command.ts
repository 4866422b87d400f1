import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import {
  CloudAccountService,
  type CloudAccountView,
  type ConnectionReport,
  defaultConnectorRegistry,
  openStore,
  PROVIDER_SPECS,
  secretBoxFromEnv,
  storeOptionsFromEnv,
  type AwsRoleSetup,
  type Store,
} from '@openfinops/api';
import { parseTenantId, resolveDataDir } from '@openfinops/tenants';
import { CliError, printJson, printTable } from '../cli-output.ts';
import { cliActor } from './user.command.ts';

type Provider = 'aws' | 'gcp' | 'azure';

interface AddOptions {
  tenant: string;
  provider: Provider;
  name: string;
  json?: boolean;
  secretStdin?: boolean;
  secretFile?: string;
  // AWS
  accountId?: string;
  roleArn?: string;
  bucket?: string;
  prefix?: string;
  exportName?: string;
  exportType?: string;
  region?: string;
  regions?: string;
  // GCP
  projectId?: string;
  dataset?: string;
  table?: string;
  exportKind?: string;
  location?: string;
  overlapDays?: string;
  apiEndpoint?: string;
  // Azure
  azureTenantId?: string;
  clientId?: string;
  scope?: string;
  // AWS and Azure
  endpoint?: string;
  /** Any other provider option as key=value. */
  option?: string[];
}

/** Which flags feed which provider option; flags of another provider are refused rather than silently dropped. */
const OPTION_FLAGS: Record<Provider, Array<[keyof AddOptions, string, (v: string) => unknown]>> = {
  aws: [
    ['accountId', 'accountId', String],
    ['roleArn', 'roleArn', String],
    ['bucket', 'bucket', String],
    ['prefix', 'prefix', String],
    ['exportName', 'exportName', String],
    ['exportType', 'exportType', String],
    ['region', 'region', String],
    ['regions', 'regions', (v) => v.split(',').map((r) => r.trim()).filter(Boolean)],
    ['endpoint', 'endpoint', String],
  ],
  gcp: [
    ['projectId', 'projectId', String],
    ['dataset', 'dataset', String],
    ['table', 'table', String],
    ['exportKind', 'exportKind', String],
    ['location', 'location', String],
    ['overlapDays', 'overlapDays', (v) => (/^\d+$/.test(v) ? Number(v) : v)],
    ['apiEndpoint', 'apiEndpoint', String],
  ],
  azure: [
    ['azureTenantId', 'tenantId', String],
    ['clientId', 'clientId', String],
    ['scope', 'scope', String],
    ['endpoint', 'endpoint', String],
  ],
};

const FLAG_NAMES: Record<string, string> = {
  accountId: '--account-id',
  roleArn: '--role-arn',
  bucket: '--bucket',
  prefix: '--prefix',
  exportName: '--export-name',
  exportType: '--export-type',
  region: '--region',
  regions: '--regions',
  projectId: '--project-id',
  dataset: '--dataset',
  table: '--table',
  exportKind: '--export-kind',
  location: '--location',
  overlapDays: '--overlap-days',
  apiEndpoint: '--api-endpoint',
  azureTenantId: '--azure-tenant-id',
  clientId: '--client-id',
  scope: '--scope',
  endpoint: '--endpoint',
};

/** `--option key=value` (repeatable) for provider options without a dedicated flag; JSON values (numbers, lists) are parsed. */
function collectOption(raw: string, previous: string[] = []): string[] {
  return [...previous, raw];
}

function parseExtraOptions(raw: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of raw ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`--option expects key=value, got ${JSON.stringify(item)}`);
    const value = item.slice(eq + 1);
    let parsed: unknown = value;
    try {
      parsed = JSON.parse(value);
    } catch {
      // a plain string
    }
    out[item.slice(0, eq)] = parsed;
  }
  return out;
}

export function providerOptionsFromFlags(provider: Provider, opts: AddOptions): Record<string, unknown> {
  const own = new Set(OPTION_FLAGS[provider].map(([flag]) => flag));
  for (const other of Object.keys(FLAG_NAMES) as Array<keyof AddOptions>) {
    if (!own.has(other) && opts[other] !== undefined) throw new CliError(`${FLAG_NAMES[other]} is not an option of a ${provider} account`);
  }
  const out: Record<string, unknown> = parseExtraOptions(opts.option);
  for (const [flag, field, convert] of OPTION_FLAGS[provider]) {
    const value = opts[flag];
    if (typeof value === 'string') out[field] = convert(value);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Secrets never travel on the command line (shell history, `ps`). The text is either a JSON object of the provider's
 * secret fields, or the one secret itself: GCP's service-account key file, Azure's client secret.
 */
export function parseSecretText(provider: Provider, text: string, source: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError(`${source} is empty: expected the ${provider} secret`);
  const fields = PROVIDER_SPECS[provider].secretFields;
  let parsed: unknown = null;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // Not JSON: for GCP that is an error below, for others maybe a raw value.
    }
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const obj = parsed as Record<string, unknown>;
    if (provider === 'gcp' && obj.type === 'service_account') return { serviceAccountKey: trimmed };
    if (Object.keys(obj).some((k) => fields.includes(k))) {
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    }
  }
  if (provider === 'azure') return { clientSecret: trimmed };
  if (provider === 'gcp') throw new CliError(`${source}: expected a service-account key file (JSON with "type": "service_account")`);
  throw new CliError(`${source}: expected a JSON object with ${fields.join(', ')}`);
}

async function readSecret(provider: Provider, opts: { secretStdin?: boolean; secretFile?: string }): Promise<Record<string, string> | undefined> {
  if (opts.secretStdin && opts.secretFile) throw new CliError('Use either --secret-stdin or --secret-file, not both');
  if (opts.secretStdin) return parseSecretText(provider, await readStdin(), 'stdin');
  if (opts.secretFile) {
    const text = await readFile(opts.secretFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`--secret-file ${opts.secretFile}: cannot read (${err.code ?? err.message})`);
    });
    return parseSecretText(provider, text, opts.secretFile);
  }
  return undefined;
}

async function withAccounts<T>(fn: (service: CloudAccountService, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    await store.assertMigrated();
    const secrets = secretBoxFromEnv(process.env, resolveDataDir());
    const service = new CloudAccountService(store, secrets, defaultConnectorRegistry(), { awsPrincipalArn: process.env.FINOPS_AWS_PRINCIPAL_ARN?.trim() || undefined });
    return await fn(service, store);
  } finally {
    await store.close();
  }
}

function accountRow(a: CloudAccountView): Array<string | null> {
  return [a.id, a.provider, a.externalId, a.name, a.status, a.hasSecret ? 'yes' : 'no', a.lastTestedAt ? `${a.lastTestOk ? 'ok' : 'failed'} ${a.lastTestedAt}` : '', a.lastImportedAt ?? '', a.lastError];
}

function printAwsSetup(setup: AwsRoleSetup): void {
  process.stdout.write(`\nExternal id for this tenant: ${setup.externalId}\n`);
  process.stdout.write('Trust policy of the IAM role (paste into the role, then pass its ARN as --role-arn):\n');
  process.stdout.write(`${JSON.stringify(setup.trustPolicy, null, 2)}\n`);
  process.stdout.write('Permissions policy (read-only access to the export):\n');
  process.stdout.write(`${JSON.stringify(setup.permissionsPolicy, null, 2)}\n`);
  if (setup.note) process.stdout.write(`Note: ${setup.note}\n`);
}

function printReport(report: ConnectionReport): void {
  printTable(['Check', 'OK', 'Detail'], report.checks.map((c) => [c.name, c.ok ? 'yes' : 'NO', c.detail]));
  if (report.periods.length > 0) {
    printTable(
      ['Billing period', 'Format', 'Version', 'Objects'],
      report.periods.map((p) => [p.billingPeriod, p.format, p.version, p.objects.map((o) => `${o.key}${o.size === undefined ? '' : ` (${o.size} B)`}`).join('\n')]),
    );
  }
  process.stdout.write(`${report.ok ? 'Connection OK' : 'Connection FAILED'}: ${report.periods.length} period(s) found, nothing imported\n`);
}

export function addAccountCommand(program: Command): void {
  const account = program.command('account').description("A tenant's cloud accounts: billing export connections (secrets are write-only)");

  account
    .command('add')
    .description('Add a cloud account. Secrets only through --secret-stdin or --secret-file, never as arguments.')
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(new Option('--provider <provider>', 'cloud').choices(['aws', 'gcp', 'azure']).makeOptionMandatory())
    .requiredOption('--name <name>', 'display name')
    .option('--secret-stdin', 'read the secret from stdin (AWS: JSON {accessKeyId, secretAccessKey}; GCP: service-account key JSON; Azure: client secret)')
    .option('--secret-file <path>', 'read the secret from a file (same formats as --secret-stdin)')
    .option('--account-id <id>', 'AWS: 12-digit account id (default: from --role-arn)')
    .option('--role-arn <arn>', 'AWS: IAM role the platform assumes with the tenant external id')
    .option('--bucket <name>', 'AWS: export bucket')
    .option('--prefix <prefix>', 'AWS: export S3 path prefix')
    .option('--export-name <name>', 'AWS: CUR report name or Data Export name')
    .option('--export-type <type>', 'AWS: cur1 | cur2 | focus')
    .option('--region <region>', 'AWS: bucket region (default us-east-1)')
    .option('--regions <list>', 'AWS: comma-separated regions for inventory collection')
    .option('--project-id <id>', 'GCP: project holding the billing export dataset')
    .option('--dataset <id>', 'GCP: BigQuery dataset')
    .option('--table <id>', 'GCP: export table')
    .option('--export-kind <kind>', 'GCP: standard | detailed')
    .option('--location <location>', 'GCP: dataset location')
    .option('--overlap-days <n>', 'GCP: days re-read before the last watermark (late rows)')
    .option('--api-endpoint <url>', 'GCP: BigQuery API endpoint override')
    .option('--azure-tenant-id <guid>', 'Azure: Entra ID tenant of the app registration')
    .option('--client-id <guid>', 'Azure: application (client) id')
    .option('--scope <scope>', 'Azure: subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id>')
    .option('--endpoint <url>', 'AWS: S3 endpoint override; Azure: ARM endpoint override')
    .option('--option <key=value>', 'any other provider option, repeatable (JSON values such as numbers are parsed)', collectOption)
    .option('--json', 'print the account as JSON')
    .action(async (opts: AddOptions) => {
      const tenantId = parseTenantId(opts.tenant);
      const options = providerOptionsFromFlags(opts.provider, opts);
      const secret = await readSecret(opts.provider, opts);
      const created = await withAccounts((service) => service.create(tenantId, { provider: opts.provider, name: opts.name, options, secret }, cliActor()));
      if (opts.json) {
        printJson({ ...created.account, awsSetup: created.aws });
        return;
      }
      process.stdout.write(`Added ${created.account.provider} account ${created.account.id} (${created.account.name}, ${created.account.externalId})${created.account.hasSecret ? ', secret stored encrypted' : ''}\n`);
      if (created.aws) printAwsSetup(created.aws);
      process.stdout.write(`Check it with: finops account test ${created.account.id} --tenant ${tenantId}\n`);
    });

  const update = account
    .command('update')
    .description('Change an account: name, provider options (merged over the stored ones) and/or the secret')
    .argument('<accountId>', 'account id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--name <name>', 'display name')
    .option('--secret-stdin', 'replace the secret with what stdin holds')
    .option('--secret-file <path>', 'replace the secret with the file content')
    .option('--json', 'print the account as JSON');
  for (const flag of Object.values(FLAG_NAMES)) update.option(`${flag} <value>`, 'provider option (see `account add --help`)');
  update.option('--option <key=value>', 'any other provider option, repeatable', collectOption);
  update.action(async (accountId: string, opts: AddOptions & { name?: string }) => {
    const tenantId = parseTenantId(opts.tenant);
    const view = await withAccounts(async (service) => {
      const current = await service.get(tenantId, accountId);
      const provider = current.provider as Provider;
      const options = providerOptionsFromFlags(provider, opts);
      const secret = await readSecret(provider, opts);
      return service.update(
        tenantId,
        accountId,
        { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(Object.keys(options).length > 0 ? { options } : {}), ...(secret ? { secret } : {}) },
        cliActor(),
      );
    });
    if (opts.json) printJson(view);
    else process.stdout.write(`Updated account ${view.id} (${view.name})${view.hasSecret ? ', secret stored encrypted' : ''}\n`);
  });

  account
    .command('list')
    .description("List a tenant's cloud accounts (secrets are never shown)")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print as JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const accounts = await withAccounts((service) => service.list(tenantId));
      if (opts.json) {
        printJson(accounts);
        return;
      }
      if (accounts.length === 0) {
        process.stdout.write(`No cloud accounts in tenant ${tenantId}: add one with \`finops account add --tenant ${tenantId} --provider …\`\n`);
        return;
      }
      printTable(['Id', 'Provider', 'External id', 'Name', 'Status', 'Secret', 'Last test', 'Last import', 'Last error'], accounts.map(accountRow));
    });

  account
    .command('show')
    .description('Show one account; for AWS also the external id and the role policies to paste')
    .argument('<accountId>', 'account id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print as JSON')
    .action(async (accountId: string, opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const [view, aws] = await withAccounts(async (service) => [await service.get(tenantId, accountId), await service.awsSetup(tenantId, accountId)] as const);
      if (opts.json) {
        printJson({ ...view, awsSetup: aws });
        return;
      }
      printTable(['Id', 'Provider', 'External id', 'Name', 'Status', 'Secret', 'Last test', 'Last import', 'Last error'], [accountRow(view)]);
      process.stdout.write(`Connection: ${JSON.stringify(view.connection)}\n`);
      if (aws) printAwsSetup(aws);
    });

  account
    .command('test')
    .description('Dry run: check credentials and the export location, list periods and files; imports nothing')
    .argument('<accountId>', 'account id')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the report as JSON')
    .action(async (accountId: string, opts: { tenant: string; json?: boolean }) => {
      const tenantId = parseTenantId(opts.tenant);
      const report = await withAccounts((service) => service.test(tenantId, accountId, { actor: cliActor() }));
      if (opts.json) printJson(report);
      else printReport(report);
      if (!report.ok) throw new CliError('The connection test failed (see the checks above)', undefined, 2);
    });

  for (const [name, verb] of [['disable', 'Disable'], ['enable', 'Enable']] as const) {
    account
      .command(name)
      .description(`${verb} an account (a disabled account is never imported)`)
      .argument('<accountId>', 'account id')
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--json', 'print the account as JSON')
      .action(async (accountId: string, opts: { tenant: string; json?: boolean }) => {
        const tenantId = parseTenantId(opts.tenant);
        const view = await withAccounts((service) => (name === 'disable' ? service.disable(tenantId, accountId, cliActor()) : service.enable(tenantId, accountId, cliActor())));
        if (opts.json) printJson(view);
        else process.stdout.write(`${verb}d account ${view.id} (${view.name}): ${view.status}\n`);
      });
  }
}
