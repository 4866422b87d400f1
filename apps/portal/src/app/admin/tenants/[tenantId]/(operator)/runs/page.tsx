import type { Metadata } from 'next';
import Link from 'next/link';
import { ListCard, ListWithCreateForm } from '../../../../../../components/data-list.component.tsx';
import { FormField } from '../../../../../../components/form-field.component.tsx';
import { Badge } from '../../../../../../components/ui.component.tsx';
import { adminTenantPath, api, attempt } from '../../../../../../lib/api-client.server.ts';
import type { CloudAccount, RunView } from '../../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../../lib/format.util.ts';
import { triggerRun } from '../../../../admin.actions.ts';
import { RunKindFields } from '../../run-kind-fields.component.tsx';

export const metadata: Metadata = { title: 'Runs' };

function duration(r: RunView): string {
  if (!r.startedAt || !r.finishedAt) return r.startedAt ? 'running' : '—';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export default async function RunsPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<{ status?: string; kind?: string }> }) {
  const { tenantId } = await params;
  const { status, kind } = await searchParams;
  const [res, accounts] = await Promise.all([
    attempt(api<{ runs: RunView[] }>(adminTenantPath(tenantId, '/runs'), { query: { limit: 100, status, kind } }).then((r) => r.runs)),
    attempt(api<{ accounts: CloudAccount[] }>(adminTenantPath(tenantId, '/accounts')).then((r) => r.accounts)),
  ]);
  const runPath = (r: RunView) => `/admin/tenants/${encodeURIComponent(tenantId)}/runs/${encodeURIComponent(r.id)}`;
  return (
    <ListWithCreateForm
      list={
        <ListCard
          title="Run history"
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
          result={res}
          empty={{ title: 'No runs', body: 'Trigger one on the right, or add a schedule.' }}
          testId="runs-table"
          rowKey={(r) => r.id}
          columns={[
            {
              header: 'Run',
              cell: (r) => (
                <>
                  <Link className="row-title mono small" href={runPath(r)}>
                    {r.id}
                  </Link>
                  <div className="row-sub">
                    {r.kind}
                    {r.checkId ? ` · ${r.checkId}` : ''}
                  </div>
                </>
              ),
            },
            {
              header: 'Status',
              cell: (r) => (
                <>
                  <Badge>{r.status}</Badge>
                  {r.attempts > 1 ? <div className="row-sub">attempt {r.attempts}</div> : null}
                </>
              ),
            },
            { header: 'Created', className: 'hide-phone small muted', cell: (r) => formatDateTime(r.createdAt) },
            { header: 'Took', className: 'num hide-phone small', cell: duration },
          ]}
        />
      }
      formTitle="Run now"
      action={triggerRun.bind(null, tenantId)}
      submitLabel="Queue run"
      formLabel="Trigger a run"
    >
      <RunKindFields idPrefix="run" accounts={accounts.ok ? accounts.value : []} />
      <FormField id="run-check" name="checkId" label="Check" placeholder="aws/ebs-unattached" help="Check runs only; empty runs every enabled checker." />
    </ListWithCreateForm>
  );
}
