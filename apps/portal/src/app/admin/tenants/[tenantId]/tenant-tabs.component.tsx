'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** [slug, label, platform admins only] — the last flag mirrors the API (runs and checker settings are operator routes). */
const TABS = [
  ['members', 'Members', false],
  ['accounts', 'Cloud accounts', false],
  ['schedules', 'Schedules', false],
  ['runs', 'Runs', true],
  ['checkers', 'Checkers', true],
] as const;

export function TenantTabs({ tenantId, platformAdmin }: { tenantId: string; platformAdmin: boolean }) {
  const pathname = usePathname();
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}`;
  return (
    <nav className="tabs" aria-label="Tenant administration">
      {TABS.filter(([, , operatorOnly]) => platformAdmin || !operatorOnly).map(([slug, label]) => {
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
