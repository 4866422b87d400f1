/**
 * The settings of an Azure billing account (CloudAccount.connection + its decrypted secret), checked before any call.
 * The scope is pasted into the request path unencoded by the SDK, so only the documented scope shapes pass.
 */
import { z } from 'zod';
import type { ConnectorAccount } from '../billing-connector.ts';

export interface AzureConnection {
  tenantId: string;
  clientId: string;
  /** Without the leading slash: `subscriptions/<id>` or `providers/Microsoft.Billing/billingAccounts/<id>`…. */
  scope: string;
  /** ARM endpoint override (sovereign clouds, a local server); default https://management.azure.com. */
  endpoint?: string;
  /** Entra ID authority override (sovereign clouds). */
  authorityHost?: string;
  /** `yyyy-mm`: also report every month from this one on (the first import of an account's history). */
  backfillFrom?: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SCOPE = new RegExp(
  [
    '^subscriptions/[0-9a-fA-F-]{36}',
    '^providers/Microsoft\\.Billing/billingAccounts/[A-Za-z0-9:_-]+(/billingProfiles/[A-Za-z0-9_-]+)?',
    '^providers/Microsoft\\.Billing/departments/[A-Za-z0-9_-]+',
    '^providers/Microsoft\\.Billing/enrollmentAccounts/[A-Za-z0-9_-]+',
    '^providers/Microsoft\\.Management/managementGroups/[A-Za-z0-9._()-]+',
  ]
    .map((p) => `(${p}$)`)
    .join('|'),
  'i',
);

const connectionSchema = z.object({
  tenantId: z.string().refine((v) => GUID.test(v) || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v), 'must be a directory (tenant) id or domain'),
  clientId: z.string().regex(GUID, 'must be the application (client) id, a GUID'),
  scope: z
    .string()
    .transform((v) => v.replace(/^\/+|\/+$/g, ''))
    .refine((v) => SCOPE.test(v), 'must be subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id> (or a department, enrollment account, management group)'),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  authorityHost: z.url({ protocol: /^https$/ }).optional(),
  backfillFrom: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be yyyy-mm').optional(),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseAzureConnection(account: ConnectorAccount): AzureConnection {
  const parsed = connectionSchema.safeParse(account.connection);
  if (!parsed.success) throw new Error(`Azure account ${account.id}: invalid connection settings: ${issues(parsed.error)}`);
  return parsed.data;
}

export function clientSecretOf(account: ConnectorAccount): string {
  const secret = account.secret?.['clientSecret'];
  if (!secret) throw new Error(`Azure account ${account.id}: secret field clientSecret (the app registration's client secret) is missing`);
  return secret;
}

export function sourceKeyOf(c: AzureConnection): string {
  return `consumption:${c.scope}`;
}
