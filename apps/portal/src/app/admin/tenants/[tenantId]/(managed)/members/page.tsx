import type { Metadata } from 'next';
import { ActionForm } from '../../../../../../components/action-form.component.tsx';
import { ListCard, ListWithCreateForm } from '../../../../../../components/data-list.component.tsx';
import { FormField } from '../../../../../../components/form-field.component.tsx';
import { Badge } from '../../../../../../components/ui.component.tsx';
import { adminTenantPath, api, attempt } from '../../../../../../lib/api-client.server.ts';
import type { Member } from '../../../../../../lib/api.types.ts';
import { formatDay } from '../../../../../../lib/format.util.ts';
import { addMember, removeMember } from '../../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const res = await attempt(api<{ members: Member[] }>(adminTenantPath(tenantId, '/members')).then((r) => r.members));
  return (
    <ListWithCreateForm
      list={
        <ListCard
          title="Members"
          result={res}
          empty={{ title: 'No members yet', body: 'Add the first user on the right.' }}
          testId="members-table"
          rowKey={(m) => m.userId}
          columns={[
            {
              header: 'User',
              cell: (m) => (
                <>
                  {m.email} {m.disabled ? <Badge tone="badge-danger">disabled</Badge> : null}
                </>
              ),
            },
            { header: 'Role', cell: (m) => <Badge>{m.role}</Badge> },
            { header: 'Since', className: 'hide-phone muted small', cell: (m) => formatDay(m.createdAt) },
            {
              header: 'Actions',
              hiddenHeader: true,
              className: 'num',
              cell: (m) => <ActionForm label={`Remove ${m.email}`} action={removeMember.bind(null, tenantId, m.userId)} submitLabel="Remove" variant="danger" className="form-row" />,
            },
          ]}
        />
      }
      formTitle="Add member"
      formHint="An unknown email gets a new user with a one-time password."
      action={addMember.bind(null, tenantId)}
      submitLabel="Add member"
      formLabel="Add a member"
    >
      <FormField id="member-email" name="email" label="Email" type="email" required />
      <FormField id="member-role" name="role" label="Role">
        <select id="member-role" name="role" defaultValue="viewer">
          <option value="viewer">Viewer: read</option>
          <option value="analyst">Analyst: suppress and reopen findings</option>
          <option value="admin">Admin: accounts, schedules, members</option>
          <option value="owner">Owner</option>
        </select>
      </FormField>
    </ListWithCreateForm>
  );
}
