import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState, PageHeader } from '../../components/ui.component.tsx';
import { api, attempt } from '../../lib/api-client.server.ts';
import type { AdminTenant } from '../../lib/api.types.ts';
import { formatDay } from '../../lib/format.util.ts';
import { createTenant, setTenantStatus } from './admin.actions.ts';

export const metadata: Metadata = { title: 'Tenants' };

export default async function TenantsPage() {
  const res = await attempt(api<{ tenants: AdminTenant[] }>('/admin/tenants'));
  return (
    <>
      <PageHeader title="Tenants" description="Operator console: every organisation on this installation." />
      <div className="split">
        <Card title="All tenants" flush>
          {!res.ok ? (
            <ErrorState error={res.error} />
          ) : res.value.tenants.length === 0 ? (
            <EmptyState title="No tenants yet">Create the first one on the right.</EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="tenants-table">
                <thead>
                  <tr>
                    <th scope="col">Tenant</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="hide-phone">
                      Created
                    </th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {res.value.tenants.map((t) => (
                    <tr key={t.id}>
                      <td>
                        <Link className="row-title" href={`/admin/tenants/${encodeURIComponent(t.id)}`}>
                          {t.name}
                        </Link>
                        <div className="row-sub mono">{t.id}</div>
                      </td>
                      <td>
                        <Badge>{t.status}</Badge>
                      </td>
                      <td className="hide-phone muted small">{formatDay(t.createdAt)}</td>
                      <td className="num">
                        <span style={{ display: 'inline-flex', gap: 8 }}>
                          <Link className="btn btn-sm" href={`/t/${encodeURIComponent(t.id)}`}>
                            Open portal
                          </Link>
                          <ActionForm
                            label={`${t.status === 'active' ? 'Suspend' : 'Resume'} ${t.id}`}
                            action={setTenantStatus.bind(null, t.id, t.status === 'active' ? 'suspend' : 'resume')}
                            submitLabel={t.status === 'active' ? 'Suspend' : 'Resume'}
                            variant={t.status === 'active' ? 'danger' : 'default'}
                            className="form-row"
                          />
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="New tenant">
          <ActionForm action={createTenant} submitLabel="Create tenant" label="Create a tenant">
            <div className="field">
              <label htmlFor="tenant-id">Id</label>
              <input id="tenant-id" name="id" required pattern="[a-z0-9][a-z0-9-]{1,62}" placeholder="acme" />
              <span className="help">Lower-case letters, digits and dashes; used in URLs and lake paths.</span>
            </div>
            <div className="field">
              <label htmlFor="tenant-name">Name</label>
              <input id="tenant-name" name="name" required maxLength={200} placeholder="Acme Corp" />
            </div>
          </ActionForm>
        </Card>
      </div>
    </>
  );
}
