import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form.component.tsx';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; expired?: string }> }) {
  const { next, expired } = await searchParams;
  return (
    <div className="auth">
      <div className="card auth-card">
        <div className="brand" style={{ color: 'var(--c-text)', padding: 0 }}>
          <span className="brand-mark" aria-hidden="true">
            OF
          </span>
          Open FinOps
        </div>
        <div>
          <h1>Sign in</h1>
          <p className="muted" style={{ margin: '4px 0 0' }}>
            Cloud cost, savings and findings for your organisation.
          </p>
        </div>
        {expired ? <div className="callout">Your session ended. Sign in again to continue.</div> : null}
        <SignInForm next={typeof next === 'string' ? next : '/'} />
      </div>
    </div>
  );
}
