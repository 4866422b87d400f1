import { type Command, Option } from 'commander';
import {
  ApiKeyRepository,
  ApiKeyService,
  AuditLogRepository,
  MEMBER_ROLES,
  openStore,
  storeOptionsFromEnv,
  TenantRepository,
} from '@openfinops/api';
import { printJson } from '../cli-output.ts';
import { cliActor } from './user.command.ts';

interface CreateOptions {
  tenant: string;
  role: (typeof MEMBER_ROLES)[number];
  name: string;
  json?: boolean;
}

export function addApiKeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('Manage tenant API keys');

  apikey
    .command('create')
    .description('Create an API key for one tenant with one role; the key is printed once and only its hash is stored')
    .requiredOption('--tenant <id>', 'tenant the key is scoped to')
    .addOption(new Option('--role <role>', 'role the key acts with').choices([...MEMBER_ROLES]).makeOptionMandatory())
    .requiredOption('--name <name>', 'a label to recognise the key by')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CreateOptions) => {
      const store = await openStore(storeOptionsFromEnv());
      const created = await (async () => {
        try {
          await store.assertMigrated();
          // Fails with the tenant's name when it does not exist.
          await new TenantRepository(store.prisma).require(opts.tenant);
          const service = new ApiKeyService(new ApiKeyRepository(store.prisma), new AuditLogRepository(store.prisma));
          return await service.create({ tenantId: opts.tenant, name: opts.name, role: opts.role, actor: cliActor() });
        } finally {
          await store.close();
        }
      })();
      if (opts.json) {
        printJson({
          key: created.key,
          id: created.apiKey.id,
          tenantId: created.apiKey.tenantId,
          name: created.apiKey.name,
          role: created.apiKey.role,
          prefix: created.apiKey.prefix,
          createdAt: created.apiKey.createdAt.toISOString(),
        });
        return;
      }
      process.stdout.write(
        `Created API key ${created.apiKey.name} (${created.apiKey.role} of ${created.apiKey.tenantId}).\n` +
          `Key (shown once, store it now): ${created.key}\n`,
      );
    });
}
