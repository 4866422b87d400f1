/**
 * Which form field an API validation error is about. The API names the field two ways: zod body validation lists
 * `details: [{ field: 'body.options.bucket', message }]`, and the cloud-account and schedule checks throw
 * `Invalid options.bucket: <message>` / `Invalid schedule cron: <message>` with no details. Form inputs are named
 * by the first segment after `body.` / `options.` / `secret.` (`options.regions.0` is the `regions` input).
 */
const PREFIXES = /^(body\.)?((options|secret)\.)?/;
const INVALID_FIELD = /^Invalid (?:schedule )?([A-Za-z0-9_.]+): (.+)$/s;

function fieldName(path: string): string {
  return path.replace(PREFIXES, '').split('.')[0]!;
}

export function fieldErrorsFrom(message: string, details: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (Array.isArray(details)) {
    for (const d of details as Array<{ field?: unknown; message?: unknown }>) {
      if (typeof d?.field !== 'string' || typeof d.message !== 'string') continue;
      const name = fieldName(d.field);
      // The first message per field is the one to fix first.
      if (name && !(name in errors)) errors[name] = d.message;
    }
    if (Object.keys(errors).length > 0) return errors;
  }
  const m = INVALID_FIELD.exec(message);
  if (m) errors[fieldName(m[1]!)] = m[2]!;
  return errors;
}
