import type { Metadata } from 'next';
import { ListCard } from '../../../components/data-list.component.tsx';
import { Badge, PageHeader, ProviderBadge } from '../../../components/ui.component.tsx';
import { api, attempt } from '../../../lib/api-client.server.ts';
import type { CheckerCatalogEntry } from '../../../lib/api.types.ts';
import { requirePlatformAdmin } from '../../../lib/me.server.ts';

export const metadata: Metadata = { title: 'Checker catalog' };

export default async function CheckerCatalogPage() {
  await requirePlatformAdmin();
  const res = await attempt(api<{ checkers: CheckerCatalogEntry[] }>('/admin/checkers').then((r) => r.checkers));
  return (
    <>
      <PageHeader title="Checker catalog" description="Every checker loaded by this installation (built-ins and plugins). Enable and configure them per tenant." />
      <ListCard
        result={res}
        empty={{ title: 'No checkers loaded', body: 'Built-in checkers come with the API; plugins are listed in FINOPS_CHECKER_PACKAGES.' }}
        testId="checkers-table"
        rowKey={(c) => c.id}
        columns={[
          {
            header: 'Checker',
            cell: (c) => (
              <>
                <div className="row-title">{c.title}</div>
                <div className="row-sub mono">{c.id}</div>
                <div className="small muted" style={{ maxWidth: 640 }}>
                  {c.description}
                </div>
              </>
            ),
          },
          { header: 'Provider', cell: (c) => (c.provider ? <ProviderBadge provider={c.provider} /> : null) },
          { header: 'Category', className: 'hide-phone', cell: (c) => c.category },
          { header: 'Severity', className: 'hide-phone', cell: (c) => (c.severity ? <Badge>{c.severity}</Badge> : null) },
          { header: 'Version', className: 'hide-phone mono small', cell: (c) => c.version },
        ]}
      />
    </>
  );
}
