import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactElement } from 'react';
import { ActionForm } from '../../../../../../../components/action-form.component.tsx';
import { FormCheckbox, FormField } from '../../../../../../../components/form-field.component.tsx';
import { Card } from '../../../../../../../components/ui.component.tsx';
import { createAccount } from '../../../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Connect a cloud account' };

const PROVIDERS = [
  { id: 'aws', name: 'Amazon Web Services', what: 'CUR 1.0, CUR 2.0 (Data Exports) or FOCUS export in S3, read through a role you create.' },
  { id: 'gcp', name: 'Google Cloud', what: 'Cloud Billing export to BigQuery, read with a service-account key.' },
  { id: 'azure', name: 'Microsoft Azure', what: 'Cost details of a subscription or billing account, read by an app registration.' },
] as const;

/** The wizard's inputs are ids `acct-<name>`; a field that is not required says so. */
function Field({ name, required, children, ...rest }: { name: string; label: string; help?: string; required?: boolean; placeholder?: string; type?: string; children?: ReactElement<Record<string, unknown>> }) {
  return (
    <FormField id={`acct-${name}`} name={name} required={required} optional={!required} {...rest}>
      {children}
    </FormField>
  );
}

function ProviderFields({ provider }: { provider: string }) {
  if (provider === 'aws') {
    return (
      <>
        <div className="callout">
          After you create the account, this page shows the <strong>external id</strong> and the <strong>trust-policy JSON</strong> to paste into the IAM role,
          then the connection test tells you whether the role and the export are reachable.
        </div>
        <div className="grid grid-2">
          <Field name="roleArn" label="Role ARN" placeholder="arn:aws:iam::123456789012:role/openfinops-billing" help="The role the platform assumes with the external id." />
          <Field name="accountId" label="AWS account id" placeholder="123456789012" help="Derived from the role ARN when omitted." />
          <Field name="bucket" label="S3 bucket" required placeholder="acme-billing-exports" />
          <Field name="prefix" label="Prefix" placeholder="cur" />
          <Field name="exportName" label="Export name" required placeholder="hourly-cur" />
          <Field name="exportType" label="Export type" required>
            <select id="acct-exportType" name="exportType" defaultValue="cur2">
              <option value="cur1">CUR 1.0 (legacy)</option>
              <option value="cur2">CUR 2.0 (Data Exports)</option>
              <option value="focus">FOCUS export</option>
            </select>
          </Field>
          <Field name="region" label="Bucket region" placeholder="us-east-1" />
          <Field name="regions" label="Inventory regions" placeholder="us-east-1, eu-west-1" help="Where inventory checks collect resources." />
          <Field name="endpoint" label="S3 endpoint override" placeholder="https://s3.example.internal" />
        </div>
        <details>
          <summary className="small">Static access keys instead of a role (not recommended)</summary>
          <div className="grid grid-2" style={{ marginTop: 12 }}>
            <Field name="accessKeyId" label="Access key id" />
            <Field name="secretAccessKey" label="Secret access key" type="password" />
          </div>
        </details>
      </>
    );
  }
  if (provider === 'gcp') {
    return (
      <>
        <div className="grid grid-2">
          <Field name="projectId" label="Project id" required placeholder="acme-billing" />
          <Field name="dataset" label="Dataset" required placeholder="billing_export" />
          <Field name="table" label="Export table" required placeholder="gcp_billing_export_v1_XXXXXX" />
          <Field name="exportKind" label="Export kind" required>
            <select id="acct-exportKind" name="exportKind" defaultValue="standard">
              <option value="standard">Standard usage cost</option>
              <option value="detailed">Detailed usage cost</option>
            </select>
          </Field>
          <Field name="location" label="Dataset location" placeholder="US" />
          <Field name="overlapDays" label="Overlap days" type="number" help="Late rows arrive for days; each run re-reads this window." />
          <Field name="backfillFrom" label="Backfill from (yyyy-mm)" placeholder="2024-01" />
          <Field name="apiEndpoint" label="BigQuery endpoint override" />
        </div>
        <Field name="serviceAccountKey" label="Service-account key (JSON)" required help="Stored encrypted, never shown again.">
          <textarea id="acct-serviceAccountKey" name="serviceAccountKey" required rows={6} spellCheck={false} className="mono" />
        </Field>
      </>
    );
  }
  return (
    <>
      <div className="grid grid-2">
        <Field name="tenantId" label="Entra ID tenant id" required placeholder="00000000-0000-0000-0000-000000000000" />
        <Field name="clientId" label="Application (client) id" required placeholder="00000000-0000-0000-0000-000000000000" />
        <Field name="scope" label="Scope" required placeholder="subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id>" />
        <Field name="backfillFrom" label="Backfill from (yyyy-mm)" placeholder="2024-01" />
        <Field name="endpoint" label="ARM endpoint override" />
      </div>
      <Field name="clientSecret" label="Client secret" required type="password" help="Stored encrypted, never shown again." />
    </>
  );
}

export default async function NewAccountPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<{ provider?: string }> }) {
  const { tenantId } = await params;
  const { provider: raw } = await searchParams;
  const provider = PROVIDERS.find((p) => p.id === raw);
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}/accounts/new`;
  return (
    <Card title="Connect a cloud account" hint={provider ? provider.name : 'Step 1: choose the cloud'}>
      <div className="form-stack">
        <ol className="steps" aria-label="Steps">
          <li aria-current={provider ? undefined : 'step'}>1 · Cloud</li>
          <li aria-current={provider ? 'step' : undefined}>2 · Connection</li>
          <li>3 · Trust and test</li>
        </ol>
        {!provider ? (
          <div className="grid grid-3">
            {PROVIDERS.map((p) => (
              <Link key={p.id} href={`${base}?provider=${p.id}`} className="card card-body" style={{ color: 'inherit' }}>
                <div className="row-title">{p.name}</div>
                <p className="muted small" style={{ margin: '4px 0 0' }}>
                  {p.what}
                </p>
              </Link>
            ))}
          </div>
        ) : (
          <ActionForm action={createAccount.bind(null, tenantId, provider.id)} submitLabel="Create account" pendingLabel="Creating…" label={`Connect ${provider.name}`}>
            <Field name="name" label="Name" required placeholder="Production payer" />
            <ProviderFields provider={provider.id} />
            <FormCheckbox name="test" label="Run the connection test (dry run) right after creating" defaultChecked />
            <Link href={base} className="small">
              ← Another cloud
            </Link>
          </ActionForm>
        )}
      </div>
    </Card>
  );
}
