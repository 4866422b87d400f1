import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../components/action-form.component.tsx';
import { ListCard, ListWithCreateForm } from '../../components/data-list.component.tsx';
import { FormField } from '../../components/form-field.component.tsx';
import { Badge, PageHeader } from '../../components/ui.component.tsx';
import { api, attempt } from '../../lib/api-client.server.ts';
import type { AdminTenant } from '../../lib/api.types.ts';
import { formatDay } from '../../lib/format.util.ts';
import { createTenant, setTenantStatus } from './admin.actions.ts';

export const metadata: Metadata = { title: 'Tenants' };

export default async function TenantsPage() {
  const res = await attempt(api<{ tenants: AdminTenant[] }>('/admin/tenants').then((r) => r.tenants));
  return (
    <>
      <PageHeader title="Tenants" description="Operator console: every organisation on this installation." />
      <ListWithCreateForm
        list={
          <ListCard
            title="All tenants"
            result={res}
            empty={{ title: 'No tenants yet', body: 'Create the first one on the right.' }}
            testId="tenants-table"
            rowKey={(t) => t.id}
            columns={[
              {
                header: 'Tenant',
                cell: (t) => (
                  <>
                    <Link className="row-title" href={`/admin/tenants/${encodeURIComponent(t.id)}`}>
                      {t.name}
                    </Link>
                    <div className="row-sub mono">{t.id}</div>
                  </>
                ),
              },
              { header: 'Status', cell: (t) => <Badge>{t.status}</Badge> },
              { header: 'Created', className: 'hide-phone muted small', cell: (t) => formatDay(t.createdAt) },
              {
                header: 'Actions',
                hiddenHeader: true,
                className: 'num',
                cell: (t) => (
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
                ),
              },
            ]}
          />
        }
        formTitle="New tenant"
        action={createTenant}
        submitLabel="Create tenant"
        formLabel="Create a tenant"
      >
        <FormField id="tenant-id" name="id" label="Id" required pattern="[a-z0-9][a-z0-9-]{1,62}" placeholder="acme" help="Lower-case letters, digits and dashes; used in URLs and lake paths." />
        <FormField id="tenant-name" name="name" label="Name" required maxLength={200} placeholder="Acme Corp" />
      </ListWithCreateForm>
    </>
  );
}
