'use client';
import { ErrorState } from './ui.component.tsx';

/** Error boundary of a route segment: the digest lets support find the server log line; Try again re-renders. */
export function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
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
