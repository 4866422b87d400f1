import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../../../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState, ProviderBadge } from '../../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../../lib/api-client.server.ts';
import type { CloudAccount } from '../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../lib/format.util.ts';
import { setAccountEnabled, testAccount } from '../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Cloud accounts' };

export default async function AccountsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const res = await attempt(api<{ accounts: CloudAccount[] }>(`/admin/tenants/${encodeURIComponent(tenantId)}/accounts`));
  return (
    <Card
      title="Cloud accounts"
      hint="Billing exports the scheduler imports. Secrets are write-only: they never come back from the API."
      actions={
        <Link className="btn btn-primary" href={`/admin/tenants/${encodeURIComponent(tenantId)}/accounts/new`}>
          Connect an account
        </Link>
      }
      flush
    >
      {!res.ok ? (
        <ErrorState error={res.error} />
      ) : res.value.accounts.length === 0 ? (
        <EmptyState title="No cloud account connected" icon="☁">
          Connect AWS, GCP or Azure billing so imports run on schedule.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-phone">
                  Last test
                </th>
                <th scope="col" className="hide-phone">
                  Last import
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {res.value.accounts.map((a) => (
                <tr key={a.id}>
                  <td>
                    <div className="row-title">
                      <ProviderBadge provider={a.provider} /> {a.name}
                    </div>
                    <div className="row-sub mono">{a.externalId}</div>
                  </td>
                  <td>
                    <Badge tone={a.status === 'active' ? 'badge-success' : undefined}>{a.status}</Badge>
                    {a.lastError ? <div className="row-sub" style={{ color: 'var(--c-danger)' }}>{a.lastError}</div> : null}
                  </td>
                  <td className="hide-phone small">
                    {a.lastTestOk === null ? <span className="muted">never</span> : <Badge tone={a.lastTestOk ? 'badge-success' : 'badge-danger'}>{a.lastTestOk ? 'ok' : 'failed'}</Badge>}
                    <div className="row-sub">{a.lastTestedAt ? formatDateTime(a.lastTestedAt) : ''}</div>
                  </td>
                  <td className="hide-phone small muted">{formatDateTime(a.lastImportedAt)}</td>
                  <td>
                    <div className="form-stack" style={{ gap: 6, minWidth: 160 }}>
                      <ActionForm label={`Test ${a.name}`} action={testAccount.bind(null, tenantId, a.id)} submitLabel="Test connection" pendingLabel="Testing…" variant="default" />
                      <ActionForm
                        label={`${a.status === 'disabled' ? 'Enable' : 'Disable'} ${a.name}`}
                        action={setAccountEnabled.bind(null, tenantId, a.id, a.status === 'disabled')}
                        submitLabel={a.status === 'disabled' ? 'Enable' : 'Disable'}
                        variant={a.status === 'disabled' ? 'default' : 'danger'}
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
