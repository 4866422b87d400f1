/**
 * The settings of a GCP billing account (CloudAccount.connection + its decrypted secret), checked before any call.
 * Dataset and table names end up inside SQL text (BigQuery cannot bind identifiers as parameters), so they are held
 * to BigQuery's own identifier rules here and nothing else can reach the query.
 */
import { z } from 'zod';
import type { ConnectorAccount } from '../billing-connector.ts';

export interface GcpConnection {
  projectId: string;
  dataset: string;
  table: string;
  exportKind: 'standard' | 'detailed';
  /** BigQuery location of the dataset (US, EU, europe-west1...); the job runs there. */
  location?: string;
  /** Endpoint override (Private Service Connect, a local fake): requests are signed with a self-signed JWT. */
  apiEndpoint?: string;
  /** Late rows of an invoice month keep arriving for days: how far before the watermark discover looks again. */
  overlapDays: number;
  /** `yyyy-mm`: also report every invoice month from this one on (the first import of an account's history). */
  backfillFrom?: string;
  /** Rows per getQueryResults page (BigQuery also caps a page at about 10 MB). */
  pageSize: number;
}

export interface GcpServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
}

const connectionSchema = z.object({
  // Project ids: 6-30 chars, lower case, digits, hyphens; legacy domain-scoped ids carry "domain:".
  projectId: z.string().regex(/^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id (e.g. acme-billing)'),
  dataset: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'must be a BigQuery dataset id (letters, digits, underscores)'),
  table: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'must be a BigQuery table id (letters, digits, underscores)'),
  exportKind: z.enum(['standard', 'detailed']).default('standard'),
  location: z.string().regex(/^[A-Za-z0-9-]{2,40}$/, 'must be a BigQuery location such as US or europe-west1').optional(),
  apiEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  overlapDays: z.number().int().min(0).max(31).default(3),
  backfillFrom: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be yyyy-mm').optional(),
  pageSize: z.number().int().min(1).max(100_000).default(10_000),
});

const keySchema = z.object({
  client_email: z.string().min(3),
  private_key: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
  private_key_id: z.string().optional(),
  project_id: z.string().optional(),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseGcpConnection(account: ConnectorAccount): GcpConnection {
  const parsed = connectionSchema.safeParse(account.connection);
  if (!parsed.success) throw new Error(`GCP account ${account.id}: invalid connection settings: ${issues(parsed.error)}`);
  return parsed.data;
}

/**
 * The service-account key JSON from the secret field `serviceAccountKey`; messages never echo the key. Only an
 * account with an endpoint override (a local BigQuery stand-in) may have none: null then.
 */
export function parseServiceAccountKey(account: ConnectorAccount, c: GcpConnection): GcpServiceAccountKey | null {
  const raw = account.secret?.['serviceAccountKey'];
  if (!raw && c.apiEndpoint) return null;
  if (!raw) throw new Error(`GCP account ${account.id}: secret field serviceAccountKey (the service-account key JSON) is missing`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`GCP account ${account.id}: secret serviceAccountKey is not JSON (expected the key file Google Cloud downloads)`);
  }
  const parsed = keySchema.safeParse(json);
  if (!parsed.success) {
    // Only field names: the values are key material.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new Error(`GCP account ${account.id}: secret serviceAccountKey lacks a valid ${fields}`);
  }
  return parsed.data;
}

/** `project.dataset.table` quoted for SQL; safe because every part passed the identifier rules above. */
export function tableRef(c: GcpConnection): string {
  return `\`${c.projectId}.${c.dataset}.${c.table}\``;
}

export function sourceKeyOf(c: GcpConnection): string {
  return `bigquery:${c.projectId}.${c.dataset}.${c.table}`;
}
