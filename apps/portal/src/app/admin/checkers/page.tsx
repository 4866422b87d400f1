import type { Metadata } from 'next';
import { Badge, Card, ErrorState, PageHeader, ProviderBadge } from '../../../components/ui.component.tsx';
import { api, attempt } from '../../../lib/api-client.server.ts';
import type { CheckerCatalogEntry } from '../../../lib/api.types.ts';

export const metadata: Metadata = { title: 'Checker catalog' };

export default async function CheckerCatalogPage() {
  const res = await attempt(api<{ checkers: CheckerCatalogEntry[] }>('/admin/checkers'));
  return (
    <>
      <PageHeader title="Checker catalog" description="Every checker loaded by this installation (built-ins and plugins). Enable and configure them per tenant." />
      <Card flush>
        {!res.ok ? (
          <ErrorState error={res.error} />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Checker</th>
                  <th scope="col">Provider</th>
                  <th scope="col" className="hide-phone">
                    Category
                  </th>
                  <th scope="col" className="hide-phone">
                    Severity
                  </th>
                  <th scope="col" className="hide-phone">
                    Version
                  </th>
                </tr>
              </thead>
              <tbody>
                {res.value.checkers.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <div className="row-title">{c.title}</div>
                      <div className="row-sub mono">{c.id}</div>
                      <div className="small muted" style={{ maxWidth: 640 }}>
                        {c.description}
                      </div>
                    </td>
                    <td>{c.provider ? <ProviderBadge provider={c.provider} /> : null}</td>
                    <td className="hide-phone">{c.category}</td>
                    <td className="hide-phone">{c.severity ? <Badge>{c.severity}</Badge> : null}</td>
                    <td className="hide-phone mono small">{c.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
