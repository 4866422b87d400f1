import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '../../../components/app-shell.component.tsx';
import { ErrorState } from '../../../components/ui.component.tsx';
import { attempt } from '../../../lib/api-client.server.ts';
import { getMe, getTenant } from '../../../lib/me.server.ts';

/** The API decides who may see a tenant: an unknown tenant and someone else's tenant are the same 404. */
export default async function TenantLayout({ children, params }: { children: ReactNode; params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const me = await getMe();
  const tenant = await attempt(getTenant(tenantId));
  if (!tenant.ok) {
    if (tenant.error.status === 404 || tenant.error.status === 400) notFound();
    return (
      <AppShell me={me} tenantId={tenantId}>
        <div className="card">
          <ErrorState error={tenant.error} title={tenant.error.code === 'TENANT_SUSPENDED' ? 'This tenant is suspended' : 'This tenant could not be loaded'} />
        </div>
      </AppShell>
    );
  }
  return (
    <AppShell me={me} tenantId={tenantId} tenantName={tenant.value.name}>
      {children}
    </AppShell>
  );
}
