import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '../../components/app-shell.component.tsx';
import { canUseConsole } from '../../lib/console-access.ts';
import { getMe } from '../../lib/me.server.ts';

/** Platform admins, and tenant owners/admins for their tenants. Everyone else gets the same 404 as for a page that does not exist (the API enforces it too). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const me = await getMe();
  if (!canUseConsole(me)) notFound();
  return (
    <AppShell me={me} tenantId={null} console>
      {children}
    </AppShell>
  );
}
