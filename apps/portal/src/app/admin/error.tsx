'use client';
import { ErrorState } from '../../components/ui.component.tsx';

export default function TenantError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card">
      <ErrorState error={{ message: error.digest ? `Something went wrong while loading this page (reference ${error.digest}).` : error.message }} />
      <div style={{ display: 'flex', justifyContent: 'center', paddingBottom: 24 }}>
        <button className="btn" type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </div>
  );
}
