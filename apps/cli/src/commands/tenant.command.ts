import { type Command } from 'commander';
import {
  openStore,
  parseTenantName,
  storeOptionsFromEnv,
  TenantRepository,
  TenantService,
  type Store,
  type Tenant,
} from '@openfinops/api';
import { parseTenantId } from '@openfinops/tenants';
import { printJson, printTable } from '../cli-output.ts';

interface CreateOptions {
  name: string;
  json?: boolean;
}

function tenantJson(t: Tenant): object {
  return { id: t.id, name: t.name, status: t.status, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() };
}

async function withTenantService<T>(fn: (service: TenantService, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    return await fn(new TenantService(new TenantRepository(store.prisma)), store);
  } finally {
    await store.close();
  }
}

export function addTenantCommand(program: Command): void {
  const tenant = program.command('tenant').description('Create and list tenants');

  tenant
    .command('create')
    .description(
      'Create a tenant. On the embedded store, pending migrations are applied first (first-run convenience); ' +
        'on PostgreSQL run `finops db migrate` beforehand.',
    )
    .argument('<id>', "tenant id: 2-63 characters of a-z, 0-9 and '-'")
    .requiredOption('--name <name>', 'display name')
    .option('--json', 'print the tenant as JSON')
    .action(async (rawId: string, opts: CreateOptions) => {
      // Bad input fails before the store is opened (or migrated).
      const id = parseTenantId(rawId);
      const name = parseTenantName(id, opts.name);
      const created = await withTenantService(async (service, store) => {
        // A shared PostgreSQL is migrated deliberately (deploy step); a fresh local data dir just works.
        if (store.kind === 'pglite') await store.migrate();
        else await store.assertMigrated();
        return service.create({ id, name }, 'cli');
      });
      if (opts.json) printJson(tenantJson(created));
      else process.stdout.write(`Created tenant ${created.id} (${created.name})\n`);
    });

  tenant
    .command('list')
    .description('List tenants')
    .option('--json', 'print the tenants as JSON')
    .action(async (opts: { json?: boolean }) => {
      const tenants = await withTenantService(async (service, store) => {
        await store.assertMigrated();
        return service.list();
      });
      if (opts.json) {
        printJson(tenants.map(tenantJson));
        return;
      }
      if (tenants.length === 0) {
        process.stdout.write('No tenants yet: create one with `finops tenant create <id> --name <name>`\n');
        return;
      }
      printTable(
        ['Id', 'Name', 'Status', 'Created'],
        tenants.map((t) => [t.id, t.name, t.status, t.createdAt.toISOString()]),
      );
    });
}
