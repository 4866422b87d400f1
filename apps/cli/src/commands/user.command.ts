import os from 'node:os';
import { type Command, Option } from 'commander';
import {
  AuditLogRepository,
  MEMBER_ROLES,
  MembershipRepository,
  openStore,
  storeOptionsFromEnv,
  TenantRepository,
  UserRepository,
  UserService,
} from '@openfinops/api';
import { CliError, printJson } from '../cli-output.ts';

/** Audit actor for changes made from the command line. */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `cli:${name}`;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface CreateOptions {
  passwordStdin?: boolean;
  platformAdmin?: boolean;
  tenant?: string;
  role?: string;
  json?: boolean;
}

export function addUserCommand(program: Command): void {
  const user = program.command('user').description('Manage users (platform admins and tenant members)');

  user
    .command('create')
    .description(
      'Create a user. Without --password-stdin a one-time password is generated and printed once. ' +
        'Give --platform-admin, or --tenant with --role to make the user a member.',
    )
    .argument('<email>', 'email address (stored lowercased)')
    .option('--password-stdin', 'read the password from stdin (first line)')
    .option('--platform-admin', 'grant platform administration (admin API)')
    .option('--tenant <id>', 'tenant to add the user to')
    .addOption(new Option('--role <role>', 'role in --tenant').choices([...MEMBER_ROLES]))
    .option('--json', 'print the result as JSON')
    .action(async (email: string, opts: CreateOptions) => {
      if (!opts.platformAdmin && !opts.tenant) throw new CliError('Give --platform-admin or --tenant <id> --role <role>');
      if (opts.tenant && !opts.role) throw new CliError('--tenant needs --role owner|admin|analyst|viewer');
      if (opts.role && !opts.tenant) throw new CliError('--role needs --tenant <id>');
      const password = opts.passwordStdin ? (await readStdin()).split(/\r?\n/)[0] ?? '' : undefined;

      const store = await openStore(storeOptionsFromEnv());
      const created = await (async () => {
        try {
          if (store.kind === 'pglite') await store.migrate();
          else await store.assertMigrated();
          const service = new UserService(
            new UserRepository(store.prisma),
            new MembershipRepository(store.prisma),
            new TenantRepository(store.prisma),
            new AuditLogRepository(store.prisma),
          );
          return await service.create({
            email,
            ...(password !== undefined ? { password } : {}),
            isPlatformAdmin: opts.platformAdmin === true,
            ...(opts.tenant && opts.role
              ? { membership: { tenantId: opts.tenant, role: opts.role as (typeof MEMBER_ROLES)[number] } }
              : {}),
            actor: cliActor(),
          });
        } finally {
          await store.close();
        }
      })();

      if (opts.json) {
        printJson({ ...created, user: { ...created.user, createdAt: created.user.createdAt.toISOString() } });
        return;
      }
      const what = [
        created.user.isPlatformAdmin ? 'platform admin' : null,
        created.membership ? `${created.membership.role} of ${created.membership.tenantId}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      process.stdout.write(`Created user ${created.user.email} (${created.user.id})${what ? `: ${what}` : ''}\n`);
      if (created.oneTimePassword) {
        process.stdout.write(`One-time password (shown once): ${created.oneTimePassword}\n`);
      }
    });
}
