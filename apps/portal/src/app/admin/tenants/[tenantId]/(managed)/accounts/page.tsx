import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../../../../../components/action-form.component.tsx';
import { ListCard } from '../../../../../../components/data-list.component.tsx';
import { Badge, ProviderBadge } from '../../../../../../components/ui.component.tsx';
import { adminTenantPath, api, attempt } from '../../../../../../lib/api-client.server.ts';
import type { CloudAccount } from '../../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../../lib/format.util.ts';
import { setAccountEnabled, testAccount } from '../../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Cloud accounts' };

export default async function AccountsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const res = await attempt(api<{ accounts: CloudAccount[] }>(adminTenantPath(tenantId, '/accounts')).then((r) => r.accounts));
  return (
    <ListCard
      title="Cloud accounts"
      hint="Billing exports the scheduler imports. Secrets are write-only: they never come back from the API."
      actions={
        <Link className="btn btn-primary" href={`/admin/tenants/${encodeURIComponent(tenantId)}/accounts/new`}>
          Connect an account
        </Link>
      }
      result={res}
      empty={{ title: 'No cloud account connected', icon: '☁', body: 'Connect AWS, GCP or Azure billing so imports run on schedule.' }}
      testId="accounts-table"
      rowKey={(a) => a.id}
      columns={[
        {
          header: 'Account',
          cell: (a) => (
            <>
              <div className="row-title">
                <ProviderBadge provider={a.provider} /> {a.name}
              </div>
              <div className="row-sub mono">{a.externalId}</div>
            </>
          ),
        },
        {
          header: 'Status',
          cell: (a) => (
            <>
              <Badge tone={a.status === 'active' ? 'badge-success' : undefined}>{a.status}</Badge>
              {a.lastError ? (
                <div className="row-sub" style={{ color: 'var(--c-danger)' }}>
                  {a.lastError}
                </div>
              ) : null}
            </>
          ),
        },
        {
          header: 'Last test',
          className: 'hide-phone small',
          cell: (a) => (
            <>
              {a.lastTestOk === null ? <span className="muted">never</span> : <Badge tone={a.lastTestOk ? 'badge-success' : 'badge-danger'}>{a.lastTestOk ? 'ok' : 'failed'}</Badge>}
              <div className="row-sub">{a.lastTestedAt ? formatDateTime(a.lastTestedAt) : ''}</div>
            </>
          ),
        },
        { header: 'Last import', className: 'hide-phone small muted', cell: (a) => formatDateTime(a.lastImportedAt) },
        {
          header: 'Actions',
          hiddenHeader: true,
          cell: (a) => (
            <div className="form-stack" style={{ gap: 6, minWidth: 160 }}>
              <ActionForm label={`Test ${a.name}`} action={testAccount.bind(null, tenantId, a.id)} submitLabel="Test connection" pendingLabel="Testing…" variant="default" />
              <ActionForm
                label={`${a.status === 'disabled' ? 'Enable' : 'Disable'} ${a.name}`}
                action={setAccountEnabled.bind(null, tenantId, a.id, a.status === 'disabled')}
                submitLabel={a.status === 'disabled' ? 'Enable' : 'Disable'}
                variant={a.status === 'disabled' ? 'default' : 'danger'}
              />
            </div>
          ),
        },
      ]}
    />
  );
}
