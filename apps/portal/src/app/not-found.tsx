import Link from 'next/link';
import { EmptyState } from '../components/ui.component.tsx';

export default function TenantNotFound() {
  return (
    <div className="auth">
      <div className="card auth-card">
        <EmptyState title="Not found" icon="?">
          This page does not exist or you do not have access to it.
        </EmptyState>
        <Link href="/" className="btn">
          Back to start
        </Link>
      </div>
    </div>
  );
}
