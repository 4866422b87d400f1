'use server';
import { revalidatePath } from 'next/cache';
import { adminTenantPath as t, api, ApiError } from '../../lib/api-client.server.ts';
import type { ActionResult } from '../../lib/action-result.ts';
import { fieldErrorsFrom } from '../../lib/field-errors.util.ts';

/** Inputs whose values never travel back to the browser, even into the form they came from. */
const SECRET_INPUTS = new Set(['password', 'secretAccessKey', 'serviceAccountKey', 'clientSecret']);

function submitted(form: FormData | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form?.entries() ?? []) if (typeof v === 'string' && !SECRET_INPUTS.has(k) && !k.startsWith('$')) values[k] = v;
  return values;
}

/**
 * The API's message, each validation error beside its input, and the submitted values so the operator fixes the
 * field instead of typing the form again.
 */
function failure(err: unknown, form?: FormData): ActionResult {
  if (!(err instanceof ApiError)) throw err;
  const fields = Array.isArray(err.details) ? (err.details as Array<{ field?: string; message?: string }>).map((d) => `${d.field ?? ''} ${d.message ?? ''}`.trim()) : [];
  return {
    error: fields.length ? `${err.message}: ${fields.join('; ')}` : err.message,
    done: null,
    fieldErrors: fieldErrorsFrom(err.message, err.details),
    values: submitted(form),
  };
}

/** A form the portal refuses before calling the API, with the reason beside the field. */
function refused(field: string, message: string, form: FormData): ActionResult {
  return { error: message, done: null, fieldErrors: { [field]: message }, values: submitted(form) };
}

async function run(work: () => Promise<ActionResult>, revalidate: string, form?: FormData): Promise<ActionResult> {
  try {
    const result = await work();
    revalidatePath(revalidate, 'layout');
    return result;
  } catch (err) {
    return failure(err, form);
  }
}

const text = (form: FormData, key: string) => String(form.get(key) ?? '').trim();

export async function createTenant(_p: ActionResult, form: FormData): Promise<ActionResult> {
  return run(async () => {
    const created = await api<{ id: string }>('/admin/tenants', { method: 'POST', body: { id: text(form, 'id'), name: text(form, 'name') } });
    return { error: null, done: `Tenant ${created.id} created.` };
  }, '/admin', form);
}

export async function setTenantStatus(tenantId: string, status: 'suspend' | 'resume', _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/${status}`, { method: 'POST' });
    return { error: null, done: status === 'suspend' ? 'Suspended.' : 'Resumed.' };
  }, '/admin');
}

export async function addMember(tenantId: string, _p: ActionResult, form: FormData): Promise<ActionResult> {
  return run(async () => {
    const res = await api<{ email?: string; oneTimePassword?: string | null }>(`${t(tenantId)}/members`, {
      method: 'POST',
      body: { email: text(form, 'email'), role: text(form, 'role') },
    });
    return {
      error: null,
      done: `${text(form, 'email')} added as ${text(form, 'role')}.`,
      ...(res.oneTimePassword ? { details: [{ label: 'One-time password', text: res.oneTimePassword, hint: 'Shown once. Hand it to the user over a safe channel.' }] } : {}),
    };
  }, t(tenantId), form);
}

export async function removeMember(tenantId: string, userId: string, _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
    return { error: null, done: 'Removed.' };
  }, t(tenantId));
}

const PROVIDER_FIELDS: Record<string, { options: string[]; lists?: string[]; numbers?: string[]; secret: string[] }> = {
  aws: { options: ['accountId', 'roleArn', 'bucket', 'prefix', 'exportName', 'exportType', 'region', 'endpoint'], lists: ['regions'], secret: ['accessKeyId', 'secretAccessKey'] },
  gcp: { options: ['projectId', 'dataset', 'table', 'exportKind', 'location', 'backfillFrom', 'apiEndpoint'], numbers: ['overlapDays'], secret: ['serviceAccountKey'] },
  azure: { options: ['tenantId', 'clientId', 'scope', 'backfillFrom', 'endpoint'], secret: ['clientSecret'] },
};

interface ConnectionReport {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  periods: Array<{ billingPeriod: string; format: string; objects: Array<{ key: string; size?: number }> }>;
}

function reportText(r: ConnectionReport): string {
  const checks = r.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  const periods = r.periods.map((p) => `  ${p.billingPeriod}  ${p.format}  ${p.objects.length} file(s)`);
  return [...checks, '', periods.length ? 'Periods found:' : 'No billing periods found.', ...periods].join('\n');
}

/** Blank fields are left out so the API applies its defaults; secrets go in their own write-only object. */
export async function createAccount(tenantId: string, provider: string, _p: ActionResult, form: FormData): Promise<ActionResult> {
  const fields = PROVIDER_FIELDS[provider];
  if (!fields) return { error: `Unknown provider ${provider}`, done: null };
  const options: Record<string, unknown> = {};
  for (const k of fields.options) if (text(form, k)) options[k] = text(form, k);
  for (const k of fields.lists ?? []) if (text(form, k)) options[k] = text(form, k).split(/[\s,]+/).filter(Boolean);
  for (const k of fields.numbers ?? []) if (text(form, k)) options[k] = Number(text(form, k));
  const secret: Record<string, string> = {};
  for (const k of fields.secret) if (text(form, k)) secret[k] = text(form, k);
  return run(async () => {
    const res = await api<{ account: { id: string; name: string; externalId: string }; aws: { externalId: string; trustPolicy: unknown; permissionsPolicy: unknown; note: string | null } | null; test: ConnectionReport | null }>(
      `${t(tenantId)}/accounts`,
      { method: 'POST', body: { provider, name: text(form, 'name'), options, ...(Object.keys(secret).length ? { secret } : {}), test: form.get('test') === 'on' } },
    );
    const details: NonNullable<ActionResult['details']> = [];
    if (res.aws) {
      details.push({ label: 'External id', text: res.aws.externalId, hint: 'Paste it as the sts:ExternalId condition of the role.' });
      details.push({ label: 'Trust policy', text: JSON.stringify(res.aws.trustPolicy, null, 2), hint: res.aws.note ?? 'The role’s trust relationship.' });
      details.push({ label: 'Permissions policy', text: JSON.stringify(res.aws.permissionsPolicy, null, 2), hint: 'Read-only access to the export.' });
    }
    if (res.test) details.push({ label: res.test.ok ? 'Connection test passed' : 'Connection test failed', text: reportText(res.test) });
    return { error: null, done: `Account ${res.account.name} created.`, details };
  }, t(tenantId), form);
}

export async function testAccount(tenantId: string, accountId: string, _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    const r = await api<ConnectionReport>(`${t(tenantId)}/accounts/${encodeURIComponent(accountId)}/test`, { method: 'POST' });
    return { error: r.ok ? null : 'The connection test failed.', done: r.ok ? 'Connection works.' : null, details: [{ label: 'Dry run report', text: reportText(r) }] };
  }, t(tenantId));
}

export async function setAccountEnabled(tenantId: string, accountId: string, enable: boolean, _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/accounts/${encodeURIComponent(accountId)}/${enable ? 'enable' : 'disable'}`, { method: 'POST' });
    return { error: null, done: enable ? 'Enabled.' : 'Disabled.' };
  }, t(tenantId));
}

export async function createSchedule(tenantId: string, _p: ActionResult, form: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/schedules`, {
      method: 'POST',
      body: {
        kind: text(form, 'kind'),
        cron: text(form, 'cron'),
        ...(text(form, 'timezone') ? { timezone: text(form, 'timezone') } : {}),
        cloudAccountId: text(form, 'cloudAccountId') || null,
        enabled: true,
      },
    });
    return { error: null, done: 'Schedule created.' };
  }, t(tenantId), form);
}

export async function setScheduleEnabled(tenantId: string, scheduleId: string, enabled: boolean, _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/schedules/${encodeURIComponent(scheduleId)}`, { method: 'PATCH', body: { enabled } });
    return { error: null, done: enabled ? 'Enabled.' : 'Paused.' };
  }, t(tenantId));
}

export async function deleteSchedule(tenantId: string, scheduleId: string, _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    await api(`${t(tenantId)}/schedules/${encodeURIComponent(scheduleId)}`, { method: 'DELETE' });
    return { error: null, done: 'Deleted.' };
  }, t(tenantId));
}

export async function triggerRun(tenantId: string, _p: ActionResult, form: FormData): Promise<ActionResult> {
  return run(async () => {
    const res = await api<{ run: { id: string }; created: boolean }>(`${t(tenantId)}/runs`, {
      method: 'POST',
      body: { kind: text(form, 'kind'), cloudAccountId: text(form, 'cloudAccountId') || null, checkId: text(form, 'checkId') || null },
    });
    return { error: null, done: res.created ? `Run ${res.run.id} queued.` : `The same work is already queued as ${res.run.id}.` };
  }, t(tenantId), form);
}

export async function runAction(tenantId: string, runId: string, verb: 'retry' | 'cancel', _p: ActionResult, _f: FormData): Promise<ActionResult> {
  return run(async () => {
    const res = await api<{ run: { id: string }; created?: boolean; outcome?: string }>(`${t(tenantId)}/runs/${encodeURIComponent(runId)}/${verb}`, { method: 'POST' });
    return { error: null, done: verb === 'retry' ? `Retry queued as ${res.run.id}.` : `Cancel: ${res.outcome ?? 'requested'}.` };
  }, t(tenantId));
}

export async function putChecker(tenantId: string, checkId: string, _p: ActionResult, form: FormData): Promise<ActionResult> {
  let config: unknown;
  try {
    config = JSON.parse(text(form, 'config') || '{}');
  } catch (err) {
    return refused('config', `Not valid JSON: ${(err as Error).message}`, form);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return refused('config', 'Must be a JSON object.', form);
  return run(async () => {
    await api(t(tenantId, `/checkers/${encodeURIComponent(checkId)}`), {
      method: 'PUT',
      body: { enabled: form.get('enabled') === 'on', config },
    });
    return { error: null, done: 'Saved.' };
  }, t(tenantId), form);
}
