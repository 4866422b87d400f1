import { redirect } from 'next/navigation';

export default async function AdminTenantIndex({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  redirect(`/admin/tenants/${encodeURIComponent(tenantId)}/members`);
}
