'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  ['members', 'Members'],
  ['accounts', 'Cloud accounts'],
  ['schedules', 'Schedules'],
  ['runs', 'Runs'],
  ['checkers', 'Checkers'],
] as const;

export function TenantTabs({ tenantId }: { tenantId: string }) {
  const pathname = usePathname();
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}`;
  return (
    <nav className="tabs" aria-label="Tenant administration">
      {TABS.map(([slug, label]) => {
        const href = `${base}/${slug}`;
        return (
          <Link key={slug} href={href} aria-current={pathname === href || pathname.startsWith(`${href}/`) ? 'page' : undefined}>
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
