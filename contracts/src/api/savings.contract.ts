import { z } from 'zod';
import { decimalString, isoMonth } from './common.contract.ts';

export const savingsQuery = z
  .object({
    /** Realized savings from this month on (yyyy-mm, inclusive); default: twelve months back. */
    since: isoMonth.optional(),
  })
  .strict();

export const savingsGroupTotal = z.object({ key: z.string(), total: decimalString, counted: z.number().int() });

export const openSavingsByCurrency = z.object({
  currency: z.string(),
  total: decimalString,
  /** Findings counted in total. */
  counted: z.number().int(),
  /** Findings left out because a larger alternative of their exclusion group is counted. */
  excluded: z.number().int(),
  byCategory: z.array(savingsGroupTotal),
  byCheck: z.array(savingsGroupTotal),
});

export const realizedSavingsMonth = z.object({
  month: isoMonth,
  currency: z.string(),
  total: decimalString,
  counted: z.number().int(),
  excluded: z.number().int(),
});

export const savingsResponse = z.object({
  /** Open findings with an estimate; exclusion groups counted once (largest alternative). */
  open: z.array(openSavingsByCurrency),
  /** Estimated monthly savings of findings resolved in each month (by resolvedAt, UTC), same exclusion rule. */
  realized: z.array(realizedSavingsMonth),
  realizedSince: isoMonth,
});
export type SavingsResponse = z.infer<typeof savingsResponse>;
