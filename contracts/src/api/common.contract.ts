import { z } from 'zod';

/** Money on the wire: a decimal string (never a JSON number, which would be a float) beside its currency. */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "12.50"');
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "USD"');
/** A calendar day `yyyy-mm-dd` (UTC). */
export const isoDay = z.iso.date();
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected yyyy-mm');
/** Timestamps are ISO 8601 strings in UTC on the wire. */
export const isoTimestamp = z.string();

/** Control characters (NUL above all: PostgreSQL refuses it in text) never reach a query or a stored row. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** Free text for stored fields (reasons, names): bounded, trimmed, no control characters. */
export const safeText = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL, 'control characters are not allowed');

/** Filter values: bounded, trimmed; anything else is a 400 before any query is built. */
export const filterValue = safeText(200);

export const apiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBody>;
