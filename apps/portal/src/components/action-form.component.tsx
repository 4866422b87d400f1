'use client';
import { useActionState, type ReactNode } from 'react';
import type { ActionResult } from '../lib/action-result.ts';
import { FormStateContext } from './form-field.component.tsx';

const initial: ActionResult = { error: null, done: null };

/**
 * A form posting to a server action, with pending state and the action's outcome: an error (also beside the field it
 * is about, see FormField), a confirmation, and details to show once (a one-time password, the AWS trust policy, a
 * dry-run report).
 */
export function ActionForm({ action, children, submitLabel, pendingLabel, className, variant = 'primary', label }: {
  action: (prev: ActionResult, form: FormData) => Promise<ActionResult>;
  children?: ReactNode;
  submitLabel: string;
  pendingLabel?: string;
  className?: string;
  variant?: 'primary' | 'default' | 'danger';
  label: string;
}) {
  const [state, run, pending] = useActionState(action, initial);
  return (
    <form action={run} className={className ?? 'form-stack'} aria-label={label}>
      <FormStateContext value={{ errors: state.fieldErrors ?? {}, values: state.values ?? {} }}>{children}</FormStateContext>
      <div>
        <button type="submit" className={`btn ${variant === 'primary' ? 'btn-primary' : variant === 'danger' ? 'btn-danger' : ''} ${children ? '' : 'btn-sm'}`} disabled={pending}>
          {pending ? (pendingLabel ?? 'Working…') : submitLabel}
        </button>
      </div>
      {state.error ? (
        <div className="form-error" role="alert">
          {state.error}
        </div>
      ) : null}
      {state.done ? (
        <div className="form-ok" role="status">
          {state.done}
        </div>
      ) : null}
      {state.details?.map((d) => (
        <div key={d.label} className="form-stack" style={{ gap: 4 }}>
          <span className="section-title" style={{ margin: 0 }}>
            {d.label}
          </span>
          {d.hint ? <span className="muted small">{d.hint}</span> : null}
          <pre className="code" data-testid={`detail-${d.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
            {d.text}
          </pre>
        </div>
      ))}
    </form>
  );
}
