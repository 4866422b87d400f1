import type { ReactNode } from 'react';
import type { ApiError } from '../lib/api-client.server.ts';

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Card({ title, hint, actions, children, flush, className, id }: {
  title?: ReactNode;
  hint?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  flush?: boolean;
  className?: string;
  id?: string;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={headingId} id={id}>
      {title || actions ? (
        <div className="card-header">
          <div>
            {title ? <h2 id={headingId}>{title}</h2> : null}
            {hint ? <div className="hint">{hint}</div> : null}
          </div>
          {actions}
        </div>
      ) : null}
      <div className={`card-body ${flush ? 'flush' : ''}`}>{children}</div>
    </section>
  );
}

export function Stat({ label, value, foot, testId, multi }: { label: string; value: ReactNode; foot?: ReactNode; testId?: string; multi?: boolean }) {
  return (
    <section className="card stat" aria-label={label} data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className={`stat-value ${multi ? 'multi' : ''}`} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </span>
      {foot ? <span className="stat-foot">{foot}</span> : null}
    </section>
  );
}

export function EmptyState({ title, children, icon = '∅' }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="state" role="status">
      <div className="state-icon" aria-hidden="true">
        {icon}
      </div>
      <h3>{title}</h3>
      {children ? <p>{children}</p> : null}
    </div>
  );
}

/** What a failed API call means for the user, with the API's code so support can match it to the logs. */
export function ErrorState({ error, title = 'This could not be loaded' }: { error: ApiError | { message: string; code?: string; status?: number }; title?: string }) {
  const missing = error.status === 404 && error.code === 'NOT_FOUND';
  return (
    <div className="state error" role="alert">
      <div className="state-icon" aria-hidden="true">
        !
      </div>
      <h3>{missing ? 'Not available' : title}</h3>
      <p>
        {error.message}
        {error.code ? <span className="muted"> ({error.code})</span> : null}
      </p>
    </div>
  );
}

export function Skeleton({ height = 16, width = '100%' }: { height?: number; width?: number | string }) {
  return <div className="skeleton" style={{ height, width }} aria-hidden="true" />;
}

export function LoadingCards({ count = 4 }: { count?: number }) {
  return (
    <div role="status" aria-live="polite" className="form-stack">
      <span className="sr-only">Loading…</span>
      <Skeleton height={32} width={280} />
      <div className="grid grid-4">
        {Array.from({ length: count }, (_, i) => (
          <div key={i} className="card stat">
            <Skeleton height={14} width={120} />
            <Skeleton height={30} width={160} />
          </div>
        ))}
      </div>
      <div className="card card-body">
        <Skeleton height={260} />
      </div>
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  open: 'badge-warning',
  resolved: 'badge-success',
  suppressed: '',
  succeeded: 'badge-success',
  failed: 'badge-danger',
  running: 'badge-brand',
  queued: '',
  cancelled: '',
  active: 'badge-success',
  suspended: 'badge-danger',
  high: 'badge-danger',
  critical: 'badge-danger',
  medium: 'badge-warning',
  low: '',
  info: '',
};

export function Badge({ children, tone }: { children: ReactNode; tone?: string }) {
  const key = typeof children === 'string' ? children : '';
  return <span className={`badge ${tone ?? STATUS_TONE[key] ?? ''}`}>{children}</span>;
}

export function ProviderBadge({ provider }: { provider: string }) {
  return <span className={`badge provider-${provider}`}>{provider.toUpperCase()}</span>;
}

/** A ranked list with proportional bars; `share` is 0..1 of the largest entry. */
export function BarList({ items, label }: { items: Array<{ key: string; label: ReactNode; value: ReactNode; share: number }>; label: string }) {
  return (
    <ul className="bar-list" aria-label={label}>
      {items.map((i) => (
        <li key={i.key}>
          <span className="label">{i.label}</span>
          <span className="num">{i.value}</span>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${Math.max(2, Math.round(i.share * 100))}%` }} />
          </span>
        </li>
      ))}
    </ul>
  );
}
