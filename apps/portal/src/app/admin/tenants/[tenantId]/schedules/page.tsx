import type { Metadata } from 'next';
import { ActionForm } from '../../../../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState } from '../../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../../lib/api-client.server.ts';
import type { CloudAccount, Schedule } from '../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../lib/format.util.ts';
import { createSchedule, deleteSchedule, setScheduleEnabled } from '../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Schedules' };

export default async function SchedulesPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const base = `/admin/tenants/${encodeURIComponent(tenantId)}`;
  const [res, accounts] = await Promise.all([attempt(api<{ schedules: Schedule[] }>(`${base}/schedules`)), attempt(api<{ accounts: CloudAccount[] }>(`${base}/accounts`))]);
  const accountName = new Map((accounts.ok ? accounts.value.accounts : []).map((a) => [a.id, a.name]));
  return (
    <div className="split">
      <Card title="Schedules" hint="A check run also follows every successful import." flush>
        {!res.ok ? (
          <ErrorState error={res.error} />
        ) : res.value.schedules.length === 0 ? (
          <EmptyState title="Nothing scheduled">Imports and checks run only when triggered.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">When</th>
                  <th scope="col" className="hide-phone">
                    Next run
                  </th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {res.value.schedules.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Badge>{s.kind}</Badge> {s.enabled ? null : <Badge>paused</Badge>}
                      <div className="row-sub">{s.cloudAccountId ? (accountName.get(s.cloudAccountId) ?? s.cloudAccountId) : 'all accounts'}</div>
                    </td>
                    <td className="mono small">
                      {s.cron}
                      <div className="row-sub">{s.timezone}</div>
                    </td>
                    <td className="hide-phone small">{s.enabled ? formatDateTime(s.nextRunAt) : '—'}</td>
                    <td>
                      <div className="form-row" style={{ justifyContent: 'flex-end' }}>
                        <ActionForm label={`${s.enabled ? 'Pause' : 'Resume'} schedule`} action={setScheduleEnabled.bind(null, tenantId, s.id, !s.enabled)} submitLabel={s.enabled ? 'Pause' : 'Resume'} variant="default" />
                        <ActionForm label="Delete schedule" action={deleteSchedule.bind(null, tenantId, s.id)} submitLabel="Delete" variant="danger" />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="New schedule">
        <ActionForm action={createSchedule.bind(null, tenantId)} submitLabel="Create schedule" label="Create a schedule">
          <div className="field">
            <label htmlFor="sch-kind">Kind</label>
            <select id="sch-kind" name="kind" defaultValue="import">
              <option value="import">Import billing</option>
              <option value="inventory">Collect inventory</option>
              <option value="check">Run checks</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="sch-cron">Cron</label>
            <input id="sch-cron" name="cron" required defaultValue="0 6 * * *" className="mono" />
            <span className="help">Minute hour day month weekday, e.g. “0 6 * * *” daily at 06:00.</span>
          </div>
          <div className="field">
            <label htmlFor="sch-tz">Time zone</label>
            <input id="sch-tz" name="timezone" placeholder="UTC" defaultValue="UTC" />
          </div>
          <div className="field">
            <label htmlFor="sch-account">Cloud account</label>
            <select id="sch-account" name="cloudAccountId" defaultValue="">
              <option value="">All accounts</option>
              {(accounts.ok ? accounts.value.accounts : []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.provider})
                </option>
              ))}
            </select>
          </div>
        </ActionForm>
      </Card>
    </div>
  );
}
