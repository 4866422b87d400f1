import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { Badge, PageHeader } from '../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../lib/api-client.server.ts';
import type { AdminTenant } from '../../../../lib/api.types.ts';
import { managesTenant } from '../../../../lib/console-access.ts';
import { getMe, getTenant } from '../../../../lib/me.server.ts';
import { TenantTabs } from './tenant-tabs.component.tsx';

export default async function AdminTenantLayout({ children, params }: { children: ReactNode; params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const me = await getMe();
  // A tenant's owners and admins see their own tenant's console (members, accounts, schedules); nobody else's.
  if (!managesTenant(me, tenantId)) notFound();
  const res = me.isPlatformAdmin
    ? await attempt(api<AdminTenant>(`/admin/tenants/${encodeURIComponent(tenantId)}`))
    : await attempt(getTenant(tenantId));
  if (!res.ok && (res.error.status === 404 || res.error.status === 400)) notFound();
  const tenant = res.ok ? res.value : null;
  return (
    <>
      <PageHeader
        title={tenant?.name ?? tenantId}
        description={
          <>
            <span className="mono">{tenantId}</span> {tenant ? <Badge>{tenant.status}</Badge> : null}
          </>
        }
        actions={
          <Link className="btn" href={`/t/${encodeURIComponent(tenantId)}`}>
            Open tenant portal
          </Link>
        }
      />
      <TenantTabs tenantId={tenantId} platformAdmin={me.isPlatformAdmin} />
      {children}
    </>
  );
}
