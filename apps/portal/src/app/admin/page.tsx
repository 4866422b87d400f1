import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../components/action-form.component.tsx';
import { ListCard, ListWithCreateForm } from '../../components/data-list.component.tsx';
import { FormField } from '../../components/form-field.component.tsx';
import { Badge, PageHeader } from '../../components/ui.component.tsx';
import { api, attempt } from '../../lib/api-client.server.ts';
import type { AdminTenant, Me } from '../../lib/api.types.ts';
import { managedTenantIds } from '../../lib/console-access.ts';
import { getMe, getTenant } from '../../lib/me.server.ts';
import { formatDay } from '../../lib/format.util.ts';
import { createTenant, setTenantStatus } from './admin.actions.ts';

export const metadata: Metadata = { title: 'Tenants' };

/** Name (linking to the tenant's console) over its id; both lists below use it. */
const tenantColumn = {
  header: 'Tenant',
  cell: (t: { id: string; name: string }) => (
    <>
      <Link className="row-title" href={`/admin/tenants/${encodeURIComponent(t.id)}`}>
        {t.name}
      </Link>
      <div className="row-sub mono">{t.id}</div>
    </>
  ),
};

/** A tenant owner's or admin's console home: the tenants they manage, nothing platform-wide. */
async function ManagedTenants({ me }: { me: Me }) {
  const res = await attempt(Promise.all(managedTenantIds(me).map((id) => getTenant(id))));
  return (
    <>
      <PageHeader title="Administration" description="Members, cloud accounts and schedules of the tenants you own or administer." />
      <ListCard
        title="Your tenants"
        result={res}
        empty={{ title: 'No tenants to administer', body: 'Owners and admins of a tenant manage it here.' }}
        testId="tenants-table"
        rowKey={(t) => t.id}
        columns={[
          tenantColumn,
          { header: 'Your role', cell: (t) => <Badge>{t.role ?? ''}</Badge> },
          { header: 'Status', cell: (t) => <Badge>{t.status}</Badge> },
          {
            header: 'Actions',
            hiddenHeader: true,
            className: 'num',
            cell: (t) => (
              <Link className="btn btn-sm" href={`/t/${encodeURIComponent(t.id)}`}>
                Open portal
              </Link>
            ),
          },
        ]}
      />
    </>
  );
}

export default async function TenantsPage() {
  const me = await getMe();
  if (!me.isPlatformAdmin) return <ManagedTenants me={me} />;
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
              tenantColumn,
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
