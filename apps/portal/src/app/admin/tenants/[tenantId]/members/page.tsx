import type { Metadata } from 'next';
import { ActionForm } from '../../../../../components/action-form.component.tsx';
import { Badge, Card, EmptyState, ErrorState } from '../../../../../components/ui.component.tsx';
import { api, attempt } from '../../../../../lib/api-client.server.ts';
import type { Member } from '../../../../../lib/api.types.ts';
import { formatDay } from '../../../../../lib/format.util.ts';
import { addMember, removeMember } from '../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const res = await attempt(api<{ members: Member[] }>(`/admin/tenants/${encodeURIComponent(tenantId)}/members`));
  return (
    <div className="split">
      <Card title="Members" flush>
        {!res.ok ? (
          <ErrorState error={res.error} />
        ) : res.value.members.length === 0 ? (
          <EmptyState title="No members yet">Add the first user on the right.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col" className="hide-phone">
                    Since
                  </th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {res.value.members.map((m) => (
                  <tr key={m.userId}>
                    <td>
                      {m.email} {m.disabled ? <Badge tone="badge-danger">disabled</Badge> : null}
                    </td>
                    <td>
                      <Badge>{m.role}</Badge>
                    </td>
                    <td className="hide-phone muted small">{formatDay(m.createdAt)}</td>
                    <td className="num">
                      <ActionForm label={`Remove ${m.email}`} action={removeMember.bind(null, tenantId, m.userId)} submitLabel="Remove" variant="danger" className="form-row" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Add member" hint="An unknown email gets a new user with a one-time password.">
        <ActionForm action={addMember.bind(null, tenantId)} submitLabel="Add member" label="Add a member">
          <div className="field">
            <label htmlFor="member-email">Email</label>
            <input id="member-email" name="email" type="email" required />
          </div>
          <div className="field">
            <label htmlFor="member-role">Role</label>
            <select id="member-role" name="role" defaultValue="viewer">
              <option value="viewer">Viewer: read</option>
              <option value="analyst">Analyst: suppress and reopen findings</option>
              <option value="admin">Admin: accounts, schedules, members</option>
              <option value="owner">Owner</option>
            </select>
          </div>
        </ActionForm>
      </Card>
    </div>
  );
}
