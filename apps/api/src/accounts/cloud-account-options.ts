/**
 * Connection options per provider, validated before an account is stored. Non-secret settings go to
 * CloudAccount.connection (JSON); secret fields are sealed into secretCiphertext and never come back out of the API.
 * The connectors (apps/api/src/connectors/<provider>) read exactly these field names.
 */
import { z } from 'zod';
import type { CloudProvider } from '../generated/prisma/client.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Invalid account input: the message names the first field at fault (`options.bucket`, `secret.clientSecret`...);
 * `details` lists every field at fault, so a form can mark them all at once.
 */
export class CloudAccountInputError extends Error {
  readonly code = 'CLOUD_ACCOUNT_INVALID';
  readonly details: FieldProblem[];
  constructor(
    readonly field: string,
    message: string,
    details?: FieldProblem[],
  ) {
    super(`Invalid ${field}: ${message}`);
    this.name = 'CloudAccountInputError';
    this.details = details ?? [{ field, message }];
  }
}

const endpoint = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const AWS_ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export const awsOptionsSchema = z
  .object({
    /** The 12-digit account that owns the export bucket; derived from roleArn when omitted. */
    accountId: z.string().regex(AWS_ACCOUNT_ID, 'must be a 12-digit AWS account id').optional(),
    /** Role the platform assumes (STS AssumeRole with the tenant's external id). Without it: static keys or the default chain. */
    roleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)').optional(),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 characters of a-z, 0-9, ".", "-")')
      .refine((b) => !b.includes('..'), 'must not contain ".."'),
    /** Key prefix the export writes under (`S3 path prefix` in the console); empty for the bucket root. */
    prefix: z
      .string()
      .max(512)
      .default('')
      .transform((p) => p.replace(/^\/+|\/+$/g, ''))
      .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'must not contain "." or ".." segments'),
    exportName: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 characters of A-Z, a-z, 0-9, '_', '-'"),
    exportType: z.enum(['cur1', 'cur2', 'focus']),
    /** Bucket region (S3 signing region). */
    region: z.string().regex(AWS_REGION, 'must be an AWS region such as us-east-1').default('us-east-1'),
    /** Regions the inventory collectors visit. */
    regions: z.array(z.string().regex(AWS_REGION, 'must be AWS regions such as eu-west-1')).default([]),
    /** S3 endpoint override (S3-compatible servers, tests); AWS_ENDPOINT_URL_S3 applies when unset. */
    endpoint: endpoint.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const roleAccount = o.roleArn ? ROLE_ARN.exec(o.roleArn)?.[1] : undefined;
    if (!o.accountId && !roleAccount) {
      ctx.addIssue({ code: 'custom', path: ['accountId'], message: 'is required when roleArn is not given' });
    }
    // A role in another account would let this account's export be read with someone else's trust.
    if (o.accountId && roleAccount && o.accountId !== roleAccount) {
      ctx.addIssue({ code: 'custom', path: ['roleArn'], message: `belongs to account ${roleAccount}, not accountId ${o.accountId}` });
    }
  });

/** Static keys for installs without role assumption (and S3-compatible servers); sealed like every secret. */
export const awsSecretSchema = z
  .object({
    accessKeyId: z.string().regex(/^[A-Z0-9]{4,128}$/, 'must be an access key id (A-Z, 0-9)'),
    secretAccessKey: z.string().min(8, 'is too short'),
    sessionToken: z.string().min(8).optional(),
  })
  .strict();

export const gcpOptionsSchema = z
  .object({
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id (6-30 characters of a-z, 0-9, "-")'),
    dataset: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'must be a BigQuery dataset id (A-Z, a-z, 0-9, "_")'),
    table: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'must be a BigQuery table id (A-Z, a-z, 0-9, "_")'),
    exportKind: z.enum(['standard', 'detailed']).default('standard'),
    /** BigQuery location of the dataset (US, EU, europe-west1...). */
    location: z.string().regex(/^[A-Za-z0-9-]{2,64}$/, 'must be a BigQuery location such as US or europe-west1').optional(),
    /** Late rows arrive for days: each run re-reads this many days before the last watermark. */
    overlapDays: z.number().int().min(0).max(31).optional(),
    /** BigQuery API endpoint override (local fakes). */
    apiEndpoint: endpoint.optional(),
    /** yyyy-mm: the connector also reports every invoice month from this one on (first import of the history). */
    backfillFrom: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be yyyy-mm').optional(),
    /** Rows per getQueryResults page. */
    pageSize: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

export const gcpSecretSchema = z
  .object({
    serviceAccountKey: z.string().superRefine((text, ctx) => {
      let key: unknown;
      try {
        key = JSON.parse(text);
      } catch {
        // The message must not quote the text: it is the secret.
        ctx.addIssue({ code: 'custom', message: 'must be the JSON key file of a service account (not valid JSON)' });
        return;
      }
      const k = key as Record<string, unknown>;
      if (k?.type !== 'service_account' || typeof k.client_email !== 'string' || typeof k.private_key !== 'string') {
        ctx.addIssue({ code: 'custom', message: 'must be a service-account key (type service_account with client_email and private_key)' });
      }
    }),
  })
  .strict();

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const AZURE_SCOPE = /^(subscriptions\/[0-9a-fA-F-]{36}|providers\/Microsoft\.Billing\/billingAccounts\/[A-Za-z0-9:_-]{1,128})$/;

export const azureOptionsSchema = z
  .object({
    tenantId: z.string().regex(UUID, 'must be the Entra ID (Azure AD) tenant id, a GUID'),
    clientId: z.string().regex(UUID, 'must be the application (client) id, a GUID'),
    scope: z
      .string()
      .transform((s) => s.replace(/^\/+|\/+$/g, ''))
      .pipe(z.string().regex(AZURE_SCOPE, 'must be subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id>')),
    /** ARM endpoint override (sovereign clouds, local fakes). */
    endpoint: endpoint.optional(),
    /** Entra ID authority override (sovereign clouds). */
    authorityHost: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    /** yyyy-mm: the connector also reports every month from this one on (first import of the history). */
    backfillFrom: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be yyyy-mm').optional(),
  })
  .strict();

export const azureSecretSchema = z.object({ clientSecret: z.string().min(8, 'is too short') }).strict();

export type AwsAccountOptions = z.infer<typeof awsOptionsSchema>;
export type GcpAccountOptions = z.infer<typeof gcpOptionsSchema>;
export type AzureAccountOptions = z.infer<typeof azureOptionsSchema>;

interface ProviderSpec {
  options: z.ZodType<Record<string, unknown>>;
  secret: z.ZodType<Record<string, string>>;
  /** Whether an account of this provider can work without any secret. */
  secretRequired: (options: Record<string, unknown>) => boolean;
  /** The provider's own id for the account: the lake's `source=` partition and the unique key per tenant. */
  externalId: (options: Record<string, unknown>) => string;
  /** Secret field names, for CLI help and `hasSecret` reporting. */
  secretFields: readonly string[];
}

export const PROVIDER_SPECS: Record<CloudProvider, ProviderSpec> = {
  aws: {
    options: awsOptionsSchema as unknown as z.ZodType<Record<string, unknown>>,
    secret: awsSecretSchema as unknown as z.ZodType<Record<string, string>>,
    secretRequired: () => false,
    externalId: (o) => (o.accountId as string | undefined) ?? (ROLE_ARN.exec(String(o.roleArn))?.[1] as string),
    secretFields: ['accessKeyId', 'secretAccessKey', 'sessionToken'],
  },
  gcp: {
    options: gcpOptionsSchema as unknown as z.ZodType<Record<string, unknown>>,
    secret: gcpSecretSchema as unknown as z.ZodType<Record<string, string>>,
    // A local BigQuery fake takes no credentials; the real API always needs the key.
    secretRequired: (o) => o.apiEndpoint === undefined,
    externalId: (o) => String(o.projectId),
    secretFields: ['serviceAccountKey'],
  },
  azure: {
    options: azureOptionsSchema as unknown as z.ZodType<Record<string, unknown>>,
    secret: azureSecretSchema as unknown as z.ZodType<Record<string, string>>,
    secretRequired: () => true,
    externalId: (o) => String(o.scope),
    secretFields: ['clientSecret'],
  },
};

function problemOf(prefix: string, issue: z.core.$ZodIssue): FieldProblem {
  const field = [prefix, ...issue.path.map(String)].join('.');
  const message = issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}` : issue.message;
  return { field, message };
}

function inputError(prefix: string, error: z.ZodError): CloudAccountInputError {
  const problems = error.issues.map((issue) => problemOf(prefix, issue));
  return new CloudAccountInputError(problems[0]!.field, problems[0]!.message, problems);
}

/** Validates provider options; the error names `options.<field>`. */
export function parseAccountOptions(provider: CloudProvider, raw: unknown): Record<string, unknown> {
  const parsed = PROVIDER_SPECS[provider].options.safeParse(raw ?? {});
  if (!parsed.success) throw inputError('options', parsed.error);
  return parsed.data;
}

/** Validates secret fields; errors name the field, never the value. */
export function parseAccountSecret(provider: CloudProvider, raw: unknown): Record<string, string> {
  const parsed = PROVIDER_SPECS[provider].secret.safeParse(raw ?? {});
  if (!parsed.success) throw inputError('secret', parsed.error);
  return parsed.data;
}
