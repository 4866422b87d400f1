import type { CloudProvider } from '../generated/prisma/client.ts';
import { AwsS3BillingConnector } from './aws/aws-s3-billing.connector.ts';
import { AzureConsumptionConnector } from './azure/azure-consumption.connector.ts';
import type { BillingConnector } from './billing-connector.ts';
import { GcpBillingConnector } from './gcp/gcp-billing.connector.ts';

/** An account whose provider has no registered connector: a configuration problem, never retried. */
export class ConnectorUnavailableError extends Error {
  readonly code = 'CONNECTOR_UNAVAILABLE';
  readonly retryable = false;
  constructor(readonly provider: string) {
    super(`No billing connector is registered for provider ${JSON.stringify(provider)}`);
    this.name = 'ConnectorUnavailableError';
  }
}

/** provider → BillingConnector. Services take a registry so tests can register connectors pointed at local fakes. */
export class ConnectorRegistry {
  private readonly connectors = new Map<CloudProvider, BillingConnector>();

  register(connector: BillingConnector): this {
    this.connectors.set(connector.provider, connector);
    return this;
  }

  has(provider: CloudProvider): boolean {
    return this.connectors.has(provider);
  }

  get(provider: CloudProvider): BillingConnector {
    const connector = this.connectors.get(provider);
    if (!connector) throw new ConnectorUnavailableError(provider);
    return connector;
  }

  providers(): CloudProvider[] {
    return [...this.connectors.keys()].sort();
  }
}

/** The connectors the CLI, the API and the workers use. One line per provider. */
export function defaultConnectorRegistry(): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  registry.register(new AwsS3BillingConnector());
  registry.register(new GcpBillingConnector());
  registry.register(new AzureConsumptionConnector());
  return registry;
}
