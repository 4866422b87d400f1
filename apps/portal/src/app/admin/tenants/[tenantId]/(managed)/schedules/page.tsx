import type { Metadata } from 'next';
import { ActionForm } from '../../../../../../components/action-form.component.tsx';
import { ListCard, ListWithCreateForm } from '../../../../../../components/data-list.component.tsx';
import { FormField } from '../../../../../../components/form-field.component.tsx';
import { Badge } from '../../../../../../components/ui.component.tsx';
import { adminTenantPath, api, attempt } from '../../../../../../lib/api-client.server.ts';
import type { CloudAccount, Schedule } from '../../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../../lib/format.util.ts';
import { createSchedule, deleteSchedule, setScheduleEnabled } from '../../../../admin.actions.ts';
import { RunKindFields } from '../../run-kind-fields.component.tsx';

export const metadata: Metadata = { title: 'Schedules' };

export default async function SchedulesPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [res, accounts] = await Promise.all([
    attempt(api<{ schedules: Schedule[] }>(adminTenantPath(tenantId, '/schedules')).then((r) => r.schedules)),
    attempt(api<{ accounts: CloudAccount[] }>(adminTenantPath(tenantId, '/accounts')).then((r) => r.accounts)),
  ]);
  const accountList = accounts.ok ? accounts.value : [];
  const accountName = new Map(accountList.map((a) => [a.id, a.name]));
  return (
    <ListWithCreateForm
      list={
        <ListCard
          title="Schedules"
          hint="A check run also follows every successful import."
          result={res}
          empty={{ title: 'Nothing scheduled', body: 'Imports and checks run only when triggered.' }}
          testId="schedules-table"
          rowKey={(s) => s.id}
          columns={[
            {
              header: 'Kind',
              cell: (s) => (
                <>
                  <Badge>{s.kind}</Badge> {s.enabled ? null : <Badge>paused</Badge>}
                  <div className="row-sub">{s.cloudAccountId ? (accountName.get(s.cloudAccountId) ?? s.cloudAccountId) : 'all accounts'}</div>
                </>
              ),
            },
            {
              header: 'When',
              className: 'mono small',
              cell: (s) => (
                <>
                  {s.cron}
                  <div className="row-sub">{s.timezone}</div>
                </>
              ),
            },
            { header: 'Next run', className: 'hide-phone small', cell: (s) => (s.enabled ? formatDateTime(s.nextRunAt) : '—') },
            {
              header: 'Actions',
              hiddenHeader: true,
              cell: (s) => (
                <div className="form-row" style={{ justifyContent: 'flex-end' }}>
                  <ActionForm label={`${s.enabled ? 'Pause' : 'Resume'} schedule`} action={setScheduleEnabled.bind(null, tenantId, s.id, !s.enabled)} submitLabel={s.enabled ? 'Pause' : 'Resume'} variant="default" />
                  <ActionForm label="Delete schedule" action={deleteSchedule.bind(null, tenantId, s.id)} submitLabel="Delete" variant="danger" />
                </div>
              ),
            },
          ]}
        />
      }
      formTitle="New schedule"
      action={createSchedule.bind(null, tenantId)}
      submitLabel="Create schedule"
      formLabel="Create a schedule"
    >
      <RunKindFields idPrefix="sch" accounts={accountList} />
      <FormField id="sch-cron" name="cron" label="Cron" required defaultValue="0 6 * * *" className="mono" help="Minute hour day month weekday, e.g. “0 6 * * *” daily at 06:00." />
      <FormField id="sch-tz" name="timezone" label="Time zone" placeholder="UTC" defaultValue="UTC" />
    </ListWithCreateForm>
  );
}
