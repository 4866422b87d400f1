import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '../../../../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState } from '../../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../../lib/api-client.server.ts';
import type { CloudAccount, RunView } from '../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../lib/format.util.ts';
import { triggerRun } from '../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Runs' };

function duration(r: RunView): string {
  if (!r.startedAt || !r.finishedAt) return r.startedAt ? 'running' : '—';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export default async function RunsPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<{ status?: string; kind?: string }> }) {
  const { tenantId } = await params;
  const { status, kind } = await searchParams;
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}`;
  const [res, accounts] = await Promise.all([
    attempt(api<{ runs: RunView[] }>(`${base}/runs`, { query: { limit: 100, status, kind } })),
    attempt(api<{ accounts: CloudAccount[] }>(`${base}/accounts`)),
  ]);
  return (
    <div className="split">
      <Card
        title="Run history"
        flush
        actions={
          <form method="get" className="form-row" aria-label="Filter runs">
            <select name="kind" defaultValue={kind ?? ''} aria-label="Kind">
              <option value="">All kinds</option>
              <option value="import">Import</option>
              <option value="inventory">Inventory</option>
              <option value="check">Check</option>
            </select>
            <select name="status" defaultValue={status ?? ''} aria-label="Status">
              <option value="">Any status</option>
              {['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <button className="btn btn-sm" type="submit">
              Filter
            </button>
          </form>
        }
      >
        {!res.ok ? (
          <ErrorState error={res.error} />
        ) : res.value.runs.length === 0 ? (
          <EmptyState title="No runs">Trigger one on the right, or add a schedule.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="runs-table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="hide-phone">
                    Created
                  </th>
                  <th scope="col" className="num hide-phone">
                    Took
                  </th>
                </tr>
              </thead>
              <tbody>
                {res.value.runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link className="row-title mono small" href={`${base}/runs/${encodeURIComponent(r.id)}`}>
                        {r.id}
                      </Link>
                      <div className="row-sub">
                        {r.kind}
                        {r.checkId ? ` · ${r.checkId}` : ''}
                      </div>
                    </td>
                    <td>
                      <Badge>{r.status}</Badge>
                      {r.attempts > 1 ? <div className="row-sub">attempt {r.attempts}</div> : null}
                    </td>
                    <td className="hide-phone small muted">{formatDateTime(r.createdAt)}</td>
                    <td className="num hide-phone small">{duration(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Run now">
        <ActionForm action={triggerRun.bind(null, tenantId)} submitLabel="Queue run" label="Trigger a run">
          <div className="field">
            <label htmlFor="run-kind">Kind</label>
            <select id="run-kind" name="kind" defaultValue="import">
              <option value="import">Import billing</option>
              <option value="inventory">Collect inventory</option>
              <option value="check">Run checks</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="run-account">Cloud account</label>
            <select id="run-account" name="cloudAccountId" defaultValue="">
              <option value="">All accounts</option>
              {(accounts.ok ? accounts.value.accounts : []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.provider})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="run-check">
              Check <span className="help">(check runs only; empty = all enabled)</span>
            </label>
            <input id="run-check" name="checkId" placeholder="aws/ebs-unattached" />
          </div>
        </ActionForm>
      </Card>
    </div>
  );
}
