import { LakeLayout } from '@openfinops/tenants';
import { CloudAccountService } from '../accounts/cloud-account.service.ts';
import { ConnectorImportService } from '../connectors/connector-import.service.ts';
import { defaultConnectorRegistry } from '../connectors/connector-registry.ts';
import { secretBoxFromEnv } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import type { AccountDirectory, DefaultJobHandlerDeps, InventoryTarget } from './default-job-handlers.ts';
import { PermanentJobError } from './job-handlers.ts';

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Import and inventory jobs wired to the cloud accounts and connectors: ConnectorImportService for imports, the
 * account's AWS role (and optional static source keys) for the EC2 inventory collector.
 */
export function connectorJobDeps(store: Store, dataDir: string, env: NodeJS.ProcessEnv = process.env): Required<Pick<DefaultJobHandlerDeps, 'importAccount' | 'accounts'>> {
  const secrets = secretBoxFromEnv(env, dataDir);
  const registry = defaultConnectorRegistry();
  const cloudAccounts = new CloudAccountService(store, secrets, registry);
  const importer = new ConnectorImportService(store, new LakeLayout(dataDir), secrets, registry);

  const accounts: AccountDirectory = {
    async activeAccountIds(tenantId, provider) {
      return (await cloudAccounts.list(tenantId)).filter((a) => a.status === 'active' && (!provider || a.provider === provider)).map((a) => a.id);
    },
    async inventoryTarget(tenantId, accountId): Promise<InventoryTarget> {
      const { record, connector } = await cloudAccounts.openForConnector(tenantId, accountId);
      if (record.provider !== 'aws') throw new PermanentJobError(`Inventory collection covers AWS accounts; account ${accountId} is ${record.provider}`);
      if (record.status === 'disabled') throw new PermanentJobError(`Cloud account ${accountId} is disabled; enable it before collecting inventory`);
      const { roleArn, externalId } = connector.connection as { roleArn?: unknown; externalId?: unknown };
      if (typeof roleArn !== 'string' || typeof externalId !== 'string') {
        throw new PermanentJobError(`Cloud account ${accountId} has no roleArn: inventory collection assumes the account's read-only role`);
      }
      const regions = stringList(connector.connection.regions);
      if (regions.length === 0) throw new PermanentJobError(`Cloud account ${accountId} lists no regions to collect inventory in (set its regions option)`);
      const keys = connector.secret;
      return {
        accountId: record.externalId,
        regions,
        credentials: { kind: 'assume-role', roleArn, externalId },
        ...(keys?.accessKeyId && keys.secretAccessKey
          ? { sourceCredentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) } }
          : {}),
      };
    },
  };

  return {
    importAccount: (tenantId, accountId, opts) => importer.importAccount(tenantId, accountId, opts),
    accounts,
  };
}
