'use client';
import { useActionState } from 'react';
import { type ActionState, reopenFinding, suppressFindings } from './findings.actions.ts';

const initial: ActionState = { error: null, done: null };

function Feedback({ state }: { state: ActionState }) {
  if (state.error) return <div className="form-error" role="alert">{state.error}</div>;
  if (state.done) return <div className="form-ok" role="status">{state.done}</div>;
  return null;
}

/** Reason and optional end date; used for one finding (detail panel) and for the selected rows (bulk). */
export function SuppressForm({ tenantId, fingerprint, formId, bulk }: { tenantId: string; fingerprint?: string; formId: string; bulk?: boolean }) {
  const [state, action, pending] = useActionState(suppressFindings.bind(null, tenantId), initial);
  return (
    <form id={formId} action={action} className={bulk ? 'toolbar' : 'form-stack'} aria-label={bulk ? 'Suppress selected findings' : 'Suppress this finding'}>
      {fingerprint ? <input type="hidden" name="fingerprint" value={fingerprint} /> : null}
      {bulk ? <strong>Suppress selected</strong> : null}
      <div className="field" style={bulk ? { flex: '1 1 200px' } : undefined}>
        <label htmlFor={`${formId}-reason`}>Reason</label>
        <input id={`${formId}-reason`} name="reason" required maxLength={1000} placeholder="e.g. reserved for the Q3 migration" />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-until`}>
          Until <span className="help">(optional)</span>
        </label>
        <input id={`${formId}-until`} name="until" type="date" />
      </div>
      <div className="field">
        <span aria-hidden="true">&nbsp;</span>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Suppressing…' : bulk ? 'Suppress selected' : 'Suppress'}
        </button>
      </div>
      <Feedback state={state} />
    </form>
  );
}

export function ReopenForm({ tenantId, fingerprint }: { tenantId: string; fingerprint: string }) {
  const [state, action, pending] = useActionState(reopenFinding.bind(null, tenantId, fingerprint), initial);
  return (
    <form action={action} className="form-stack" aria-label="Reopen this finding">
      <button type="submit" className="btn" disabled={pending}>
        {pending ? 'Reopening…' : 'Reopen'}
      </button>
      <Feedback state={state} />
    </form>
  );
}
