import { redirect } from 'next/navigation';
import { EmptyState } from '../components/ui.component.tsx';
import { getMe } from '../lib/me.server.ts';
import { signOut } from './auth.actions.ts';

/** Lands members on their first tenant and operators without memberships in the console. */
export default async function Home() {
  const me = await getMe();
  const first = me.memberships[0];
  if (first) redirect(`/t/${encodeURIComponent(first.tenantId)}`);
  if (me.isPlatformAdmin) redirect('/admin');
  return (
    <div className="auth">
      <div className="card auth-card">
        <EmptyState title="No tenant yet" icon="🔒">
          {me.email} is not a member of any tenant. Ask your operator to add you.
        </EmptyState>
        <form action={signOut}>
          <button className="btn" type="submit" style={{ width: '100%' }}>
            Sign out
          </button>
        </form>
      </div>
    </div>
  );
}
