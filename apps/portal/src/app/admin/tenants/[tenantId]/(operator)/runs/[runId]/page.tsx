import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ActionForm } from '../../../../../../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState } from '../../../../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../../../../lib/api-client.server.ts';
import type { RunDetail } from '../../../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../../../lib/format.util.ts';
import { runAction } from '../../../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params }: { params: Promise<{ tenantId: string; runId: string }> }) {
  const { tenantId, runId } = await params;
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}`;
  const res = await attempt(api<RunDetail>(`${base}/runs/${encodeURIComponent(runId)}`, { query: { limit: 1000 } }));
  if (!res.ok && (res.error.status === 404 || res.error.status === 400)) notFound();
  if (!res.ok) return <ErrorState error={res.error} />;
  const r = res.value;
  const retryable = r.status === 'failed' || r.status === 'cancelled';
  const cancellable = r.status === 'queued' || r.status === 'running';
  return (
    <>
      <Link href={`${base}/runs`} className="small">
        ← All runs
      </Link>
      <div className="grid grid-3">
        <Card title="Run">
          <dl className="kv">
            <dt>Id</dt>
            <dd className="mono small">{r.id}</dd>
            <dt>Kind</dt>
            <dd>
              {r.kind}
              {r.checkId ? ` · ${r.checkId}` : ''}
            </dd>
            <dt>Status</dt>
            <dd>
              <Badge>{r.status}</Badge>
            </dd>
            <dt>Attempts</dt>
            <dd>
              {r.attempts}
              {r.maxAttempts ? ` of ${r.maxAttempts}` : ''}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(r.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(r.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(r.finishedAt)}</dd>
          </dl>
          <div className="form-row" style={{ marginTop: 16 }}>
            {retryable ? <ActionForm label="Retry run" action={runAction.bind(null, tenantId, r.id, 'retry')} submitLabel="Retry" /> : null}
            {cancellable ? <ActionForm label="Cancel run" action={runAction.bind(null, tenantId, r.id, 'cancel')} submitLabel="Cancel" variant="danger" /> : null}
          </div>
        </Card>
        <Card title="Result" className="span-2">
          {r.error ? (
            <div className="form-error" role="alert" style={{ marginBottom: 12 }}>
              {r.error}
            </div>
          ) : null}
          {r.stats ? <pre className="code">{JSON.stringify(r.stats, null, 2)}</pre> : <p className="muted">No statistics recorded.</p>}
        </Card>
      </div>
      <Card title="Log" hint={`${r.logs.length} line(s), UTC`} flush>
        {r.logs.length === 0 ? (
          <EmptyState title="No log lines">This run has not written any log lines.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table mono" style={{ fontSize: 12 }} data-testid="run-log">
              <tbody>
                {r.logs.map((l) => (
                  <tr key={l.id}>
                    <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                      {l.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}
                    </td>
                    <td>
                      <Badge tone={l.level === 'error' ? 'badge-danger' : l.level === 'warn' ? 'badge-warning' : undefined}>{l.level}</Badge>
                    </td>
                    <td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      {l.message}
                      {l.fields && Object.keys(l.fields).length ? <span className="muted"> {JSON.stringify(l.fields)}</span> : null}
                    </td>
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
