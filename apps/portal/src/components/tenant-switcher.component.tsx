'use client';
import { useRouter } from 'next/navigation';

export function TenantSwitcher({ current, tenants }: { current: string | null; tenants: Array<{ id: string; label: string }> }) {
  const router = useRouter();
  return (
    <div className="field">
      <label htmlFor="tenant-switcher">Tenant</label>
      <select id="tenant-switcher" value={current ?? ''} onChange={(e) => router.push(`/t/${encodeURIComponent(e.target.value)}`)}>
        {current === null ? <option value="">Choose a tenant…</option> : null}
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
    </div>
  );
}
