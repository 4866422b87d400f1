import Link from 'next/link';
import type { ReactNode } from 'react';
import { signOut } from '../app/auth.actions.ts';
import type { Me } from '../lib/api.types.ts';
import { managedTenantIds } from '../lib/console-access.ts';
import { NavLink } from './nav-link.component.tsx';
import { TenantSwitcher } from './tenant-switcher.component.tsx';

/** Sidebar navigation for one tenant (or the operator console), tenant switcher, and the signed-in user. */
export function AppShell({ me, tenantId, tenantName, children, console: isConsole }: {
  me: Me;
  tenantId: string | null;
  tenantName?: string;
  children: ReactNode;
  console?: boolean;
}) {
  const base = tenantId ? `/t/${encodeURIComponent(tenantId)}` : null;
  const managed = managedTenantIds(me);
  const tenants = me.memberships.map((m) => ({ id: m.tenantId, label: m.tenantId === tenantId && tenantName ? tenantName : m.tenantId }));
  if (tenantId && !tenants.some((t) => t.id === tenantId)) tenants.unshift({ id: tenantId, label: tenantName ?? tenantId });
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Main">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            OF
          </span>
          Open FinOps
        </Link>
        {tenants.length > 1 || (me.isPlatformAdmin && tenants.length > 0) ? <TenantSwitcher current={tenantId} tenants={tenants} /> : null}
        <nav className="nav" aria-label={isConsole ? 'Operator console' : 'Tenant'}>
          {base && !isConsole ? (
            <>
              <div className="nav-section">{tenantName ?? tenantId}</div>
              <NavLink href={base} exact>
                Overview
              </NavLink>
              <NavLink href={`${base}/costs`}>Cost explorer</NavLink>
              <NavLink href={`${base}/savings`}>Savings</NavLink>
              <NavLink href={`${base}/findings`}>Findings</NavLink>
            </>
          ) : null}
          {me.isPlatformAdmin ? (
            <>
              <div className="nav-section">Operator</div>
              <NavLink href="/admin">Tenants</NavLink>
              <NavLink href="/admin/checkers">Checker catalog</NavLink>
            </>
          ) : managed.length > 0 ? (
            <>
              <div className="nav-section">Administration</div>
              <NavLink href={tenantId && managed.includes(tenantId) ? `/admin/tenants/${encodeURIComponent(tenantId)}` : '/admin'}>Manage tenant</NavLink>
            </>
          ) : null}
        </nav>
        <div className="sidebar-foot">
          <span className="who" title={me.email}>
            {me.email}
          </span>
          <form action={signOut}>
            <button type="submit" className="btn btn-sm btn-ghost" style={{ color: '#cbd5e1' }}>
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main id="main" className="main">
        <div className="main-inner">{children}</div>
      </main>
    </div>
  );
}
