'use server';
import { revalidatePath } from 'next/cache';
import { api, ApiError, tenantPath } from '../../../../lib/api-client.server.ts';

export interface ActionState {
  error: string | null;
  done: string | null;
}

const FINGERPRINT = /^[A-Za-z0-9_-]{8,128}$/;

/** `until` comes from a date input (a UTC day); the suppression lasts to the end of that day. */
function untilFrom(form: FormData): string | undefined | Error {
  const raw = String(form.get('until') ?? '').trim();
  if (!raw) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return new Error('Until must be a date.');
  const until = new Date(`${raw}T23:59:59Z`);
  if (Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) return new Error('Until must be a future date.');
  return until.toISOString();
}

function message(err: unknown): string {
  if (err instanceof ApiError) return err.status === 403 ? 'Your role cannot change findings (analyst or above can).' : err.message;
  throw err;
}

async function patch(tenantId: string, fingerprint: string, body: Record<string, unknown>): Promise<void> {
  if (!FINGERPRINT.test(fingerprint)) throw new ApiError(400, 'VALIDATION_FAILED', `Not a finding fingerprint: ${fingerprint}`);
  await api(tenantPath(tenantId, `/findings/${encodeURIComponent(fingerprint)}`), { method: 'PATCH', body });
}

export async function suppressFindings(tenantId: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const fingerprints = form.getAll('fingerprint').map(String).filter(Boolean);
  const reason = String(form.get('reason') ?? '').trim();
  if (fingerprints.length === 0) return { error: 'Select at least one finding.', done: null };
  if (!reason) return { error: 'A reason is required: it is shown to everyone who sees the finding.', done: null };
  const until = untilFrom(form);
  if (until instanceof Error) return { error: until.message, done: null };
  let done = 0;
  try {
    // One PATCH per finding: each is audited on its own, and a failure names how far the batch got.
    for (const fp of fingerprints) {
      await patch(tenantId, fp, { action: 'suppress', reason, ...(until ? { until } : {}) });
      done++;
    }
  } catch (err) {
    revalidatePath(`/t/${tenantId}`, 'layout');
    return { error: `${done} of ${fingerprints.length} suppressed; then: ${message(err)}`, done: null };
  }
  revalidatePath(`/t/${tenantId}`, 'layout');
  return { error: null, done: `${done} finding${done === 1 ? '' : 's'} suppressed.` };
}

export async function reopenFinding(tenantId: string, fingerprint: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  try {
    await patch(tenantId, fingerprint, { action: 'reopen' });
  } catch (err) {
    return { error: message(err), done: null };
  }
  revalidatePath(`/t/${tenantId}`, 'layout');
  return { error: null, done: 'Reopened.' };
}
